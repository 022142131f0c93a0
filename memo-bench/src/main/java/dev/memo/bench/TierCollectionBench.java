package dev.memo.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.memo.core.Memo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * A hit of the object tier whose result is a large {@code List<Integer>}, vs a Caffeine cache
 * holding the same unmodifiable list. A tier hit hands out the list made immutable when it entered
 * the tier, so its time must not grow with the list's size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TierCollectionBench {
  @Param({"125000"})
  public int size;

  private Memo memo;
  private Function<Integer, List<Integer>> memoized;
  private Cache<Integer, List<Integer>> caffeine;

  static List<Integer> numbers(Integer n) {
    List<Integer> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(i);
    }
    return out;
  }

  @Setup(Level.Trial)
  public void setUp() {
    memo =
        Memo.builder()
            .store("memory")
            .serde("java")
            .signer("xxh3-128")
            .config("memo.object-tier.max-bytes", "256m")
            .build();
    memoized = memo.function("bench-tier-list", TierCollectionBench::numbers);
    memoized.apply(size);
    caffeine = Caffeine.newBuilder().maximumSize(1_000).build();
    caffeine.put(size, Collections.unmodifiableList(numbers(size)));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    memo.close();
  }

  @Benchmark
  public List<Integer> hit() {
    return memoized.apply(size);
  }

  @Benchmark
  public List<Integer> hitBaseline() {
    return caffeine.getIfPresent(size);
  }
}
