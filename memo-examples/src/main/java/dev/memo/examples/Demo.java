package dev.memo.examples;

import dev.memo.MemoStats;
import dev.memo.core.Memo;
import java.util.Locale;
import java.util.function.Function;

/**
 * The README's demo: an expensive function called twice in one run, then with another argument. Run
 * it twice (the demo command does) and the second run reuses the first run's result from the store,
 * {@code ./.memo} by default.
 */
public final class Demo {
  private Demo() {}

  /**
   * Counts the primes below {@code n} by trial division: slow on purpose.
   *
   * @param n the bound
   * @return how many primes are below it
   */
  static long countPrimesBelow(int n) {
    long count = 0;
    for (int k = 2; k < n; k++) {
      boolean prime = true;
      for (int d = 2; (long) d * d <= k; d++) {
        if (k % d == 0) {
          prime = false;
          break;
        }
      }
      if (prime) {
        count++;
      }
    }
    return count;
  }

  /**
   * Runs the demo.
   *
   * @param args optional: a label for this run, such as {@code "run 1 of 2"}
   */
  public static void main(String[] args) {
    String label = args.length > 0 ? String.join(" ", args) : "run";
    try (Memo memo = Memo.create()) {
      System.out.printf("memo demo, %s: %s%n", label, memo);
      Function<Integer, Long> primes = memo.function("primes-below", Demo::countPrimesBelow);
      call(memo, primes, 4_000_000);
      call(memo, primes, 4_000_000);
      call(memo, primes, 3_000_000);
      MemoStats s = memo.stats();
      System.out.printf(
          "  %d computed, %d reused; %d bytes written, %d read%n",
          s.missCount(), s.hitCount(), s.bytesWritten(), s.bytesRead());
    }
  }

  private static void call(Memo memo, Function<Integer, Long> primes, int n) {
    long computedBefore = memo.stats().missCount();
    long start = System.nanoTime();
    long result = primes.apply(n);
    double ms = (System.nanoTime() - start) / 1e6;
    boolean computed = memo.stats().missCount() > computedBefore;
    System.out.printf(
        Locale.ROOT,
        "  primes below %,d = %,d   %s in %,.1f ms%n",
        n,
        result,
        computed ? "computed" : "reused  ",
        ms);
  }
}
