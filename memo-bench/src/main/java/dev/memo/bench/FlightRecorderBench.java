package dev.memo.bench;

import dev.memo.TriFunction;
import dev.memo.core.Memo;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * ObjectTierBench's hit (xxh3-128) with no flight recording, with a recording that leaves memo's
 * events off, and with one that turns {@code dev.memo.Call} on (the hits stay below {@code
 * memo.jfr.threshold}, so they are timed but not committed). The first two should not differ: a
 * disabled event costs one check of its state.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FlightRecorderBench {
  @Param({"none", "memo-off", "memo-on"})
  public String recording;

  private Memo memo;
  private Recording jfr;
  private TriFunction<Integer, String, double[], Double> memoized;
  private final double[] values = {1, 2, 3, 4, 5, 6, 7, 8};

  @Setup(Level.Trial)
  public void setUp() {
    memo = Memo.builder().store("memory").serde("java").signer("xxh3-128").build();
    memoized = memo.triFunction("bench-jfr", CallBench::work);
    memoized.apply(7, "abc", values);
    if (!recording.equals("none")) {
      jfr = new Recording();
      jfr.enable("jdk.CPULoad").withPeriod(Duration.ofSeconds(1));
      if (recording.equals("memo-on")) {
        jfr.enable("dev.memo.Call");
      }
      jfr.start();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (jfr != null) {
      jfr.close();
    }
    memo.close();
  }

  @Benchmark
  public Double hit() {
    return memoized.apply(7, "abc", values);
  }
}
