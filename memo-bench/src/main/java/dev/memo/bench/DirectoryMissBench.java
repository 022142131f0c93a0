package dev.memo.bench;

import dev.memo.TriFunction;
import dev.memo.core.Memo;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The miss of a small call (an int, a short string, a double[8]) on the directory store with fsync
 * off, against the least a hand-written cache of atomic files does for the same miss: hash the
 * arguments, look for the file (absent), compute, serialize the result and write it to a fresh
 * temporary file renamed over the entry's name. What memo adds beyond that on the caller's thread
 * is its own: the entry format, signing and the explain record's digests (the record itself, a
 * second small file, is written behind the call). Every miss writes a new entry, so the folders
 * fill as a real miss storm's would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DirectoryMissBench {
  private Path dir;
  private Path raw;
  private Memo memo;
  private TriFunction<Integer, String, double[], Double> memoized;
  private final double[] values = {1, 2, 3, 4, 5, 6, 7, 8};
  private MessageDigest sha256;
  private int missCounter;

  @Setup(Level.Trial)
  public void setUp() throws IOException, NoSuchAlgorithmException {
    dir = Files.createTempDirectory("memo-bench-miss");
    raw = Files.createDirectories(dir.resolve("raw"));
    memo =
        Memo.builder()
            .store("directory")
            .serde("java")
            .signer("sha256")
            .config("memo.store.directory.path", dir.resolve("memo").toString())
            .config("memo.object-tier.max-entries", "0") // every hit reads the store
            .build();
    memoized = memo.triFunction("bench-miss", CallBench::work);
    sha256 = MessageDigest.getInstance("SHA-256");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    memo.close();
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public Double miss() {
    return memoized.apply(++missCounter, "abc", values);
  }

  @Benchmark
  public Double missBaseline() throws IOException {
    int n = ++missCounter;
    // Hash the arguments' bytes, as any persistent cache must to name the file.
    sha256.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    sha256.update("abc".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    for (double v : values) {
      long bits = Double.doubleToRawLongBits(v);
      for (int i = 0; i < 8; i++) {
        sha256.update((byte) (bits >>> (56 - 8 * i)));
      }
    }
    String hex = HexFormat.of().formatHex(sha256.digest());
    Path folder = raw.resolve(hex.substring(0, 2));
    Path entry = folder.resolve(hex);
    try (InputStream in = Files.newInputStream(entry)) {
      throw new IllegalStateException("a fresh key is never found: " + in);
    } catch (NoSuchFileException e) {
      // the miss
    }
    Double result = CallBench.work(n, "abc", values);
    Files.createDirectories(folder);
    Path temp =
        folder.resolve("." + hex + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try (FileOutputStream file = new FileOutputStream(temp.toFile());
        ObjectOutputStream out = new ObjectOutputStream(file)) {
      out.writeObject(result);
    }
    Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return result;
  }
}
