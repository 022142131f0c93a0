package dev.memo.bench;

import dev.memo.core.Memo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * A hit whose result is a 1 MiB {@code double[]}, from the directory store through each serde,
 * against reading the same doubles by hand: {@code Files.readAllBytes} of a plain file plus a
 * little-endian decode into a {@code double[]}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LargeHitBench {
  @Param({"java", "zstd"})
  public String serde;

  static double[] doubles(Integer n) {
    return (double[]) Payloads.of("doubles", n * 8);
  }

  private Path dir;
  private Path plain;
  private Memo memo;
  private Function<Integer, double[]> memoized;
  private final int n = 1 << 17;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("memo-bench-large");
    memo =
        Memo.builder()
            .store("directory")
            .serde(serde)
            .config("memo.store.directory.path", dir.resolve("store").toString())
            .config("memo.object-tier.max-entries", "0") // every hit reads the store
            .build();
    memoized = memo.function("bench-large", LargeHitBench::doubles);
    double[] d = memoized.apply(n);
    ByteBuffer b = ByteBuffer.allocate(d.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(d);
    plain = dir.resolve("plain.bin");
    Files.write(plain, b.array());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    memo.close();
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public double[] hit() {
    return memoized.apply(n);
  }

  @Benchmark
  public double[] hitBaseline() throws IOException {
    byte[] bytes = Files.readAllBytes(plain);
    double[] d = new double[bytes.length / 8];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(d);
    return d;
  }
}
