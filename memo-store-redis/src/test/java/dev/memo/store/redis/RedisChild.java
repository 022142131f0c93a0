package dev.memo.store.redis;

import dev.memo.NotSigned;
import dev.memo.core.Memo;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The other process of {@link RedisProcessTest}: a real {@link Memo} on the redis store, signed
 * with an integrity key, calling {@link #countedSeries} through it.
 *
 * <ul>
 *   <li>{@code concurrent <uri> <prefix> <key file> <threads> <arguments> <seed>}: prints {@code
 *       ready}, waits for a line on stdin, then runs {@code threads} threads that each call the
 *       memoized function on every argument below {@code arguments} in its own shuffled order and
 *       compare each result with the value computed directly (after one warm-up call on {@code
 *       -1}). Prints {@code computed <n> <count>} for every argument it computed, {@code mismatches
 *       <count>}, {@code slowest <ms>} (the longest single call) and {@code done}.
 *   <li>{@code hold <uri> <prefix> <key file> <threads>}: calls the function on arguments 0 to
 *       {@code threads - 1}, one per thread; each computation prints {@code computing <n>} and
 *       never returns, so the process holds those claims until it is killed.
 * </ul>
 */
public final class RedisChild {
  static final String FUNCTION = "series";

  @NotSigned static final Map<Integer, AtomicInteger> COMPUTED = new ConcurrentHashMap<>();
  @NotSigned static volatile boolean hold;
  @NotSigned static volatile PrintStream out;

  private RedisChild() {}

  /** Between 16 and 2063 longs, the first the argument: a misplaced value cannot pass. */
  static long[] series(int n) {
    SplittableRandom random = new SplittableRandom(n);
    long[] values = new long[16 + Math.floorMod(n * 7919, 2048)];
    values[0] = n;
    for (int i = 1; i < values.length; i++) {
      values[i] = random.nextLong();
    }
    return values;
  }

  static long[] countedSeries(int n) {
    if (hold) {
      out.println("computing " + n);
      while (true) {
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted");
        }
      }
    }
    COMPUTED.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
    try {
      Thread.sleep(5); // long enough for the processes' calls to overlap
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return series(n);
  }

  static Memo memo(String uri, String prefix, String keyFile) {
    return Memo.builder()
        .store("redis")
        .serde("java")
        .config("memo.store.redis.uri", uri)
        .config("memo.store.redis.key-prefix", prefix)
        .config("memo.store.redis.timeout", "1s")
        .config("memo.store.redis.claim-timeout", "2s")
        .config("memo.integrity.key-file", keyFile)
        .build();
  }

  public static void main(String[] args) throws Exception {
    out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (Memo memo = memo(args[1], args[2], args[3])) {
      Function<Integer, long[]> f = memo.function(FUNCTION, RedisChild::countedSeries);
      switch (args[0]) {
        case "hold" -> hold(f, Integer.parseInt(args[4]));
        case "concurrent" ->
            concurrent(
                f, Integer.parseInt(args[4]), Integer.parseInt(args[5]), Long.parseLong(args[6]));
        default -> throw new IllegalArgumentException("unknown mode " + args[0]);
      }
    }
  }

  private static void hold(Function<Integer, long[]> f, int threads) throws InterruptedException {
    hold = true;
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int n = t;
      Thread thread = new Thread(() -> f.apply(n));
      thread.start();
      all.add(thread);
    }
    for (Thread t : all) {
      t.join();
    }
  }

  private static void concurrent(Function<Integer, long[]> f, int threads, int arguments, long seed)
      throws Exception {
    // Warm up (classes, the function's code signature) on an argument outside the run's, so that
    // the slowest call measured is a call, not the first one of a cold JVM.
    f.apply(-1);
    COMPUTED.clear();
    out.println("ready");
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    AtomicInteger mismatches = new AtomicInteger();
    AtomicLong slowest = new AtomicLong();
    AtomicLong slowestAt = new AtomicLong();
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Thread> all = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threads; t++) {
      List<Integer> order = new ArrayList<>();
      for (int n = 0; n < arguments; n++) {
        order.add(n);
      }
      Collections.shuffle(order, new Random(seed * 31 + t));
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int n : order) {
                    long begin = System.nanoTime();
                    long[] value = f.apply(n);
                    long took = System.nanoTime() - begin;
                    if (took > slowest.get()) {
                      slowest.accumulateAndGet(took, Math::max);
                      slowestAt.set(System.currentTimeMillis() - took / 1_000_000);
                    }
                    if (!Arrays.equals(value, series(n))) {
                      mismatches.incrementAndGet();
                    }
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      thread.start();
      all.add(thread);
    }
    for (Thread t : all) {
      t.join();
    }
    if (!failures.isEmpty()) {
      failures.get(0).printStackTrace();
      System.exit(3);
    }
    new TreeMap<>(COMPUTED).forEach((n, c) -> out.println("computed " + n + " " + c.get()));
    out.println("mismatches " + mismatches.get());
    out.println("slowest " + slowest.get() / 1_000_000 + " " + slowestAt.get());
    out.println("done");
  }
}
