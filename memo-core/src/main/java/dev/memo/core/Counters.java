package dev.memo.core;

import dev.memo.MemoStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one named function, or of a memoizer's functions without a name (see {@link
 * FunctionCounters}, whose sum {@link Memo#stats()} takes a snapshot of): hits, misses, failures to
 * read and to write entries, time spent computing, bytes read and written, object tier hits and
 * entries written. Thread-safe (each counter is a {@link LongAdder}).
 */
final class Counters {
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder loadFailures = new LongAdder();
  private final LongAdder storeFailures = new LongAdder();
  private final LongAdder computeNanos = new LongAdder();
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder bytesWritten = new LongAdder();
  private final LongAdder tierHits = new LongAdder();
  private final LongAdder writes = new LongAdder();

  /** A hit that read no entry: the object tier's, or the result of a computation waited for. */
  void hit() {
    hits.increment();
  }

  /** A hit answered by the object tier. */
  void tierHit() {
    hits.increment();
    tierHits.increment();
  }

  /** A hit that read an entry of this size. */
  void hit(long entryBytes) {
    hits.increment();
    bytesRead.add(entryBytes);
  }

  /** A miss whose function ran this long. */
  void miss(long nanos) {
    misses.increment();
    computeNanos.add(nanos);
  }

  void loadFailure() {
    loadFailures.increment();
  }

  void storeFailure() {
    storeFailures.increment();
  }

  void written(long entryBytes) {
    bytesWritten.add(entryBytes);
    writes.increment();
  }

  /** An entry counted as written whose publication then failed. */
  void unwritten(long entryBytes) {
    bytesWritten.add(-entryBytes);
    writes.decrement();
  }

  MemoStats snapshot() {
    return new MemoStats(
        hits.sum(),
        misses.sum(),
        loadFailures.sum(),
        storeFailures.sum(),
        computeNanos.sum(),
        bytesRead.sum(),
        bytesWritten.sum(),
        tierHits.sum(),
        writes.sum());
  }
}
