package dev.memo.bench;

import dev.memo.core.Memo;
import dev.memo.spi.Serde;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
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
 * time of the work itself. Next to the wall time, each call's CPU time, bytes allocated and minor
 * page faults (all of the calling thread) are recorded and their medians printed, since on a
 * virtual machine the first touch of a fresh page of a growing heap can dominate a call's cost
 * (FINDINGS.md section 23); {@code -Drounds} prints them per round. Which serde goes first
 * alternates from round to round.
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
    long[][][] read = new long[2][4][rounds];
    long[][][] written = new long[2][4][rounds];
    long[][][] hit = new long[2][4][rounds];
    ByteArrayOutputStream out = new ByteArrayOutputStream(2 << 20);
    Path dir = Files.createTempDirectory("memo-bench-kryo");
    try (Memo javaMemo = memo("java", dir.resolve("java"));
        Memo kryoMemo = memo("kryo", dir.resolve("kryo"))) {
      Function<Integer, Map<?, ?>> javaHit = javaMemo.function("records", RecordsHitBench::records);
      Function<Integer, Map<?, ?>> kryoHit = kryoMemo.function("records", RecordsHitBench::records);
      javaHit.apply(1 << 20);
      kryoHit.apply(1 << 20);
      long faults = minorFaults();
      for (int r = -rounds / 4; r < rounds; r++) { // the first quarter warms up
        if (r == 0) {
          warmUpFaults = minorFaults() - faults;
          faults = minorFaults();
        }
        int at = Math.max(r, 0);
        // Which serde goes first alternates by round, so that neither always follows the other's
        // allocations (a collection, or eden grown onto fresh pages, falls on the one after).
        for (int k = 0; k < 2; k++) {
          if ((k == 0) == (r % 2 == 0)) {
            timed(() -> java.read(new ByteArrayInputStream(javaBytes)), read[0], at);
          } else {
            timed(() -> kryo.read(new ByteArrayInputStream(kryoBytes)), read[1], at);
          }
        }
        for (int k = 0; k < 2; k++) {
          if ((k == 0) == (r % 2 == 0)) {
            timed(() -> write(java, payload, out), written[0], at);
          } else {
            timed(() -> write(kryo, payload, out), written[1], at);
          }
        }
        for (int k = 0; k < 2; k++) {
          if ((k == 0) == (r % 2 == 0)) {
            timed(() -> javaHit.apply(1 << 20), hit[0], at);
          } else {
            timed(() -> kryoHit.apply(1 << 20), hit[1], at);
          }
        }
      }
      timedFaults = minorFaults() - faults;
    } finally {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.out.printf(
        "minor page faults of the timing thread: %d in the %d warm-up rounds, %d in the %d timed"
            + " rounds%n",
        warmUpFaults, rounds / 4, timedFaults, rounds);
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

  /**
   * Runs the step and records in {@code into[0..3][round]} its wall time, the thread's CPU time and
   * allocated bytes, and the thread's minor page faults.
   */
  private static void timed(Step step, long[][] into, int round) throws IOException {
    long faults = minorFaults();
    long allocated = THREADS.getCurrentThreadAllocatedBytes();
    long cpu = THREADS.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    Object result = step.run();
    long took = System.nanoTime() - start;
    cpu = THREADS.getCurrentThreadCpuTime() - cpu;
    allocated = THREADS.getCurrentThreadAllocatedBytes() - allocated;
    faults = minorFaults() - faults;
    if (result == null) {
      throw new IllegalStateException("no result");
    }
    into[0][round] = took;
    into[1][round] = cpu;
    into[2][round] = allocated;
    into[3][round] = faults;
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static long warmUpFaults;
  private static long timedFaults;

  private static final Path STAT = Path.of("/proc/thread-self/stat");

  /** The calling thread's minor page faults so far (field 10 of its stat), or 0 if unknown. */
  private static long minorFaults() {
    try {
      String stat = Files.readString(STAT);
      // Fields after the command's closing parenthesis: state is field 3, minflt field 10.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[7]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
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

  private static void report(String what, long[][][] both) {
    long[][] times = {both[0][0], both[1][0]};
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
    System.out.printf(
        "  per call, medians: CPU java %.2f ms, kryo %.2f ms (%.2f x); allocated java %.2f MB,"
            + " kryo %.2f MB; minor faults java %.0f, kryo %.0f%n",
        median(both[0][1]) / 1e6,
        median(both[1][1]) / 1e6,
        median(both[0][1]) / median(both[1][1]),
        median(both[0][2]) / 1e6,
        median(both[1][2]) / 1e6,
        median(both[0][3]),
        median(both[1][3]));
    if (System.getProperty("rounds") != null) {
      for (int r = 0; r < times[0].length; r++) {
        System.out.printf(
            "  round %d: java %.2f ms wall %.2f cpu %.2f MB %d faults; kryo %.2f ms wall %.2f cpu"
                + " %.2f MB %d faults%n",
            r,
            both[0][0][r] / 1e6,
            both[0][1][r] / 1e6,
            both[0][2][r] / 1e6,
            both[0][3][r],
            both[1][0][r] / 1e6,
            both[1][1][r] / 1e6,
            both[1][2][r] / 1e6,
            both[1][3][r]);
      }
    }
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
