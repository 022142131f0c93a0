package dev.memo.bench;

import dev.memo.TriFunction;
import dev.memo.core.Memo;
import java.util.Arrays;
import jdk.jfr.Recording;

/**
 * The object tier hit of {@link FlightRecorderBench} without a flight recording, with one that
 * leaves memo's events off, and with one that enables {@code dev.memo.Call} (the hits stay below
 * {@code memo.jfr.threshold}, so they are timed but not committed), timed in alternation in one JVM
 * so that the three see the same load: each round times a block of hits in each state, and the
 * medians of the blocks' times per hit and their ratios to the first state are printed. Each round
 * starts a recording before its second block, enables the event before its third and closes the
 * recording before the next round's first; none of that is timed.
 *
 * <p>Usage: {@code java -cp memo-bench/target/benchmarks.jar dev.memo.bench.FlightRecorderCost
 * [rounds [hits per block]]}
 */
public final class FlightRecorderCost {
  private static final double[] VALUES = {1, 2, 3, 4, 5, 6, 7, 8};

  private FlightRecorderCost() {}

  /**
   * Runs the rounds and prints the medians.
   *
   * @param args the number of rounds (60 by default) and hits per block (20000 by default)
   */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int hits = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    String[] states = {"no recording", "recording, memo events off", "recording, dev.memo.Call on"};
    double[][] nanos = new double[3][rounds];
    try (Memo memo = Memo.builder().store("memory").serde("java").signer("xxh3-128").build()) {
      TriFunction<Integer, String, double[], Double> f =
          memo.triFunction("bench-jfr", CallBench::work);
      f.apply(7, "abc", VALUES);
      Recording recording = null;
      try {
        for (int r = -rounds / 4; r < rounds; r++) { // the first quarter warms up
          for (int s = 0; s < 3; s++) {
            if (s == 0 && recording != null) {
              recording.close();
              recording = null;
            } else if (s == 1) {
              recording = new Recording();
              recording.enable("jdk.CPULoad");
              recording.start();
            } else if (s == 2) {
              recording.enable("dev.memo.Call");
            }
            long start = System.nanoTime();
            double sum = 0;
            for (int i = 0; i < hits; i++) {
              sum += f.apply(7, "abc", VALUES);
            }
            long elapsed = System.nanoTime() - start;
            if (sum == 42) {
              System.out.print(""); // keeps the loop's results alive
            }
            if (r >= 0) {
              nanos[s][r] = (double) elapsed / hits;
            }
          }
        }
      } finally {
        if (recording != null) {
          recording.close();
        }
      }
    }
    double base = median(nanos[0]);
    for (int s = 0; s < 3; s++) {
      double m = median(nanos[s]);
      System.out.printf("%-30s %9.1f ns/hit  %.3f x%n", states[s], m, m / base);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
