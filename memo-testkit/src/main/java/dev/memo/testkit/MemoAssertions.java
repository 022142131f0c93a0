package dev.memo.testkit;

import dev.memo.MemoStats;
import dev.memo.Memoizer;
import dev.memo.core.Memo;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions on what a test computed and reused through a memo: the memo's {@link Memoizer#stats()}
 * minus a baseline. For a memo that {@link MemoExtension} injected, the baseline is taken right
 * before the test method runs; for any other memo it is the memo's creation. A failure says what
 * was computed and reused.
 *
 * <pre>{@code
 * square.apply(3);
 * square.apply(3);
 * MemoAssertions.assertComputed(memo, 1);
 * MemoAssertions.assertReused(memo, 1);
 * }</pre>
 *
 * <p>Thread-safe. A memo with memoization off ({@code @MemoTest(enabled = false)}) counts nothing,
 * so asserting on it fails, saying so.
 */
public final class MemoAssertions {
  private static final Map<Memoizer, MemoStats> BASELINES =
      Collections.synchronizedMap(new WeakHashMap<>());

  private MemoAssertions() {}

  /**
   * Asserts how many calls the test computed (missed and ran the function for).
   *
   * @param memo the memo the calls went through; not null
   * @param expected how many computed calls to expect
   * @throws AssertionFailedError if the count differs, naming both counts
   */
  public static void assertComputed(Memoizer memo, long expected) {
    MemoStats done = since(memo);
    if (done.missCount() != expected) {
      throw new AssertionFailedError(
          "expected " + calls(expected) + " computed, but " + described(done),
          expected,
          done.missCount());
    }
  }

  /**
   * Asserts how many calls the test reused (answered from the memo without running the function).
   *
   * @param memo the memo the calls went through; not null
   * @param expected how many reused calls to expect
   * @throws AssertionFailedError if the count differs, naming both counts
   */
  public static void assertReused(Memoizer memo, long expected) {
    MemoStats done = since(memo);
    if (done.hitCount() != expected) {
      throw new AssertionFailedError(
          "expected " + calls(expected) + " reused, but " + described(done),
          expected,
          done.hitCount());
    }
  }

  /**
   * Returns what the memo did since the baseline: its stats minus the baseline's.
   *
   * @param memo the memo; not null
   * @return the difference
   */
  public static MemoStats statsSinceBaseline(Memoizer memo) {
    return memo.stats().minus(BASELINES.getOrDefault(memo, MemoStats.empty()));
  }

  private static MemoStats since(Memoizer memo) {
    if (memo instanceof Memo m && !m.enabled()) {
      throw new AssertionFailedError(
          "memoization is off for this memo (memo.enabled=false, as"
              + " @MemoTest(enabled = false) sets it): it runs every call and counts none; assert on"
              + " what the function itself counted instead");
    }
    return statsSinceBaseline(memo);
  }

  private static String described(MemoStats done) {
    return "the test computed "
        + done.missCount()
        + " and reused "
        + done.hitCount()
        + (done.loadFailureCount() + done.storeFailureCount() > 0
            ? " ("
                + done.loadFailureCount()
                + " entries could not be read, "
                + done.storeFailureCount()
                + " results could not be stored)"
            : "");
  }

  private static String calls(long n) {
    return n + (n == 1 ? " call" : " calls");
  }

  /** Takes the memo's current stats as the baseline to count from. */
  static void baseline(Memoizer memo) {
    BASELINES.put(memo, memo.stats());
  }

  static void forget(Memoizer memo) {
    BASELINES.remove(memo);
  }
}
