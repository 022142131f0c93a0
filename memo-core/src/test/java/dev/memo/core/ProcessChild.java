package dev.memo.core;

import dev.memo.NotSigned;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The other process of {@link CrashTest} and {@link ProcessConcurrencyTest}: a real {@link Memo} on
 * a real directory store, calling {@link #countedSeries} through it.
 *
 * <ul>
 *   <li>{@code crash <root> <first>}: computes and stores {@code series(first)}, prints {@code
 *       writing}, then goes on with {@code series(first + 1)}, … until it is killed.
 *   <li>{@code hold <root> <n>}: with claims on, prints {@code holding} and calls the function on
 *       {@code n}, which never returns: the process holds the claim until it is killed.
 *   <li>{@code concurrent <root> <threads> <arguments> <seed> <claims>}: prints {@code ready},
 *       waits for a line on stdin, then runs {@code threads} threads that each call the memoized
 *       function on every argument below {@code arguments} in its own shuffled order and compare
 *       each result with the value computed directly. Prints {@code computed <n> <count>} for every
 *       argument it computed, {@code mismatches <count>}, and {@code done}.
 * </ul>
 */
public final class ProcessChild {
  /** The name the function is memoized under. */
  static final String FUNCTION = "series";

  /** How often this process computed each argument. */
  @NotSigned static final Map<Integer, AtomicInteger> COMPUTED = new ConcurrentHashMap<>();

  /** Milliseconds each computation sleeps, so that concurrent callers overlap it. */
  @NotSigned static volatile int computeMillis;

  private ProcessChild() {}

  /**
   * The value of an argument: between 16 and 2063 longs, the first the argument, the rest
   * pseudo-random from it, so that a torn or misplaced value cannot pass for a right one.
   *
   * @param n the argument
   * @return its value
   */
  static long[] series(int n) {
    SplittableRandom random = new SplittableRandom(n);
    long[] values = new long[16 + Math.floorMod(n * 7919, 2048)];
    values[0] = n;
    for (int i = 1; i < values.length; i++) {
      values[i] = random.nextLong();
    }
    return values;
  }

  /** {@link #series}, counting the call in {@link #COMPUTED}: the function memoized. */
  static long[] countedSeries(int n) {
    COMPUTED.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
    int millis = computeMillis;
    if (millis > 0) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return series(n);
  }

  /** A memoizer on the directory store at root, isolated from the environment. */
  static Memo memo(Path root, Map<String, String> config) {
    return Memo.builder()
        .environment(Map.of())
        .systemProperties(new Properties())
        .store("directory")
        .serde("test-serial")
        .config("memo.store.directory.path", root.toString())
        .config(config)
        .build();
  }

  static Function<Integer, long[]> memoized(Memo memo) {
    return memo.function(FUNCTION, ProcessChild::countedSeries);
  }

  /**
   * Runs one mode; see the class comment.
   *
   * @param args the mode and its arguments
   * @throws Exception if the mode fails, which the parent sees as a non-zero exit
   */
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Path root = Path.of(args[1]);
    switch (args[0]) {
      case "crash" -> crash(out, root, Integer.parseInt(args[2]));
      case "hold" -> hold(out, root, Integer.parseInt(args[2]));
      case "concurrent" ->
          concurrent(
              out,
              root,
              Integer.parseInt(args[2]),
              Integer.parseInt(args[3]),
              Long.parseLong(args[4]),
              Boolean.parseBoolean(args[5]));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void crash(PrintStream out, Path root, int first) {
    try (Memo memo = memo(root, Map.of())) {
      Function<Integer, long[]> f = memoized(memo);
      // The first call loads the classes that write entries; the kill is meant for the loop.
      f.apply(first);
      out.println("writing");
      for (int n = first + 1; ; n++) {
        f.apply(n);
      }
    }
  }

  private static void hold(PrintStream out, Path root, int n) {
    computeMillis = Integer.MAX_VALUE;
    try (Memo memo = memo(root, Map.of("memo.store.directory.claims", "true"))) {
      Function<Integer, long[]> f = memoized(memo);
      out.println("holding");
      f.apply(n);
    }
  }

  private static void concurrent(
      PrintStream out, Path root, int threads, int arguments, long seed, boolean claims)
      throws Exception {
    computeMillis = 2;
    Map<String, String> config = claims ? Map.of("memo.store.directory.claims", "true") : Map.of();
    try (Memo memo = memo(root, config)) {
      Function<Integer, long[]> f = memoized(memo);
      out.println("ready");
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      AtomicLong mismatches = new AtomicLong();
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Thread> running = new ArrayList<>();
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
                      if (!Arrays.equals(series(n), f.apply(n))) {
                        mismatches.incrementAndGet();
                      }
                    }
                  } catch (Throwable e) {
                    failures.add(e);
                  }
                });
        thread.start();
        running.add(thread);
      }
      for (Thread thread : running) {
        thread.join();
      }
      if (!failures.isEmpty()) {
        failures.forEach(e -> e.printStackTrace());
        throw new AssertionError(
            failures.size() + " threads failed; the first: " + failures.get(0));
      }
      new TreeMap<>(COMPUTED).forEach((n, count) -> out.println("computed " + n + " " + count));
      out.println("mismatches " + mismatches.get());
      out.println("done");
    }
  }
}
