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
 * dropped, and all of them if that leaves more than half the bound. Forgetting early only costs a
 * touch that could have been spared.
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
      if (touched.size() > bound / 2) {
        touched.clear(); // every scan at least halves the record, so a record costs O(1) on average
      }
    }
    touched.put(entry, now);
  }

  /** How many entries are remembered; for tests. */
  int size() {
    return touched.size();
  }
}
