package dev.memo.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * {@link RedisBench}'s redis hit against its baseline (a raw Jedis {@code GET} of the entry's
 * bytes), in alternating blocks of calls in one JVM, so that a loaded machine weighs on both alike:
 * the figures to read are the ratios of the fastest tenth and of the median blocks. On a machine
 * others load, JMH's separate iterations of {@code hit} and {@code hitBaseline} see different
 * loads; these pairs do not.
 *
 * <pre>
 * java -cp memo-bench/target/benchmarks.jar dev.memo.bench.RedisHitPaired [small|large] [BLOCKS] [CALLS]
 * </pre>
 */
public final class RedisHitPaired {
  private RedisHitPaired() {}

  /**
   * Runs the pairs and prints one line of figures.
   *
   * @param args the size ({@code large} unless given), the number of blocks of each ({@code 400}),
   *     the calls per block ({@code 5})
   * @throws Exception if the benchmark's set-up fails (no redis-server on the PATH)
   */
  public static void main(String[] args) throws Exception {
    String size = args.length > 0 ? args[0] : "large";
    int blocks = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    int calls = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    RedisBench bench = new RedisBench();
    bench.store = "redis";
    bench.size = size;
    bench.setUp();
    try {
      for (int i = 0; i < 300; i++) {
        bench.hit();
        bench.hitBaseline();
      }
      long[] hit = new long[blocks];
      long[] raw = new long[blocks];
      for (int b = 0; b < blocks; b++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
          bench.hit();
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
          bench.hitBaseline();
        }
        hit[b] = t1 - t0;
        raw[b] = System.nanoTime() - t1;
      }
      Arrays.sort(hit);
      Arrays.sort(raw);
      double per = calls * 1e3;
      int p10 = blocks / 10;
      int p50 = blocks / 2;
      System.out.printf(
          Locale.ROOT,
          "redis %s hit (µs): fastest tenth %.1f, median %.1f | raw GET: %.1f, %.1f"
              + " | ratio: fastest tenth %.2f, median %.2f%n",
          size,
          hit[p10] / per,
          hit[p50] / per,
          raw[p10] / per,
          raw[p50] / per,
          (double) hit[p10] / raw[p10],
          (double) hit[p50] / raw[p50]);
    } finally {
      bench.tearDown();
    }
  }
}
