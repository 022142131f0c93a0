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
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

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
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class MemoMetrics extends CacheMeterBinder<Memoizer> {

  /**
   * Creates the binder of a memoizer's meters.
   *
   * @param memoizer the memoizer, such as a {@code dev.memo.core.Memo}
   * @param cacheName the value of the {@code cache} tag, which tells this memoizer's meters from
   *     others'
   * @param tags more tags for every meter; not null
   * @throws NullPointerException if an argument is null
   */
  public MemoMetrics(Memoizer memoizer, String cacheName, Iterable<Tag> tags) {
    super(
        Objects.requireNonNull(memoizer, "memoizer"),
        Objects.requireNonNull(cacheName, "cacheName"),
        Objects.requireNonNull(tags, "tags"));
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
  protected Long size() {
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
  protected Long evictionCount() {
    return null;
  }

  @Override
  protected long putCount() {
    return stat(MemoStats::writeCount);
  }

  @Override
  protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
    Iterable<Tag> tags = getTagsWithCacheName();
    Memoizer memoizer = getCache();
    FunctionTimer.builder(
            "memo.compute",
            memoizer,
            m -> m.stats().missCount(),
            m -> m.stats().computeNanos(),
            TimeUnit.NANOSECONDS)
        .tags(tags)
        .description("The runs of memoized functions on misses")
        .register(registry);
    counter(
        registry,
        tags,
        "memo.load.failures",
        MemoStats::loadFailureCount,
        "Stored entries that could not be read back and were computed again",
        null);
    counter(
        registry,
        tags,
        "memo.store.failures",
        MemoStats::storeFailureCount,
        "Results that could not be written to the store",
        null);
    counter(
        registry,
        tags,
        "memo.bytes.read",
        MemoStats::bytesRead,
        "Entry bytes read from the store on hits",
        BaseUnits.BYTES);
    counter(
        registry,
        tags,
        "memo.bytes.written",
        MemoStats::bytesWritten,
        "Entry bytes written to the store on misses",
        BaseUnits.BYTES);
    counter(
        registry,
        tags,
        "memo.tier.hits",
        MemoStats::tierHitCount,
        "Hits answered by the object tier without reading the store",
        null);
  }

  private void counter(
      MeterRegistry registry,
      Iterable<Tag> tags,
      String name,
      ToLongFunction<MemoStats> count,
      String description,
      String unit) {
    FunctionCounter.builder(name, getCache(), m -> count.applyAsLong(m.stats()))
        .tags(tags)
        .description(description)
        .baseUnit(unit)
        .register(registry);
  }

  /** A counter of the memoizer, or 0 once it was garbage collected. */
  private long stat(ToLongFunction<MemoStats> count) {
    Memoizer memoizer = getCache();
    return memoizer == null ? 0 : count.applyAsLong(memoizer.stats());
  }
}
