package dev.memo.bench;

import dev.memo.core.Memo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
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
 * A hit whose result is a 1 MiB map of records ({@link Payloads}' {@code mapOfRecords}), through
 * the public API with the object tier off, so that every hit reads the directory store and
 * deserializes: each serde against the others of the same run ({@code java} is the reference).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RecordsHitBench {
  @Param({"java", "zstd", "kryo", "kryo-zstd"})
  public String serde;

  static Map<?, ?> records(Integer bytes) {
    return (Map<?, ?>) Payloads.of("mapOfRecords", bytes);
  }

  private Path dir;
  private Memo memo;
  private Function<Integer, Map<?, ?>> memoized;
  private final int size = 1 << 20;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("memo-bench-records");
    memo =
        Memo.builder()
            .store("directory")
            .serde(serde)
            .config("memo.store.directory.path", dir.resolve("store").toString())
            .config("memo.object-tier.max-entries", "0") // every hit reads the store
            .build();
    memoized = memo.function("bench-records", RecordsHitBench::records);
    memoized.apply(size);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    memo.close();
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public Map<?, ?> hit() {
    return memoized.apply(size);
  }
}
