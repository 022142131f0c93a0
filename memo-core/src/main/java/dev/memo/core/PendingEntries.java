package dev.memo.core;

import dev.memo.Signature;
import dev.memo.spi.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The entries of this memoizer's misses that wait for {@link WriteBehind}'s thread to publish them
 * in their stores, held as their finished bytes (header, checksummed payload, tag) so that a look
 * at the key in this memoizer reads them exactly as it would read the published entry. Keyed by
 * store, namespace and signature, like the object tier, so that a {@code storingIn} scope's entries
 * stay apart.
 *
 * <p>Bounded by the bytes waiting ({@link dev.memo.MemoConfig#WRITE_BEHIND_MAX_BYTES}): an entry
 * that does not fit is not taken, and its caller publishes it on its own thread. A newer entry of a
 * key replaces the one waiting; removing a key ({@link #drop}) waits for a publication of it in
 * progress, so that a removal is never undone by a write published after it. The writer publishes
 * in the order entries were taken. Thread-safe.
 */
final class PendingEntries {
  /** The default bound of the bytes waiting: 64 MiB. */
  static final long DEFAULT_MAX_BYTES = 64L << 20;

  /** One entry waiting: its key, its bytes (never changed once taken) and whose it is. */
  static final class Pending {
    private static final int WAITING = 0;
    private static final int PUBLISHED = 1;
    private static final int DROPPED = 2;

    final EntryAddress key;
    final byte[] bytes;
    final int length;
    final Handle handle;

    /** Guarded by this: held while the entry is published, so that a drop waits for it. */
    private int state = WAITING;

    Pending(EntryAddress key, byte[] bytes, int length, Handle handle) {
      this.key = key;
      this.bytes = bytes;
      this.length = length;
      this.handle = handle;
    }
  }

  /** Publishes one entry in its store; counts and warns of a failure, never throws. */
  interface Publisher {
    void publish(Pending entry);
  }

  private final long maxBytes;
  private final Map<EntryAddress, Pending> byKey = new ConcurrentHashMap<>();
  private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();

  /** Bytes of the entries in {@link #queue}: released when the writer takes one out. */
  private final AtomicLong bytes = new AtomicLong();

  /**
   * @param maxBytes the most bytes waiting, above 0
   */
  PendingEntries(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The largest entry taken: an eighth of the bound, so that one large entry cannot fill it. */
  int maxEntryBytes() {
    return (int) Math.min(Integer.MAX_VALUE - 16, maxBytes / 8);
  }

  /**
   * Takes an entry to be published, unless the bytes waiting would then exceed the bound.
   *
   * @return true if taken; false if the caller must publish it
   */
  boolean offer(Pending entry) {
    // Counted by the array held, which may be larger than the entry: the bound is on memory.
    int weight = entry.bytes.length;
    if (bytes.addAndGet(weight) > maxBytes) {
      bytes.addAndGet(-weight);
      return false;
    }
    Pending replaced = byKey.put(entry.key, entry);
    if (replaced != null) {
      drop(replaced);
    }
    queue.add(entry);
    return true;
  }

  /** The entry waiting under a key, or null; its bytes are those the store will hold. */
  @Nullable Pending find(Store store, String namespace, Signature signature) {
    if (byKey.isEmpty()) {
      return null;
    }
    return byKey.get(new EntryAddress(store, namespace, signature));
  }

  /**
   * Drops the entry waiting under a key, waiting for its publication if it is in progress.
   *
   * @return true if an entry was dropped before it was published
   */
  boolean drop(Store store, String namespace, Signature signature) {
    if (byKey.isEmpty()) {
      return false;
    }
    Pending p = byKey.remove(new EntryAddress(store, namespace, signature));
    return p != null && drop(p);
  }

  /**
   * Drops every entry waiting for a namespace of a store, as {@link #drop(Store, String,
   * Signature)}.
   *
   * @return how many were dropped before they were published
   */
  long drop(Store store, String namespace) {
    long dropped = 0;
    for (Pending p : byKey.values()) {
      if (p.key.store == store
          && p.key.namespace.equals(namespace)
          && byKey.remove(p.key, p)
          && drop(p)) {
        dropped++;
      }
    }
    return dropped;
  }

  private static boolean drop(Pending p) {
    synchronized (p) {
      boolean waiting = p.state == Pending.WAITING;
      if (waiting) {
        p.state = Pending.DROPPED;
      }
      return waiting;
    }
  }

  /** Publishes the entries taken, in order, until none is left; the writer's loop. */
  void publishQueued(Publisher publisher) {
    Pending p;
    while ((p = queue.poll()) != null) {
      try {
        publish(p, publisher);
      } finally {
        bytes.addAndGet(-p.bytes.length);
      }
    }
  }

  /**
   * Publishes every entry waiting for a store (or for every store, when null) now, on this thread,
   * returning once those in progress on the writer's thread are published too: the store is about
   * to close.
   */
  void publishAll(@Nullable Store store, Publisher publisher) {
    for (Pending p : byKey.values()) {
      if (store == null || p.key.store == store) {
        publish(p, publisher);
      }
    }
  }

  private void publish(Pending p, Publisher publisher) {
    try {
      synchronized (p) {
        if (p.state != Pending.WAITING) {
          return;
        }
        // Published under the entry's lock: a drop of the key meanwhile waits, then removes what
        // the store now holds.
        try {
          publisher.publish(p);
        } finally {
          p.state = Pending.PUBLISHED; // or failed, even with an Error: no longer waiting
        }
      }
    } finally {
      byKey.remove(p.key, p);
    }
  }

  /**
   * Where a caller writes an entry before it is taken: a growable array, unsynchronized, that
   * refuses to grow beyond a bound (then {@link #overflowed()} is true and the write fails).
   */
  static final class EntryBuffer extends OutputStream {
    private final int limit;
    // A small result's whole entry (header, one chunk, tag: about 700 bytes) fits without growing.
    private byte[] buf = new byte[1024];
    private int count;
    private boolean overflowed;

    EntryBuffer(int limit) {
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      ensure(1);
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ensure(len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    private void ensure(int more) throws IOException {
      int need = count + more;
      if (need <= buf.length) {
        return;
      }
      if (need > limit || need < 0) {
        overflowed = true;
        throw new IOException("the entry is larger than " + limit + " bytes");
      }
      buf = Arrays.copyOf(buf, (int) Math.min(limit, Math.max(need, 2L * buf.length)));
    }

    /** Whether the entry did not fit: it was not written whole. */
    boolean overflowed() {
      return overflowed;
    }

    byte[] bytes() {
      return buf;
    }

    int size() {
      return count;
    }
  }
}
