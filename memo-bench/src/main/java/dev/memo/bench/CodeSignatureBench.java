package dev.memo.bench;

import dev.memo.MemoFunction;
import dev.memo.core.Memo;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The first-call cost of the code signature: wrapping a function that reaches 50 methods, once per
 * fresh JVM (single shot per fork), so class files are read and normalized cold. Baseline: the same
 * cold wrap of a JDK method reference ({@code Math::abs}), whose code memo does not read (a JDK
 * method contributes the Java version only) — the wrap's cost without the code signature. ({@code
 * ignoreCode()} is no baseline: the reached code is still read for its static fields.)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CodeSignatureBench {
  private Memo memo;

  @Setup(Level.Trial)
  public void setUp() {
    // The benchmarks run from a jar: name their package as the application's own code, as a user
    // running from a jar would, so the 50 methods are read rather than the jar hashed.
    memo =
        Memo.builder()
            .store("memory")
            .serde("java")
            .config("memo.code.include", "dev.memo.bench")
            .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    memo.close();
  }

  @Benchmark
  public Function<Long, Long> wrap() {
    return memo.function("fifty", FiftyMethods::m0);
  }

  @Benchmark
  public Function<Long, Long> wrapBaseline() {
    MemoFunction<Long, Long> abs = Math::abs;
    return memo.function("abs", abs);
  }
}
