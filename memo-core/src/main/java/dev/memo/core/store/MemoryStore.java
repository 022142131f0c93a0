package dev.memo.core.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.spi.Store;
import dev.memo.spi.StoreEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Keeps entries as byte arrays in a Caffeine cache bounded by their total size, evicting the
 * entries least likely to be used again. Nothing survives the store: each store starts empty.
 *
 * <p>A put collects the writer's bytes and publishes them with one cache write, so readers see a
 * whole entry or none. The arrays are never handed out, so a reader's stream is its own snapshot.
 * Thread-safe.
 */
final class MemoryStore implements Store {
  private final long maxBytes;
  private final Cache<Key, byte[]> cache;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates an empty store.
   *
   * @param maxBytes the most bytes of entries (payload plus key bytes) to keep
   */
  MemoryStore(long maxBytes) {
    this.maxBytes = maxBytes;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((Key k, byte[] v) -> weight(k, v))
            // Evict on the writing thread: no background work to outlive the store, and the bound
            // holds when put returns.
            .executor(Runnable::run)
            .build();
  }

  /**
   * Returns what an entry counts against the bound: its bytes plus its key's, so that even empty
   * entries count.
   */
  static int weight(Key key, byte[] value) {
    return (int) Math.min(Integer.MAX_VALUE, (long) value.length + key.signature.length());
  }

  @Override
  public String name() {
    return MemoryStoreProvider.NAME;
  }

  /**
   * Listing only: pruning goes through the listing ({@code StoreAdmin}), and the cache keeps its
   * own bound.
   */
  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.LISTING);
  }

  @Override
  public Optional<InputStream> get(String namespace, Signature key) {
    checkOpen();
    byte[] bytes = cache.getIfPresent(new Key(namespace, key));
    return bytes == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(bytes));
  }

  /**
   * Collects the entry in memory, then publishes it.
   *
   * @throws StoreException if the entry alone is larger than the bound; the writer is stopped as
   *     soon as it passes the bound, so a huge entry is never held whole
   */
  @Override
  public void put(String namespace, Signature key, EntryWriter writer) throws IOException {
    checkOpen();
    BoundedBuffer buffer = new BoundedBuffer(namespace);
    writer.writeTo(buffer);
    cache.put(new Key(namespace, key), buffer.toByteArray());
  }

  @Override
  public boolean remove(String namespace, Signature key) {
    checkOpen();
    return cache.asMap().remove(new Key(namespace, key)) != null;
  }

  @Override
  public void quarantine(String namespace, Signature key, String reason) {
    // Nowhere to keep a broken entry for inspection: it is dropped.
    remove(namespace, key);
  }

  @Override
  public Set<String> namespaces() {
    checkOpen();
    Set<String> names = new HashSet<>();
    cache.asMap().keySet().forEach(k -> names.add(k.namespace()));
    return names;
  }

  /** Lists the namespace's entries; the memory store does not track access, so none has a time. */
  @Override
  public void forEachEntry(String namespace, Consumer<? super StoreEntry> action) {
    checkOpen();
    cache
        .asMap()
        .forEach(
            (k, v) -> {
              if (k.namespace().equals(namespace)) {
                action.accept(new StoreEntry(k.signature(), v.length, Optional.empty()));
              }
            });
  }

  @Override
  public long clear(String namespace) {
    checkOpen();
    long[] removed = {0};
    cache
        .asMap()
        .keySet()
        .removeIf(
            k -> {
              boolean match = k.namespace().equals(namespace);
              if (match) {
                removed[0]++;
              }
              return match;
            });
    return removed[0];
  }

  /** Drops every entry and marks the store closed; later calls fail. Closing twice is fine. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      cache.invalidateAll();
    }
  }

  @Override
  public String toString() {
    return "MemoryStore{maxBytes=" + maxBytes + "}";
  }

  /** Returns the most bytes of entries this store keeps. */
  long maxBytes() {
    return maxBytes;
  }

  /** Gives tests the cache, to settle pending maintenance. */
  Cache<Key, byte[]> cache() {
    return cache;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new StoreException("memory store is closed");
    }
  }

  /** An entry's identity: the namespace and the key. */
  record Key(String namespace, Signature signature) {}

  /** Collects an entry's bytes, failing once they exceed what the store may hold in total. */
  private final class BoundedBuffer extends ByteArrayOutputStream {
    private final String namespace;

    BoundedBuffer(String namespace) {
      this.namespace = namespace;
    }

    @Override
    public void write(int b) {
      ensureRoom(1);
      super.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensureRoom(len);
      super.write(b, off, len);
    }

    private void ensureRoom(int len) {
      if ((long) count + len > maxBytes) {
        throw new StoreException(
            "an entry of namespace \""
                + namespace
                + "\" is larger than the memory store's whole capacity of "
                + maxBytes
                + " bytes; raise "
                + MemoryStoreProvider.MAX_BYTES_KEY
                + " or use the directory store");
      }
    }
  }
}
