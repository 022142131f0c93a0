package dev.memo.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.memo.TriFunction;
import dev.memo.core.Memo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * A whole memoized call of three small arguments (an int, a short string, a double[8]): a hit and a
 * miss, against a Caffeine cache keyed by a record of the same arguments, measured in the same run.
 * With {@code tier=off} every memo hit reads the store and deserializes (as the first hit of a
 * fresh process does); with {@code tier=on} a hit is answered by the object tier.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CallBench {
  @Param({"memory", "directory", "chronicle"})
  public String store;

  /** Whether memo's object tier is on ({@code on}, the default) or off. */
  @Param({"off", "on"})
  public String tier;

  /** The key a hand-written cache would use. */
  record Key(int n, String name, double[] values) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && k.n == n
          && k.name.equals(name)
          && Arrays.equals(k.values, values);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * n + name.hashCode()) + Arrays.hashCode(values);
    }
  }

  static double work(int n, String name, double[] values) {
    double s = n + name.length();
    for (double v : values) {
      s += v;
    }
    return s;
  }

  private Path dir;
  private Memo memo;
  private TriFunction<Integer, String, double[], Double> memoized;
  private Cache<Key, Double> caffeine;
  private final double[] values = {1, 2, 3, 4, 5, 6, 7, 8};
  private int missCounter;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("memo-bench-call");
    memo =
        Memo.builder()
            .store(store)
            .serde("java")
            .signer("sha256")
            .config("memo.store.directory.path", dir.toString())
            .config("memo.store.chronicle.path", dir.resolve("chronicle").toString())
            .config("memo.object-tier.max-entries", tier.equals("on") ? "10000" : "0")
            .build();
    memoized = memo.triFunction("bench-call", CallBench::work);
    caffeine = Caffeine.newBuilder().maximumSize(1_000_000).build();
    memoized.apply(7, "abc", values);
    caffeine.get(new Key(7, "abc", values), k -> work(k.n(), k.name(), k.values()));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    memo.close();
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public Double hit() {
    return memoized.apply(7, "abc", values);
  }

  @Benchmark
  public Double hitBaseline() {
    return caffeine.get(new Key(7, "abc", values), k -> work(k.n(), k.name(), k.values()));
  }

  @Benchmark
  public Double miss() {
    return memoized.apply(++missCounter, "abc", values);
  }

  @Benchmark
  public Double missBaseline() {
    int n = ++missCounter;
    return caffeine.get(new Key(n, "abc", values), k -> work(k.n(), k.name(), k.values()));
  }
}
