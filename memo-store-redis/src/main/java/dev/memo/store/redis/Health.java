package dev.memo.store.redis;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether Redis answers, as the store's calls find it: counts failed calls, logs a burst of
 * failures once (when the first fails, and when Redis answers again), and for a short back-off
 * after a failure lets calls fail at once instead of each waiting for the timeout. Thread-safe.
 */
final class Health {
  static final System.Logger LOG = System.getLogger(RedisStore.class.getName());

  /** How long calls fail at once after a failed one, before the next is let through to Redis. */
  static final long BACKOFF_NANOS = 250_000_000L;

  private final String where;
  private final System.Logger log;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong burst = new AtomicLong();
  private final AtomicBoolean failing = new AtomicBoolean();
  private volatile long retryAt;

  Health(String where, System.Logger log) {
    this.where = where;
    this.log = log;
  }

  /** Returns whether calls should fail at once, Redis having failed a moment ago. */
  boolean backingOff() {
    return failing.get() && System.nanoTime() - retryAt < 0;
  }

  /** Records a call that reached Redis and got its reply. */
  void succeeded() {
    if (failing.get() && failing.compareAndSet(true, false)) {
      long n = burst.getAndSet(0);
      log.log(
          Level.INFO,
          "the redis store at "
              + where
              + " answers again, after "
              + n
              + " failed calls; memo reads and writes it again");
    }
  }

  /**
   * Records a call that failed for want of Redis (or that failed at once during the back-off).
   *
   * @param cause why, for the first failure of a burst
   */
  void failed(Throwable cause) {
    failures.incrementAndGet();
    burst.incrementAndGet();
    retryAt = System.nanoTime() + BACKOFF_NANOS;
    if (failing.compareAndSet(false, true)) {
      log.log(
          Level.WARNING,
          "the redis store at "
              + where
              + " failed ("
              + cause
              + "); memo"
              + " computes results without it and retries it every "
              + BACKOFF_NANOS / 1_000_000
              + " ms (this is logged once per outage)");
    }
  }

  /** Returns how many calls have failed for want of Redis since the store was created. */
  long failures() {
    return failures.get();
  }
}
