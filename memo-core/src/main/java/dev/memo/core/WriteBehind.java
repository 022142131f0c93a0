package dev.memo.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The background writer of one memoizer's explain records ({@link MissRecords}), so that a miss
 * publishes only its own entry on the caller's thread. One daemon thread at most, started when
 * there is something to write and stopped after a few idle seconds; it never blocks a caller and
 * never keeps the JVM alive. {@link #close()} writes what is still pending on the closing thread.
 * Records are hints for explain, so a record lost to a JVM that exits without closing the memoizer
 * costs only a less precise explanation. Thread-safe.
 */
final class WriteBehind implements AutoCloseable {
  /** How long close waits for a write in progress before writing the rest itself. */
  private static final long CLOSE_WAIT_SECONDS = 10;

  private final Set<MissRecords> dirty = ConcurrentHashMap.newKeySet();
  private final Set<MissRecords> all = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final ThreadPoolExecutor executor;
  private volatile boolean closed;

  WriteBehind() {
    executor =
        new ThreadPoolExecutor(
            1,
            1,
            5,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "memo-records");
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  /** Has the records' pending writes written soon; after close, at once on this thread. */
  void schedule(MissRecords records) {
    all.add(records);
    if (closed) {
      records.flush();
      return;
    }
    dirty.add(records);
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
    // Cleared first: whatever is scheduled from now on is written by another run.
    scheduled.set(false);
    for (MissRecords r : dirty) {
      dirty.remove(r);
      r.flush();
    }
  }

  /** Writes the records' pending writes now and forgets them: their store is about to close. */
  void finish(MissRecords records) {
    records.flush();
    all.remove(records);
    dirty.remove(records);
  }

  /** Writes every pending record, then stops the thread; later records are written at once. */
  @Override
  public void close() {
    closed = true;
    executor.shutdown();
    boolean interrupted = false;
    try {
      executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    for (MissRecords r : all) {
      r.flush();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
