package dev.memo.bench;

import dev.memo.TriFunction;
import dev.memo.core.Memo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.map.ChronicleMap;
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
 * A memoized hit of a small call (an int, a short string, a double[8] giving a {@code Double}) from
 * the chronicle store, against what the target compares it with: a get from a raw persisted {@code
 * ChronicleMap<byte[], byte[]>} of the same result, Java-serialized, plus its deserialization with
 * an {@code ObjectInputStream}. The baseline's key is given; memo's includes signing the call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChronicleHitBench {
  private Path dir;
  private Memo memo;
  private TriFunction<Integer, String, double[], Double> memoized;
  private final double[] values = {1, 2, 3, 4, 5, 6, 7, 8};
  private ChronicleMap<byte[], byte[]> raw;
  private byte[] key;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("memo-bench-chronicle-hit");
    memo =
        Memo.builder()
            .store("chronicle")
            .serde("java")
            .signer("sha256")
            .config("memo.store.chronicle.path", dir.resolve("memo").toString())
            .config("memo.object-tier.max-entries", "0") // every hit reads the store
            .build();
    memoized = memo.triFunction("bench-chronicle-hit", CallBench::work);
    memoized.apply(7, "abc", values);
    key = new byte[32];
    new SplittableRandom(7).nextBytes(key);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(CallBench.work(7, "abc", values));
    }
    raw =
        ChronicleMap.of(byte[].class, byte[].class)
            .averageKeySize(32)
            .averageValueSize(bytes.size())
            .entries(1000)
            .createPersistedTo(dir.resolve("raw.cm3").toFile());
    raw.put(key, bytes.toByteArray());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    memo.close();
    raw.close();
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public Double hit() {
    return memoized.apply(7, "abc", values);
  }

  @Benchmark
  public Object hitBaseline() throws IOException, ClassNotFoundException {
    byte[] bytes = raw.get(key);
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    }
  }
}
