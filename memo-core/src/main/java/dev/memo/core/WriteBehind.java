package dev.memo.core;

import dev.memo.spi.Store;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The background writer of one memoizer: the entries of its misses ({@link PendingEntries}, when
 * write-behind is on) and its explain records ({@link MissRecords}), so that a miss returns without
 * publishing anything on the caller's thread. One daemon thread at most, started when there is
 * something to write and stopped after a few idle seconds; it never blocks a caller and never keeps
 * the JVM alive. Each run publishes the entries first, then the records, so that a record follows
 * its entry. {@link #close()} writes what is still pending on the closing thread, entries first.
 * What a JVM that exits without closing the memoizer loses is what was still waiting: entries,
 * which the next run computes again, and records, which only make explanations less precise.
 * Thread-safe.
 */
final class WriteBehind implements AutoCloseable {
  /** How long close waits for a write in progress before writing the rest itself. */
  private static final long CLOSE_WAIT_SECONDS = 10;

  private final Set<MissRecords> dirty = ConcurrentHashMap.newKeySet();
  private final Set<MissRecords> all = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final ThreadPoolExecutor executor;
  private final @Nullable PendingEntries entries;
  private final PendingEntries.Publisher publisher;
  private volatile boolean closed;

  /** Holds the writer before its next run while set; see {@link #hold()}. */
  private volatile @Nullable CountDownLatch held;

  /**
   * @param entries the entries waiting, or null when entries are published on the caller's thread
   * @param publisher publishes one of them
   */
  WriteBehind(@Nullable PendingEntries entries, PendingEntries.Publisher publisher) {
    this.entries = entries;
    this.publisher = publisher;
    executor =
        new ThreadPoolExecutor(
            1,
            1,
            5,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "memo-writer");
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  /** The entries waiting, or null when write-behind of entries is off. */
  @Nullable PendingEntries entries() {
    return entries;
  }

  /**
   * Takes an entry to be published soon.
   *
   * @return true if taken; false if the caller must publish it: write-behind of entries is off, the
   *     bytes waiting are at their bound, or this writer is closed
   */
  boolean offer(PendingEntries.Pending entry) {
    PendingEntries waiting = entries;
    if (waiting == null || closed || !waiting.offer(entry)) {
      return false;
    }
    wake();
    if (closed) {
      // Closed while it was taken: close may have published the others already.
      waiting.publishQueued(publisher);
    }
    return true;
  }

  /** Has the records' pending writes written soon; after close, at once on this thread. */
  void schedule(MissRecords records) {
    all.add(records);
    if (closed) {
      records.flush();
      return;
    }
    dirty.add(records);
    wake();
  }

  private void wake() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        // Closed meanwhile: close writes what is pending.
        scheduled.set(false);
      }
    }
  }

  private void drain() {
    CountDownLatch hold = held;
    if (hold != null) {
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // Cleared first: whatever is scheduled from now on is written by another run.
    scheduled.set(false);
    if (entries != null) {
      entries.publishQueued(publisher);
    }
    for (MissRecords r : dirty) {
      dirty.remove(r);
      r.flush();
    }
  }

  /**
   * Publishes every entry waiting, now, on this thread; returns once those the writer is publishing
   * are published too.
   */
  void flush() {
    if (entries != null) {
      entries.publishAll(null, publisher);
    }
  }

  /**
   * Publishes the entries waiting for a store, then writes its records' pending writes, now, and
   * forgets the records: the store is about to close.
   */
  void finish(Store store, MissRecords records) {
    if (entries != null) {
      entries.publishAll(store, publisher);
    }
    records.flush();
    all.remove(records);
    dirty.remove(records);
  }

  /**
   * Stops the thread, then publishes every entry waiting and writes every pending record; later
   * entries are published by their callers, later records written at once.
   */
  @Override
  public void close() {
    closed = true;
    CountDownLatch hold = held;
    if (hold != null) {
      hold.countDown();
    }
    executor.shutdown();
    boolean interrupted = false;
    try {
      executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (entries != null) {
      entries.publishQueued(publisher);
    }
    for (MissRecords r : all) {
      r.flush();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Holds the writer before its next run until the returned hold is closed (or this writer is), so
   * that a test can see entries while they wait. For tests only.
   */
  AutoCloseable hold() {
    CountDownLatch latch = new CountDownLatch(1);
    held = latch;
    return () -> {
      held = null;
      latch.countDown();
    };
  }
}
