package dev.memo.bench;

import dev.memo.core.Memo;
import dev.memo.spi.Serde;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The kryo serde against java on a 1 MiB map of records, timed in alternation so that both see the
 * same load: each round times one read (or write, or memoized hit through the public API with the
 * object tier off) by each serde, and the median of the rounds' ratios java / kryo is printed. On a
 * shared machine whose load swings within seconds, this is steadier than two JMH runs one after the
 * other; JMH's {@link SerdeBench} and {@link RecordsHitBench} remain the reference. Writes go to
 * one reused stream, as in {@link SerdeBench}, so that allocating a buffer is not timed. Besides
 * the medians, the fastest round of each is printed: on a loaded machine, it is the nearest to the
 * time of the work itself.
 *
 * <p>Usage: {@code java -cp memo-bench/target/benchmarks.jar dev.memo.bench.KryoVersusJava
 * [rounds]}
 */
public final class KryoVersusJava {
  private KryoVersusJava() {}

  /**
   * Runs the rounds and prints, for read, write and hit, the median times and ratio.
   *
   * @param args the number of rounds, 200 by default
   * @throws IOException if a serde or the store fails
   */
  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    Object payload = Payloads.of("mapOfRecords", 1 << 20);
    Serde java = Backends.serde("java");
    Serde kryo = Backends.serde("kryo");
    byte[] javaBytes = write(java, payload);
    byte[] kryoBytes = write(kryo, payload);
    System.out.printf(
        "bytes: java %d, kryo %d (%.2f x)%n",
        javaBytes.length, kryoBytes.length, (double) kryoBytes.length / javaBytes.length);
    long[][] read = new long[2][rounds];
    long[][] written = new long[2][rounds];
    long[][] hit = new long[2][rounds];
    ByteArrayOutputStream out = new ByteArrayOutputStream(2 << 20);
    Path dir = Files.createTempDirectory("memo-bench-kryo");
    try (Memo javaMemo = memo("java", dir.resolve("java"));
        Memo kryoMemo = memo("kryo", dir.resolve("kryo"))) {
      Function<Integer, Map<?, ?>> javaHit = javaMemo.function("records", RecordsHitBench::records);
      Function<Integer, Map<?, ?>> kryoHit = kryoMemo.function("records", RecordsHitBench::records);
      javaHit.apply(1 << 20);
      kryoHit.apply(1 << 20);
      for (int r = -rounds / 4; r < rounds; r++) { // the first quarter warms up
        long[] t = new long[6];
        t[0] = timed(() -> java.read(new ByteArrayInputStream(javaBytes)));
        t[1] = timed(() -> kryo.read(new ByteArrayInputStream(kryoBytes)));
        t[2] = timed(() -> write(java, payload, out));
        t[3] = timed(() -> write(kryo, payload, out));
        t[4] = timed(() -> javaHit.apply(1 << 20));
        t[5] = timed(() -> kryoHit.apply(1 << 20));
        if (r >= 0) {
          read[0][r] = t[0];
          read[1][r] = t[1];
          written[0][r] = t[2];
          written[1][r] = t[3];
          hit[0][r] = t[4];
          hit[1][r] = t[5];
        }
      }
    } finally {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    report("read", read);
    report("write", written);
    report("hit (directory store, object tier off)", hit);
  }

  private static Memo memo(String serde, Path dir) {
    return Memo.builder()
        .store("directory")
        .serde(serde)
        .config("memo.store.directory.path", dir.toString())
        .config("memo.object-tier.max-entries", "0")
        .build();
  }

  private interface Step {
    Object run() throws IOException;
  }

  private static long timed(Step step) throws IOException {
    long start = System.nanoTime();
    Object result = step.run();
    long took = System.nanoTime() - start;
    if (result == null) {
      throw new IllegalStateException("no result");
    }
    return took;
  }

  private static Integer write(Serde serde, Object value, ByteArrayOutputStream out)
      throws IOException {
    out.reset();
    serde.write(value, out);
    return out.size();
  }

  private static byte[] write(Serde serde, Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(2 << 20);
    serde.write(value, out);
    return out.toByteArray();
  }

  private static void report(String what, long[][] times) {
    List<Double> ratios = new ArrayList<>();
    for (int r = 0; r < times[0].length; r++) {
      ratios.add((double) times[0][r] / times[1][r]);
    }
    ratios.sort(null);
    System.out.printf(
        "%s: java median %.2f ms, kryo median %.2f ms, java/kryo median of rounds"
            + " %.2f x (quartiles %.2f .. %.2f); fastest rounds java %.2f ms, kryo %.2f ms"
            + " (%.2f x)%n",
        what,
        median(times[0]) / 1e6,
        median(times[1]) / 1e6,
        ratios.get(ratios.size() / 2),
        ratios.get(ratios.size() / 4),
        ratios.get(3 * ratios.size() / 4),
        min(times[0]) / 1e6,
        min(times[1]) / 1e6,
        (double) min(times[0]) / min(times[1]));
  }

  private static long min(long[] values) {
    return Arrays.stream(values).min().orElseThrow();
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
