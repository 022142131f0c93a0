package dev.memo;

import java.time.Duration;

/**
 * An immutable snapshot of a memoizer's counters, taken by {@link Memoizer#stats()}, or of one
 * named function's, taken by {@link Memoizer#stats(String)}. Counters only grow; subtract two
 * snapshots with {@link #minus(MemoStats)} to measure an interval, add functions' snapshots with
 * {@link #plus(MemoStats)}.
 *
 * @param hitCount calls answered from a stored result
 * @param missCount calls that ran the function (including those after a load failure)
 * @param loadFailureCount stored entries that could not be read back (corrupt, truncated, refused
 *     by the serde's filter, written by a class that changed) and were treated as misses
 * @param storeFailureCount results that could not be written (disk full, not serializable); the
 *     caller still received them
 * @param computeNanos total wall time spent running the function on misses, in nanoseconds
 * @param bytesRead entry bytes read from the store on hits
 * @param bytesWritten entry bytes written to the store on misses
 * @param tierHitCount the hits answered by the object tier, without reading the store (a part of
 *     {@code hitCount})
 * @param writeCount entries written to the store
 */
public record MemoStats(
    long hitCount,
    long missCount,
    long loadFailureCount,
    long storeFailureCount,
    long computeNanos,
    long bytesRead,
    long bytesWritten,
    long tierHitCount,
    long writeCount) {

  /**
   * Creates a snapshot without object tier hits or writes counted, as before those counters
   * existed.
   *
   * @param hitCount see {@link #hitCount()}
   * @param missCount see {@link #missCount()}
   * @param loadFailureCount see {@link #loadFailureCount()}
   * @param storeFailureCount see {@link #storeFailureCount()}
   * @param computeNanos see {@link #computeNanos()}
   * @param bytesRead see {@link #bytesRead()}
   * @param bytesWritten see {@link #bytesWritten()}
   */
  public MemoStats(
      long hitCount,
      long missCount,
      long loadFailureCount,
      long storeFailureCount,
      long computeNanos,
      long bytesRead,
      long bytesWritten) {
    this(
        hitCount,
        missCount,
        loadFailureCount,
        storeFailureCount,
        computeNanos,
        bytesRead,
        bytesWritten,
        0,
        0);
  }

  /**
   * Returns the snapshot with every counter zero.
   *
   * @return the empty snapshot
   */
  public static MemoStats empty() {
    return new MemoStats(0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /**
   * Returns hits plus misses.
   *
   * @return the number of memoized calls
   */
  public long requestCount() {
    return hitCount + missCount;
  }

  /**
   * Returns the fraction of calls answered from the store, or 1.0 when there were none.
   *
   * @return the hit rate, in [0, 1]
   */
  public double hitRate() {
    long requests = requestCount();
    return requests == 0 ? 1.0 : (double) hitCount / requests;
  }

  /**
   * Returns the total time spent computing on misses.
   *
   * @return the compute time
   */
  public Duration computeTime() {
    return Duration.ofNanos(computeNanos);
  }

  /**
   * Returns the difference between this snapshot and an earlier one.
   *
   * @param earlier a snapshot taken before this one
   * @return the counts of the interval between them
   */
  public MemoStats minus(MemoStats earlier) {
    return new MemoStats(
        hitCount - earlier.hitCount,
        missCount - earlier.missCount,
        loadFailureCount - earlier.loadFailureCount,
        storeFailureCount - earlier.storeFailureCount,
        computeNanos - earlier.computeNanos,
        bytesRead - earlier.bytesRead,
        bytesWritten - earlier.bytesWritten,
        tierHitCount - earlier.tierHitCount,
        writeCount - earlier.writeCount);
  }

  /**
   * Returns the sum of this snapshot and another: the counters of two functions together.
   *
   * @param other another snapshot
   * @return the counts of both
   */
  public MemoStats plus(MemoStats other) {
    return new MemoStats(
        hitCount + other.hitCount,
        missCount + other.missCount,
        loadFailureCount + other.loadFailureCount,
        storeFailureCount + other.storeFailureCount,
        computeNanos + other.computeNanos,
        bytesRead + other.bytesRead,
        bytesWritten + other.bytesWritten,
        tierHitCount + other.tierHitCount,
        writeCount + other.writeCount);
  }
}
