package dev.memo.serde.zstd;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A small pool of native resources (zstd contexts with their direct buffers): taken for one stream,
 * returned when it closes. Contexts are expensive to create (hundreds of KiB of native tables each
 * at level 3) and must not be shared by two streams at once; a pool rather than a thread-local, so
 * that a thread pool of hundreds of threads does not pin hundreds of contexts, and so that idle
 * contexts beyond the bound are freed at once rather than never. Thread-safe.
 *
 * @param <T> what is pooled
 */
final class Pool<T extends AutoCloseable> {
  private final Supplier<T> factory;
  private final BlockingQueue<T> idle;
  private final AtomicInteger created = new AtomicInteger();

  Pool(Supplier<T> factory, int maxIdle) {
    this.factory = factory;
    this.idle = new ArrayBlockingQueue<>(maxIdle);
  }

  T take() {
    T t = idle.poll();
    if (t == null) {
      t = factory.get();
      created.incrementAndGet();
    }
    return t;
  }

  void give(T t) {
    if (!idle.offer(t)) {
      try {
        t.close();
      } catch (Exception e) {
        // Freeing native memory does not fail in practice; there is nothing to do if it did.
      }
    }
  }

  /** How many were ever created: tests prove reuse with it. */
  int created() {
    return created.get();
  }
}
