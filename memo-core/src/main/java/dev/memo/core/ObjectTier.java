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
 * read again for each caller. Thread-safe.
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

    Held(Frozen frozen, byte[] bytes, Serde serde, long created, int weight) {
      this.frozen = frozen;
      this.bytes = bytes;
      this.serde = serde;
      this.created = created;
      this.weight = weight;
    }
  }

  private final @Nullable Cache<EntryAddress, Held> cache;
  private final boolean copyMode;
  private final long minWeight;

  ObjectTier(MemoConfig config) {
    long maxBytes = config.getBytes(MemoConfig.OBJECT_TIER_MAX_BYTES, DEFAULT_MAX_BYTES);
    long maxEntries = config.getLong(MemoConfig.OBJECT_TIER_MAX_ENTRIES, DEFAULT_MAX_ENTRIES);
    if (maxEntries < 0) {
      throw config.invalid(MemoConfig.OBJECT_TIER_MAX_ENTRIES, "a count of 0 or more");
    }
    this.copyMode =
        config.getChoice(MemoConfig.IMMUTABILITY, "strict", "strict", "copy").equals("copy");
    if (maxBytes <= 0 || maxEntries == 0) {
      cache = null;
      minWeight = 1;
      return;
    }
    this.minWeight = Math.max(1, maxBytes / maxEntries);
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((EntryAddress k, Held h) -> h.weight)
            .executor(
                Runnable::run) // evict on the writing thread: the bound holds when put returns
            .build();
  }

  /** The kept result of a call, handed out, or {@link #ABSENT}; one cache lookup. */
  Object find(Route route, Signature key, String id) {
    if (cache == null || !route.objectTier) {
      return ABSENT;
    }
    EntryAddress k = new EntryAddress(route.store, id, key);
    Held held = cache.getIfPresent(k);
    if (held == null) {
      return ABSENT;
    }
    if (route.expired(held.created)) {
      cache.asMap().remove(k, held);
      return ABSENT;
    }
    return held.frozen != null ? held.frozen.handOut() : read(held.serde, held.bytes, id);
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
    boolean keep = cache != null && route.objectTier;
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
      held = new Held(frozen, null, null, created, weight(bytes));
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
      held = new Held(null, serialized, route.serde, created, weight(serialized.length));
    }
    if (keep) {
      cache.put(new EntryAddress(route.store, id, key), held);
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

  /** Drops every result kept for this store. */
  void forget(Store store) {
    if (cache != null) {
      cache.asMap().keySet().removeIf(k -> k.store == store);
    }
  }

  /** Drops the result kept for one call, so that a removed entry is not handed out. */
  void forget(Store store, String namespace, Signature key) {
    if (cache != null) {
      cache.invalidate(new EntryAddress(store, namespace, key));
    }
  }

  /** Drops every result kept for a function's namespace in this store. */
  void forget(Store store, String namespace) {
    if (cache != null) {
      cache.asMap().keySet().removeIf(k -> k.store == store && k.namespace.equals(namespace));
    }
  }

  /** The number of results kept, after pending evictions; 0 when the tier is off. */
  long size() {
    if (cache == null) {
      return 0;
    }
    cache.cleanUp();
    return cache.estimatedSize();
  }

  void clear() {
    if (cache != null) {
      cache.invalidateAll();
    }
  }
}
