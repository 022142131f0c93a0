package dev.memo.micrometer;

import dev.memo.MemoStats;
import dev.memo.Memoizer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import java.lang.ref.WeakReference;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Binds a memoizer's counters ({@link Memoizer#stats()}) to a {@link MeterRegistry}, with
 * Micrometer's cache meters and memo's own, each tagged {@code cache=<name>} and with the tags
 * given:
 *
 * <ul>
 *   <li>{@code cache.gets} tagged {@code result=hit} (answered from the object tier or the store)
 *       and {@code result=miss} (the function ran, including after an entry that could not be
 *       read);
 *   <li>{@code cache.puts}: entries written to the store;
 *   <li>{@code memo.compute}: a function timer of the function's runs on misses (count and total
 *       time);
 *   <li>{@code memo.load.failures}: stored entries that could not be read back and were computed
 *       again;
 *   <li>{@code memo.store.failures}: results that could not be written (the caller still received
 *       them);
 *   <li>{@code memo.bytes.read}, {@code memo.bytes.written}: entry bytes, in {@code bytes};
 *   <li>{@code memo.tier.hits}: the hits the object tier answered without reading the store.
 * </ul>
 *
 * <p><b>Per function.</b> The calls of each function wrapped under a name ({@link
 * Memoizer#stats(String)}) are counted again by meters tagged {@code function=<name>} as well:
 *
 * <ul>
 *   <li>{@code memo.function.gets} tagged {@code result=hit} and {@code result=miss};
 *   <li>{@code memo.function.puts};
 *   <li>{@code memo.function.compute}: a function timer, as {@code memo.compute};
 *   <li>{@code memo.function.load.failures}, {@code memo.function.store.failures}.
 * </ul>
 *
 * <p>They have names of their own, not {@code cache.gets} with one more tag, because some
 * registries (Prometheus) require every meter of a name to have the same tag keys. So that the
 * number of series stays bounded whatever names a program makes up, only the first {@code
 * functionLimit} names ({@value #DEFAULT_FUNCTION_LIMIT} by default) get a {@code function} tag of
 * their own, first come first served in the order the names were first wrapped; the calls of every
 * later name count in the meters tagged {@code function=other} ({@value #OTHER_FUNCTIONS}), as do
 * those of a function named {@code other}. A name keeps the tag it was given while the binder
 * lives. Functions wrapped without a name have no counters of their own ({@link
 * Memoizer#stats(String)}) and are counted in the memoizer's meters only: when every function has a
 * name, the {@code memo.function} meters of all {@code function} tags add up to the memoizer's. The
 * meters of a name wrapped after binding are registered when the registry next reads this binder's
 * {@code memo} meters (the next scrape or publication), with every call counted so far.
 *
 * <p>There is no {@code cache.size} and no {@code cache.evictions}: a store does not know its size
 * without listing itself, which a scrape must not wait for ({@code memo stats} lists it on demand),
 * and entries are evicted by other processes' sweeps as much as by this one's.
 *
 * <p>The meters read the memoizer's counters when the registry asks; nothing is added to a call. As
 * with Micrometer's other cache binders, the memoizer is held weakly: the meters do not keep a
 * closed, dropped memoizer alive.
 *
 * <pre>{@code
 * Memo memo = Memo.create();
 * new MemoMetrics(memo, "reports", Tags.empty()).bindTo(registry);
 * new MemoMetrics(other, "batch", Tags.empty(), 20).bindTo(registry);   // 20 function tags at most
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class MemoMetrics extends CacheMeterBinder<Memoizer> {
  /** How many function names get a {@code function} tag of their own unless told otherwise. */
  public static final int DEFAULT_FUNCTION_LIMIT = 100;

  /** The {@code function} tag of the calls of the names beyond the limit. */
  public static final String OTHER_FUNCTIONS = "other";

  private static final String FUNCTION_TAG = "function";

  private final int functionLimit;

  /** The names given a tag of their own, in the order they were given it; guarded by itself. */
  private final Set<String> tagged = new LinkedHashSet<>();

  /** Every name seen, tagged or not; guarded by {@link #tagged}. */
  private final Set<String> seen = new HashSet<>();

  /**
   * Creates the binder of a memoizer's meters, with a {@code function} tag of their own for the
   * first {@value #DEFAULT_FUNCTION_LIMIT} function names.
   *
   * @param memoizer the memoizer, such as a {@code dev.memo.core.Memo}
   * @param cacheName the value of the {@code cache} tag, which tells this memoizer's meters from
   *     others'
   * @param tags more tags for every meter; not null
   * @throws NullPointerException if an argument is null
   */
  public MemoMetrics(Memoizer memoizer, String cacheName, Iterable<Tag> tags) {
    this(memoizer, cacheName, tags, DEFAULT_FUNCTION_LIMIT);
  }

  /**
   * Creates the binder of a memoizer's meters, with a {@code function} tag of their own for at most
   * {@code functionLimit} function names; the calls of later names count under {@code
   * function=other}.
   *
   * @param memoizer the memoizer, such as a {@code dev.memo.core.Memo}
   * @param cacheName the value of the {@code cache} tag, which tells this memoizer's meters from
   *     others'
   * @param tags more tags for every meter; not null
   * @param functionLimit how many names get a {@code function} tag of their own, first come first
   *     served; 0 counts every function under {@code function=other}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code functionLimit} is negative
   */
  public MemoMetrics(Memoizer memoizer, String cacheName, Iterable<Tag> tags, int functionLimit) {
    super(
        Objects.requireNonNull(memoizer, "memoizer"),
        Objects.requireNonNull(cacheName, "cacheName"),
        Objects.requireNonNull(tags, "tags"));
    if (functionLimit < 0) {
      throw new IllegalArgumentException(
          "functionLimit is "
              + functionLimit
              + "; give 0 or more (0 counts every function under function=other)");
    }
    this.functionLimit = functionLimit;
  }

  /**
   * Binds a memoizer's meters to a registry: {@code new MemoMetrics(memoizer, cacheName,
   * Tags.of(tags)).bindTo(registry)}.
   *
   * @param <M> the memoizer's type
   * @param registry the registry
   * @param memoizer the memoizer
   * @param cacheName the value of the {@code cache} tag
   * @param tags more tags, as key-value pairs
   * @return the memoizer
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code tags} has an odd number of elements
   */
  public static <M extends Memoizer> M monitor(
      MeterRegistry registry, M memoizer, String cacheName, String... tags) {
    new MemoMetrics(memoizer, cacheName, Tags.of(tags)).bindTo(registry);
    return memoizer;
  }

  /** Not known without listing the store: not reported. */
  @Override
  protected @Nullable Long size() {
    return null;
  }

  @Override
  protected long hitCount() {
    return stat(MemoStats::hitCount);
  }

  @Override
  protected Long missCount() {
    return stat(MemoStats::missCount);
  }

  /** Sweeps of a shared store are not this memoizer's: not reported. */
  @Override
  protected @Nullable Long evictionCount() {
    return null;
  }

  @Override
  protected long putCount() {
    return stat(MemoStats::writeCount);
  }

  @Override
  protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
    Memoizer memoizer = getCache();
    if (memoizer == null) {
      return; // collected already: there is nothing to count
    }
    Iterable<Tag> tags = getTagsWithCacheName();
    Functions functions = new Functions(registry, tags);
    FunctionTimer.builder(
            "memo.compute",
            memoizer,
            m -> functions.refreshed(m).stats().missCount(),
            m -> functions.refreshed(m).stats().computeNanos(),
            TimeUnit.NANOSECONDS)
        .tags(tags)
        .description("The runs of memoized functions on misses")
        .register(registry);
    counter(
        registry,
        tags,
        functions,
        "memo.load.failures",
        MemoStats::loadFailureCount,
        "Stored entries that could not be read back and were computed again",
        null);
    counter(
        registry,
        tags,
        functions,
        "memo.store.failures",
        MemoStats::storeFailureCount,
        "Results that could not be written to the store",
        null);
    counter(
        registry,
        tags,
        functions,
        "memo.bytes.read",
        MemoStats::bytesRead,
        "Entry bytes read from the store on hits",
        BaseUnits.BYTES);
    counter(
        registry,
        tags,
        functions,
        "memo.bytes.written",
        MemoStats::bytesWritten,
        "Entry bytes written to the store on misses",
        BaseUnits.BYTES);
    counter(
        registry,
        tags,
        functions,
        "memo.tier.hits",
        MemoStats::tierHitCount,
        "Hits answered by the object tier without reading the store",
        null);
    functions.register(memoizer, OTHER_FUNCTIONS, functions::others);
    functions.refreshed(memoizer);
  }

  private static void counter(
      MeterRegistry registry,
      Iterable<Tag> tags,
      Functions functions,
      String name,
      ToLongFunction<MemoStats> count,
      String description,
      @Nullable String unit) {
    FunctionCounter.builder(
            name, functions.memoizer(), m -> count.applyAsLong(functions.refreshed(m).stats()))
        .tags(tags)
        .description(description)
        .baseUnit(unit)
        .register(registry);
  }

  /**
   * Gives each function name seen for the first time its {@code function} tag: its own while fewer
   * than the limit have one (and it is not {@code other}), else {@code other}.
   *
   * @param names the names now, in the order they were first wrapped
   * @return the names with a tag of their own
   */
  private List<String> assign(Set<String> names) {
    synchronized (tagged) {
      for (String name : names) {
        if (seen.add(name) && tagged.size() < functionLimit && !name.equals(OTHER_FUNCTIONS)) {
          tagged.add(name);
        }
      }
      return List.copyOf(tagged);
    }
  }

  private boolean tagged(String name) {
    synchronized (tagged) {
      return tagged.contains(name);
    }
  }

  /**
   * The {@code memo.function} meters of one registry: registers a name's meters once the name has a
   * tag of its own. Thread-safe.
   */
  private final class Functions {
    private final MeterRegistry registry;
    private final Iterable<Tag> tags;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    /** The memoizer, held weakly as the meters hold it. */
    private final WeakReference<Memoizer> memoizer;

    Functions(MeterRegistry registry, Iterable<Tag> tags) {
      this.registry = registry;
      this.tags = tags;
      this.memoizer = new WeakReference<>(getCache());
    }

    @Nullable Memoizer memoizer() {
      return memoizer.get();
    }

    /**
     * Registers the meters of the names that got a tag of their own since the last time, and
     * returns the memoizer: called whenever the registry reads a {@code memo} meter, so that a name
     * wrapped after binding gets its meters by the next read. Meters are registered outside any
     * lock of this binder.
     */
    Memoizer refreshed(Memoizer m) {
      refresh(m);
      return m;
    }

    private Map<String, MemoStats> refresh(Memoizer m) {
      Map<String, MemoStats> now = m.functionStats();
      for (String name : assign(now.keySet())) {
        if (registered.add(name)) {
          register(m, name, in -> in.stats(name));
        }
      }
      return now;
    }

    /**
     * The counters of the names without a tag of their own. A name never moves from {@code other}
     * to its own tag, so this sum only grows.
     */
    MemoStats others(Memoizer m) {
      MemoStats sum = MemoStats.empty();
      for (Map.Entry<String, MemoStats> e : refresh(m).entrySet()) {
        if (!tagged(e.getKey())) {
          sum = sum.plus(e.getValue());
        }
      }
      return sum;
    }

    void register(Memoizer m, String function, Function<Memoizer, MemoStats> stats) {
      Tags functionTags = Tags.concat(tags, FUNCTION_TAG, function);
      FunctionCounter.builder("memo.function.gets", m, in -> stats.apply(in).hitCount())
          .tags(functionTags)
          .tag("result", "hit")
          .description("Calls of the function answered from the object tier or the store")
          .register(registry);
      FunctionCounter.builder("memo.function.gets", m, in -> stats.apply(in).missCount())
          .tags(functionTags)
          .tag("result", "miss")
          .description("Calls of the function that ran it")
          .register(registry);
      FunctionCounter.builder("memo.function.puts", m, in -> stats.apply(in).writeCount())
          .tags(functionTags)
          .description("Entries of the function written to the store")
          .register(registry);
      FunctionTimer.builder(
              "memo.function.compute",
              m,
              in -> stats.apply(in).missCount(),
              in -> stats.apply(in).computeNanos(),
              TimeUnit.NANOSECONDS)
          .tags(functionTags)
          .description("The runs of the function on misses")
          .register(registry);
      FunctionCounter.builder(
              "memo.function.load.failures", m, in -> stats.apply(in).loadFailureCount())
          .tags(functionTags)
          .description("Stored entries of the function that could not be read back")
          .register(registry);
      FunctionCounter.builder(
              "memo.function.store.failures", m, in -> stats.apply(in).storeFailureCount())
          .tags(functionTags)
          .description("Results of the function that could not be written to the store")
          .register(registry);
    }
  }

  /** A counter of the memoizer, or 0 once it was garbage collected. */
  private long stat(ToLongFunction<MemoStats> count) {
    Memoizer memoizer = getCache();
    return memoizer == null ? 0 : count.applyAsLong(memoizer.stats());
  }
}
