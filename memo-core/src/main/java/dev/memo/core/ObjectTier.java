package dev.memo.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.memo.MemoConfig;
import dev.memo.MemoException;
import dev.memo.Signature;
import dev.memo.core.Immutables.Frozen;
import dev.memo.core.Immutables.NotImmutable;
import dev.memo.spi.Serde;
import dev.memo.spi.Store;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Recently used results kept as objects, in front of the stores, so that a hit neither reads a
 * store nor deserializes; and the one place where results are made into what callers receive (see
 * {@link Immutables}), so that a miss, a store hit and a tier hit hand out the same form.
 *
 * <p>Entries are keyed by store and signature, so that the results of a {@code storingIn} scope
 * stay apart from the others. The tier is bounded by the serialized size of its results (the bytes
 * of the entry written or read; {@link MemoConfig#OBJECT_TIER_MAX_BYTES}) and by their count
 * ({@link MemoConfig#OBJECT_TIER_MAX_ENTRIES}): every entry weighs at least max-bytes /
 * max-entries, so at most max-entries fit in the byte budget. In copy mode ({@code
 * memo.immutability=copy}) a result memo cannot make immutable is kept as its serialized bytes and
 * read again for each caller.
 *
 * <p>The cache is built on a daemon thread started with the tier: building a Caffeine cache is the
 * largest single block of a new process's first hit (its classes, the generated node and cache
 * classes found by method handles, its logger), and that hit needs the tier only to keep what it
 * read. Until the cache is published, up to {@link #MAX_EARLY} results are kept in a plain map
 * under this object's lock; the cache is published, with those results moved into it, under the
 * same lock, and every operation that finds it unpublished takes the lock, so the tier behaves as
 * one map throughout: a result forgotten is never handed out again, whichever side it was on.
 * Thread-safe.
 */
final class ObjectTier {
  /** What {@link #find} returns when the tier has nothing to hand out. */
  static final Object ABSENT = new Object();

  static final long DEFAULT_MAX_BYTES = 64L << 20;
  static final int DEFAULT_MAX_ENTRIES = 10_000;

  /** A kept result: converted, or in copy mode its bytes. */
  private static final class Held {
    final Frozen frozen;
    final byte[] bytes;
    final Serde serde;
    final long created;
    final int weight;

    /**
     * The tier's generation when the result was made, before it was kept: a store's or namespace's
     * forget of a later generation that names it makes it stale (see {@link #stale}).
     */
    volatile long epoch;

    Held(Frozen frozen, byte[] bytes, Serde serde, long created, int weight, long epoch) {
      this.frozen = frozen;
      this.bytes = bytes;
      this.serde = serde;
      this.created = created;
      this.weight = weight;
      this.epoch = epoch;
    }
  }

  /** A forget of many results: the store's, or one namespace's of it (namespace non-null). */
  private record Forget(long generation, Store store, @Nullable String namespace) {
    boolean names(EntryAddress k) {
      return k.store == store && (namespace == null || k.namespace.equals(namespace));
    }
  }

  /** How many of the latest forgets of many results are remembered. */
  static final int FORGETS_KEPT = 64;

  /**
   * Counts the forgets of many results. Dropping them from the cache walks its map, and a walk
   * concurrent with other threads' writes was seen to miss an entry (a stale result served after
   * {@code clear}); so each such forget is also recorded, before the walk, and a result made before
   * it that it names is dropped when found ({@link #stale}).
   */
  private final AtomicLong generation = new AtomicLong();

  /** The latest {@link #FORGETS_KEPT} forgets of many results, oldest first; guarded by itself. */
  private final ArrayDeque<Forget> forgets = new ArrayDeque<>();

  /** Whether a cache was built in this JVM already: later tiers build theirs at once. */
  private static final AtomicBoolean BUILT_ONCE = new AtomicBoolean();

  /** Results kept before the cache is built, at most this many. */
  static final int MAX_EARLY = 64;

  private final boolean copyMode;
  private final long minWeight;
  private final long maxBytes;

  /** The cache once built and published; null before, and for good when the tier is off. */
  private volatile @Nullable Cache<EntryAddress, Held> cache;

  /**
   * Results kept while the cache is being built, moved into it when it is published; null when
   * nothing may be kept here (the tier off, the cache published, its build failed, or the tier
   * cleared for close). Guarded by {@code this}, as is every change of {@link #cache}.
   */
  private @Nullable Map<EntryAddress, Held> early;

  /**
   * Whether {@link #early} is in use: set before the build starts, cleared (after {@link #cache} is
   * set, when it is published) under this object's lock when the build ends or the tier is cleared.
   * Read without the lock so that a tier whose build failed, or which was closed, is not locked on
   * every call: false, then {@link #cache} read after it, is final.
   */
  private volatile boolean building;

  private long earlyWeight;
  private boolean closed;

  /**
   * Makes the tier; its cache is built on a daemon thread, so that a new process's first call does
   * not wait for Caffeine's start (its classes, generated node and cache classes found by method
   * handles, its logger), and meanwhile up to {@link #MAX_EARLY} results are kept in a plain map.
   * Builds nothing when the tier is off.
   *
   * @param config the memoizer's configuration
   * @throws dev.memo.MemoConfigurationException for a negative max-entries
   */
  ObjectTier(MemoConfig config) {
    this(config, null, null);
  }

  /**
   * Makes the tier, with hooks for tests.
   *
   * @param start runs the build of the cache, or null for a new daemon thread
   * @param builders makes the builder of the cache, or null for {@link Caffeine#newBuilder()}
   */
  ObjectTier(
      MemoConfig config,
      @Nullable Executor start,
      @Nullable Supplier<Caffeine<Object, Object>> builders) {
    this.maxBytes = config.getBytes(MemoConfig.OBJECT_TIER_MAX_BYTES, DEFAULT_MAX_BYTES);
    long maxEntries = config.getLong(MemoConfig.OBJECT_TIER_MAX_ENTRIES, DEFAULT_MAX_ENTRIES);
    if (maxEntries < 0) {
      throw config.invalid(MemoConfig.OBJECT_TIER_MAX_ENTRIES, "a count of 0 or more");
    }
    this.copyMode =
        config.getChoice(MemoConfig.IMMUTABILITY, "strict", "strict", "copy").equals("copy");
    if (maxBytes <= 0 || maxEntries == 0) {
      minWeight = 1;
      return;
    }
    // Rounded up: max-entries results of at least this weight never fit in more than max-bytes.
    this.minWeight = Math.max(1, (maxBytes + maxEntries - 1) / maxEntries);
    this.early = new HashMap<>();
    this.building = true;
    Runnable build = new Build(this, builders); // a class, not a lambda: one class fewer to spin
    try {
      if (start != null) {
        start.execute(build);
      } else if (BUILT_ONCE.get()) {
        // Caffeine's classes are loaded already: a thread would cost more than the build.
        build.run();
      } else {
        Thread t = new Thread(build, "memo-object-tier");
        t.setDaemon(true);
        t.start();
      }
    } catch (RuntimeException | OutOfMemoryError e) {
      // No thread to be had (the JVM's thread limit): built here, as before there was one.
      build.run();
    }
  }

  /** The build of a tier's cache, as a task for its thread. */
  private static final class Build implements Runnable {
    private final ObjectTier tier;
    private final @Nullable Supplier<Caffeine<Object, Object>> builders;

    Build(ObjectTier tier, @Nullable Supplier<Caffeine<Object, Object>> builders) {
      this.tier = tier;
      this.builders = builders;
    }

    @Override
    public void run() {
      tier.build(builders);
    }
  }

  /**
   * Builds the cache and publishes it with the results kept meanwhile; a failure (a class that
   * cannot be loaded) leaves the tier off, with a warning.
   */
  private void build(@Nullable Supplier<Caffeine<Object, Object>> builders) {
    Cache<EntryAddress, Held> built;
    try {
      Caffeine<Object, Object> b = builders != null ? builders.get() : Caffeine.newBuilder();
      Cache<Object, Held> c =
          b.maximumWeight(maxBytes)
              .weigher((Object k, Held h) -> h.weight)
              // evict on the writing thread: the bound holds when put returns
              .executor(Runnable::run)
              .build();
      // One entry looked up, put and removed here, under a key no caller has: the classes of a
      // lookup, an insertion and a removal load on this thread, not on the caller's first hit.
      Object probe = new Object();
      c.getIfPresent(probe);
      c.put(probe, new Held(null, null, null, 0, 1, 0));
      c.invalidate(probe);
      @SuppressWarnings("unchecked")
      Cache<EntryAddress, Held> typed = (Cache<EntryAddress, Held>) (Cache<?, ?>) c;
      built = typed;
    } catch (RuntimeException | Error e) {
      synchronized (this) {
        early = null;
        building = false;
      }
      Warnings.LOG.log(
          System.Logger.Level.WARNING,
          "cannot build the object tier, results are not kept as objects and every hit reads its"
              + " store: "
              + e
              + "; check that com.github.ben-manes.caffeine:caffeine is on the class path, or set"
              + " memo.object-tier.max-entries=0");
      return;
    }
    BUILT_ONCE.set(true);
    synchronized (this) {
      if (closed) {
        return;
      }
      if (early != null) {
        built.putAll(early);
      }
      early = null;
      cache = built;
      building = false;
    }
  }

  /** The kept result of a call, handed out, or {@link #ABSENT}; one cache lookup. */
  Object find(Route route, Signature key, String id) {
    if (!route.objectTier) {
      return ABSENT;
    }
    Cache<EntryAddress, Held> c = cache;
    EntryAddress k = new EntryAddress(route.store, id, key);
    Held held;
    if (c != null) {
      held = c.getIfPresent(k);
      if (held != null && route.expired(held.created)) {
        c.asMap().remove(k, held);
        return ABSENT;
      }
    } else if (!building && cache == null) {
      return ABSENT; // the tier is off, its build failed, or it was cleared
    } else {
      synchronized (this) {
        c = cache;
        if (c == null) {
          held = early == null ? null : early.get(k);
          if (held != null && route.expired(held.created)) {
            early.remove(k);
            earlyWeight -= held.weight;
            held = null;
          }
        } else {
          held = null;
        }
      }
      if (c != null) {
        return find(route, key, id); // published meanwhile
      }
    }
    if (held == null) {
      return ABSENT;
    }
    if (held.epoch != generation.get() && stale(k, held)) {
      Cache<EntryAddress, Held> now = cache;
      if (now != null) {
        now.asMap().remove(k, held);
      } else {
        forgetEarly(k::equals);
      }
      return ABSENT;
    }
    return held.frozen != null ? held.frozen.handOut() : read(held.serde, held.bytes, id);
  }

  /**
   * Whether a forget of many results made after {@code held} names its key; if none does, the
   * result is marked as of the current generation, so the next hit does not look again.
   */
  private boolean stale(EntryAddress k, Held held) {
    long now = generation.get();
    synchronized (forgets) {
      Forget oldest = forgets.peekFirst();
      if (oldest == null || held.epoch < oldest.generation() - 1) {
        return oldest != null; // older than what is remembered: dropped, to be safe
      }
      for (Forget f : forgets) {
        if (f.generation() > held.epoch && f.names(k)) {
          return true;
        }
      }
    }
    held.epoch = now;
    return false;
  }

  /** Records a forget of many results, before they are dropped. */
  private void recordForget(Store store, @Nullable String namespace) {
    synchronized (forgets) {
      forgets.addLast(new Forget(generation.incrementAndGet(), store, namespace));
      if (forgets.size() > FORGETS_KEPT) {
        forgets.removeFirst();
      }
    }
  }

  /**
   * Makes a result into what callers receive, keeping it in the tier. Called after the result was
   * stored, so that a result memo cannot hand out is not lost.
   *
   * @param fresh whether nobody else holds the value (it was deserialized for this caller)
   * @param bytes the size of its entry, or 0 or less if unknown
   * @param created when its entry was made
   * @throws MemoException in strict mode, for a result memo cannot make immutable
   */
  Object admit(
      Route route,
      Signature key,
      String id,
      Object value,
      boolean fresh,
      long bytes,
      long created) {
    long epoch = generation.get(); // before the value is kept: a forget after it wins
    boolean keep = route.objectTier && (building || cache != null);
    boolean freshArray =
        fresh
            && value != null
            && value.getClass().isArray()
            && value.getClass().getComponentType().isPrimitive();
    if (!keep && freshArray) {
      return value; // a copy would protect nobody: the caller holds the only reference
    }
    Held held;
    try {
      // A primitive array just read for this caller is nobody else's: the tier keeps it as it is
      // and the caller receives the one copy, where freezing it would have copied it twice. Any
      // other value just read is frozen in place: its collections are wrapped, not copied.
      Frozen frozen =
          freshArray
              ? new Frozen(value, true)
              : fresh ? Immutables.freezeFresh(value) : Immutables.freeze(value);
      held = new Held(frozen, null, null, created, weight(bytes), epoch);
    } catch (NotImmutable e) {
      if (!copyMode) {
        throw new MemoException(
            "cannot hand out the result of \""
                + id
                + "\" immutable: "
                + e.getMessage()
                + ", which memo does not know to be immutable; implement"
                + " dev.memo.Immutable in "
                + e.type.getName()
                + " (or make it a record of immutable"
                + " parts), or set memo.immutability=copy to receive a fresh copy on every call"
                + " (the result was stored)");
      }
      byte[] serialized = write(route.serde, value, id);
      held = new Held(null, serialized, route.serde, created, weight(serialized.length), epoch);
    }
    if (keep) {
      keep(new EntryAddress(route.store, id, key), held);
    } else if (held.frozen != null) {
      // Not kept: the converted value (arrays already copied) is this caller's alone, so it needs
      // no second copy; a 1 MiB array hit paid two copies for one caller before.
      return held.frozen.value;
    }
    return held.frozen != null ? held.frozen.handOut() : read(held.serde, held.bytes, id);
  }

  private int weight(long bytes) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(bytes, minWeight));
  }

  private static byte[] write(Serde serde, Object value, String id) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      serde.write(value, out);
    } catch (IOException | RuntimeException e) {
      throw new MemoException(
          "cannot hand out a copy of the result of \""
              + id
              + "\""
              + " (memo.immutability=copy): serde \""
              + serde.name()
              + "\" cannot write it: "
              + e
              + "; make the result serializable, or implement dev.memo.Immutable in its type",
          e);
    }
    return out.toByteArray();
  }

  private static Object read(Serde serde, byte[] bytes, String id) {
    try {
      return serde.read(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      throw new MemoException(
          "cannot hand out a copy of the result of \""
              + id
              + "\""
              + " (memo.immutability=copy): serde \""
              + serde.name()
              + "\" cannot read what it wrote: "
              + e,
          e);
    }
  }

  /** Keeps a result in the cache, or in the plain map until the cache is published. */
  private void keep(EntryAddress k, Held held) {
    Cache<EntryAddress, Held> c = cache;
    if (c == null) {
      synchronized (this) {
        c = cache;
        if (c == null) {
          if (early != null) {
            Held old = early.remove(k);
            if (old != null) {
              earlyWeight -= old.weight;
            }
            if (early.size() < MAX_EARLY && earlyWeight + held.weight <= maxBytes) {
              early.put(k, held);
              earlyWeight += held.weight;
            }
          }
          return;
        }
      }
    }
    c.put(k, held);
  }

  /**
   * Drops what matches from the plain map, or returns the cache when it is published; every change
   * of the tier before the cache is published happens under this lock, so the moving of the kept
   * results into the cache is atomic to them.
   */
  private @Nullable Cache<EntryAddress, Held> forgetEarly(Predicate<EntryAddress> drop) {
    Cache<EntryAddress, Held> c = cache;
    if (c != null) {
      return c;
    }
    if (!building) {
      return cache;
    }
    synchronized (this) {
      if (cache != null) {
        return cache;
      }
      if (early != null) {
        for (var it = early.entrySet().iterator(); it.hasNext(); ) {
          var e = it.next();
          if (drop.test(e.getKey())) {
            earlyWeight -= e.getValue().weight;
            it.remove();
          }
        }
      }
      return null;
    }
  }

  /** Drops every result kept for this store. */
  void forget(Store store) {
    recordForget(store, null);
    Cache<EntryAddress, Held> c = forgetEarly(k -> k.store == store);
    if (c != null) {
      c.asMap().keySet().removeIf(k -> k.store == store);
    }
  }

  /** Drops the result kept for one call, so that a removed entry is not handed out. */
  void forget(Store store, String namespace, Signature key) {
    EntryAddress gone = new EntryAddress(store, namespace, key);
    Cache<EntryAddress, Held> c = forgetEarly(gone::equals);
    if (c != null) {
      c.invalidate(gone);
    }
  }

  /** Drops every result kept for a function's namespace in this store. */
  void forget(Store store, String namespace) {
    Predicate<EntryAddress> drop = k -> k.store == store && k.namespace.equals(namespace);
    recordForget(store, namespace);
    Cache<EntryAddress, Held> c = forgetEarly(drop);
    if (c != null) {
      c.asMap().keySet().removeIf(drop);
    }
  }

  /** The number of results kept, after pending evictions; 0 when the tier is off. */
  long size() {
    Cache<EntryAddress, Held> c = cache;
    if (c == null && !building) {
      c = cache;
      if (c == null) {
        return 0;
      }
    }
    if (c == null) {
      synchronized (this) {
        c = cache;
        if (c == null) {
          return early == null ? 0 : early.size();
        }
      }
    }
    c.cleanUp();
    return c.estimatedSize();
  }

  /**
   * Makes the next tier build its cache on a thread of its own again, as the first does; for tests.
   */
  static void resetBuiltOnce() {
    BUILT_ONCE.set(false);
  }

  /** Whether the cache is built and published; for tests. */
  boolean built() {
    return cache != null;
  }

  /**
   * Drops every kept result, for the memoizer's close: a build still under way is not waited for
   * (its thread is a daemon and ends by itself) and its cache is never published.
   */
  void clear() {
    Cache<EntryAddress, Held> c;
    synchronized (this) {
      closed = true;
      early = null;
      building = false;
      c = cache;
    }
    if (c != null) {
      c.invalidateAll();
    }
  }
}
