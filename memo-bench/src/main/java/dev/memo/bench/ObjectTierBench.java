package dev.memo.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.memo.TriFunction;
import dev.memo.core.Memo;
import java.util.concurrent.TimeUnit;
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
 * A hit of (int, short string, double[8]) answered by memo's object tier, with each signer, vs a
 * Caffeine cache keyed by a record of the same arguments. Such a hit is the call's signature plus
 * one cache lookup, so its floor is the signer's digest of the arguments (see CallSigningBench).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ObjectTierBench {
  @Param({"sha256", "xxh3-128"})
  public String signer;

  private Memo memo;
  private TriFunction<Integer, String, double[], Double> memoized;
  private Cache<CallBench.Key, Double> caffeine;
  private final double[] values = {1, 2, 3, 4, 5, 6, 7, 8};

  @Setup(Level.Trial)
  public void setUp() {
    // The memory store: the tier answers every hit, so the store behind it is never read.
    memo = Memo.builder().store("memory").serde("java").signer(signer).build();
    memoized = memo.triFunction("bench-tier", CallBench::work);
    memoized.apply(7, "abc", values);
    caffeine = Caffeine.newBuilder().maximumSize(1_000_000).build();
    caffeine.get(
        new CallBench.Key(7, "abc", values), k -> CallBench.work(k.n(), k.name(), k.values()));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    memo.close();
  }

  @Benchmark
  public Double hit() {
    return memoized.apply(7, "abc", values);
  }

  @Benchmark
  public Double hitBaseline() {
    return caffeine.get(
        new CallBench.Key(7, "abc", values), k -> CallBench.work(k.n(), k.name(), k.values()));
  }
}
