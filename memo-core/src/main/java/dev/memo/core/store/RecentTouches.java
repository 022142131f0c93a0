package dev.memo.core.store;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entries whose last access this process set recently, so that a hit on them sets nothing: a
 * rate limit on touches, nothing more. An entry counts as recent for one interval after it was
 * recorded; about {@code bound} entries are remembered at most (threads recording at once may pass
 * it by a few), and when a record would pass the bound the entries older than the interval are
 * dropped, then others, in no particular order, until three quarters of the bound are left.
 * Forgetting early only costs a touch that could have been spared.
 *
 * <p>A plain concurrent map of times rather than an expiring cache: it loads no class outside the
 * JDK's own, so a new process's first hit on a directory store does not start a cache library on
 * its thread. Times are {@link System#nanoTime()}'s, passed in. Thread-safe.
 */
final class RecentTouches {
  private final long intervalNanos;
  private final int bound;
  private final ConcurrentHashMap<Path, Long> touched = new ConcurrentHashMap<>();

  /**
   * Makes an empty record.
   *
   * @param intervalNanos how long a touch counts as recent, in nanoseconds, more than 0
   * @param bound how many entries are remembered at most, more than 0
   */
  RecentTouches(long intervalNanos, int bound) {
    this.intervalNanos = intervalNanos;
    this.bound = bound;
  }

  /** Whether the entry was recorded less than the interval before {@code now}. */
  boolean recent(Path entry, long now) {
    Long at = touched.get(entry);
    return at != null && now - at < intervalNanos;
  }

  /** Records the entry as touched at {@code now}, dropping old records first if it is full. */
  void record(Path entry, long now) {
    if (touched.size() >= bound) {
      for (Iterator<Map.Entry<Path, Long>> it = touched.entrySet().iterator(); it.hasNext(); ) {
        if (now - it.next().getValue() >= intervalNanos) {
          it.remove();
        }
      }
      // Still more than three quarters full of recent records: some of them go, in the map's
      // order (its keys' hashes, as good as random), down to three quarters. Each scan then drops
      // at least a quarter of the bound, so a record costs O(1) on average, and a workload of more
      // entries than the bound touches again only those dropped, not every one.
      int keep = bound - Math.max(1, bound / 4);
      for (Iterator<Path> it = touched.keySet().iterator();
          touched.size() > keep && it.hasNext(); ) {
        it.next();
        it.remove();
      }
    }
    touched.put(entry, now);
  }

  /** How many entries are remembered; for tests. */
  int size() {
    return touched.size();
  }
}
