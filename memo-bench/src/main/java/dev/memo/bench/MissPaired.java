package dev.memo.bench;

import dev.memo.core.Memo;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * {@link Peers}' small miss (the default configuration on the directory store, a 10-element list
 * result) against a hand-written cache of atomic files missing the same call (SHA-256 of the
 * arguments, one failed open, {@code ObjectOutputStream} into a fresh temporary file renamed to the
 * entry's name), in alternating blocks of calls in one JVM, so that a loaded machine weighs on both
 * alike; the ratio of each pair of blocks is the figure to read.
 *
 * <pre>
 * java -cp memo-bench/target/benchmarks.jar dev.memo.bench.MissPaired [BLOCK] [ROUNDS] [SUSTAINED]
 * </pre>
 *
 * <p>With write-behind on, the caller's time of a miss leaves out the entry's publication, which
 * the memoizer's writer does meanwhile (during the hand-written blocks too). So it also prints what
 * {@code close} took to publish what still waited, and a sustained run: {@code SUSTAINED} misses (5
 * 000 unless given) in a fresh memoizer and folder, then its close, timed as a whole, against as
 * many hand-written misses: the throughput a loop longer than the bound gets.
 */
public final class MissPaired {
  private final MessageDigest sha256;
  private final Path raw;

  private MissPaired(Path raw) throws NoSuchAlgorithmException {
    this.sha256 = MessageDigest.getInstance("SHA-256");
    this.raw = raw;
  }

  private List<Integer> baseline(int n, String s, double[] v) throws IOException {
    sha256.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    sha256.update(s.getBytes(StandardCharsets.UTF_8));
    for (double d : v) {
      long bits = Double.doubleToRawLongBits(d);
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
    List<Integer> result = Workloads.small(n, s, v);
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

  /** {@code n} misses then close, timed as a whole, against {@code n} hand-written misses. */
  private static void sustained(Path work, int n, MissPaired hand, int nextHand)
      throws IOException {
    long sink = 0;
    long t = System.nanoTime();
    long loop;
    try (Memo memo =
        Memo.builder()
            .store("directory")
            .config("memo.store.directory.path", work.resolve("sustained").toString())
            .build()) {
      var small = memo.triFunction("small", Workloads::small);
      for (int i = 0; i < n; i++) {
        sink += small.apply(2_000_000 + i, "s", Workloads.ones()).size();
      }
      loop = System.nanoTime() - t;
    }
    long memoTotal = System.nanoTime() - t;
    t = System.nanoTime();
    for (int i = 0; i < n; i++) {
      sink += hand.baseline(nextHand + i, "s", Workloads.ones()).size();
    }
    long handTotal = System.nanoTime() - t;
    System.out.printf(
        Locale.ROOT,
        "sustained, %d misses: memo %.1f us per miss in the loop, %.1f us per miss with its close"
            + " (%.0f misses/s); hand-written %.1f us per miss (%.0f misses/s) (%d)%n",
        n,
        loop / 1e3 / n,
        memoTotal / 1e3 / n,
        n / (memoTotal / 1e9),
        handTotal / 1e3 / n,
        n / (handTotal / 1e9),
        sink);
  }

  /**
   * Warms both with 2 000 misses each, then times {@code ROUNDS} pairs of blocks of {@code BLOCK}
   * misses and prints the medians and the ratios.
   *
   * @param args the block (200 unless given) and the rounds (15 unless given)
   * @throws Exception if a file operation fails
   */
  public static void main(String[] args) throws Exception {
    int block = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    int sustained = args.length > 2 ? Integer.parseInt(args[2]) : 5_000;
    Path work = Files.createTempDirectory("memo-miss-paired");
    long sink = 0;
    try {
      Memo memo =
          Memo.builder()
              .store("directory")
              .config("memo.store.directory.path", work.resolve("memo").toString())
              .build();
      MissPaired hand = new MissPaired(Files.createDirectories(work.resolve("raw")));
      var small = memo.triFunction("small", Workloads::small);
      int next = 1_000_000;
      int nextHand = 1_000_000;
      for (int i = 0; i < 2_000; i++) {
        sink += small.apply(next++, "s", Workloads.ones()).size();
        sink += hand.baseline(nextHand++, "s", Workloads.ones()).size();
      }
      double[] memoMicros = new double[rounds];
      double[] handMicros = new double[rounds];
      double[] ratios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        long t = System.nanoTime();
        for (int i = 0; i < block; i++) {
          sink += small.apply(next++, "s", Workloads.ones()).size();
        }
        memoMicros[r] = (System.nanoTime() - t) / 1e3 / block;
        t = System.nanoTime();
        for (int i = 0; i < block; i++) {
          sink += hand.baseline(nextHand++, "s", Workloads.ones()).size();
        }
        handMicros[r] = (System.nanoTime() - t) / 1e3 / block;
        ratios[r] = memoMicros[r] / handMicros[r];
      }
      Arrays.sort(memoMicros);
      Arrays.sort(handMicros);
      Arrays.sort(ratios);
      System.out.printf(
          Locale.ROOT,
          "memo miss: min %.1f, median %.1f us; hand-written atomic files: min %.1f, median %.1f us;"
              + " memo / hand-written per pair of blocks: median %.2f (%.2f to %.2f), %d pairs of %d"
              + " (%d)%n",
          memoMicros[0],
          memoMicros[rounds / 2],
          handMicros[0],
          handMicros[rounds / 2],
          ratios[rounds / 2],
          ratios[0],
          ratios[rounds - 1],
          rounds,
          block,
          sink);
      long closing = System.nanoTime();
      memo.close();
      System.out.printf(
          Locale.ROOT,
          "close (publishes what waited): %.1f ms%n",
          (System.nanoTime() - closing) / 1e6);
      sustained(work, sustained, hand, nextHand);
    } finally {
      try (Stream<Path> all = Files.walk(work)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
