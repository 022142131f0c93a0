package dev.memo.bench;

import dev.memo.Signature;
import dev.memo.spi.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.map.ChronicleMap;
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
 * A store's get and put of one value, against the raw operation on the same data: {@code
 * Files.readAllBytes} / {@code Files.write} of a plain file for the directory store, a {@code
 * ConcurrentHashMap} for the memory store, and a raw persisted {@code ChronicleMap<byte[], byte[]>}
 * sized for the data for the chronicle store. {@code entries} sets how many entries the store holds
 * while gets run, to see whether hit latency grows with the store.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StoreBench {
  @Param({"memory", "directory", "chronicle"})
  public String store;

  @Param({"100", "4096", "1048576"})
  public int size;

  @Param({"1000"})
  public int entries;

  private static final String NS = "bench";
  private Path dir;
  private Store memo;
  private Signature[] keys;
  private Path[] files;
  private final Map<Signature, byte[]> map = new ConcurrentHashMap<>();
  private ChronicleMap<byte[], byte[]> chronicle;
  private byte[][] rawKeys;
  private byte[] value;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("memo-bench-store");
    memo = Backends.store(store, dir);
    value = new byte[size];
    new SplittableRandom(size).nextBytes(value);
    int n = size >= 1 << 20 ? Math.min(entries, 200) : entries;
    keys = new Signature[n];
    rawKeys = new byte[n][];
    files = new Path[n];
    if (store.equals("chronicle")) {
      chronicle =
          ChronicleMap.of(byte[].class, byte[].class)
              .averageKeySize(32)
              .averageValueSize(size)
              .entries(Math.max(1000, n * 2L))
              .createPersistedTo(dir.resolve("raw.cm3").toFile());
    }
    Path plain = Files.createDirectories(dir.resolve("plain"));
    for (int i = 0; i < n; i++) {
      byte[] k = new byte[32];
      new SplittableRandom(i).nextBytes(k);
      keys[i] = Signature.of(k);
      rawKeys[i] = k;
      memo.put(NS, keys[i], out -> out.write(value));
      files[i] = plain.resolve(keys[i].hex());
      if (store.equals("directory")) {
        Files.write(files[i], value);
      } else if (store.equals("chronicle")) {
        chronicle.put(k, value);
      } else {
        map.put(keys[i], value);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    memo.close();
    if (chronicle != null) {
      chronicle.close();
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private int nextIndex() {
    int i = next;
    next = i + 1 == keys.length ? 0 : i + 1;
    return i;
  }

  @Benchmark
  public byte[] get() throws IOException {
    Optional<InputStream> in = memo.get(NS, keys[nextIndex()]);
    try (InputStream s = in.orElseThrow()) {
      return s.readAllBytes();
    }
  }

  @Benchmark
  public byte[] getBaseline() throws IOException {
    int i = nextIndex();
    switch (store) {
      case "directory":
        return Files.readAllBytes(files[i]);
      case "chronicle":
        return chronicle.get(rawKeys[i]);
      default:
        return map.get(keys[i]).clone(); // a store hands out bytes the caller may keep
    }
  }

  @Benchmark
  public int put() throws IOException {
    memo.put(NS, keys[nextIndex()], out -> out.write(value));
    return value.length;
  }

  @Benchmark
  public int putBaseline() throws IOException {
    int i = nextIndex();
    switch (store) {
      case "directory" -> Files.write(files[i], value);
      case "chronicle" -> chronicle.put(rawKeys[i], value);
      default -> map.put(keys[i], value.clone());
    }
    return value.length;
  }
}
