package dev.memo.bench;

import dev.memo.MemoConfig;
import dev.memo.core.Memo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * The floor of a Java hit of a 1 MiB {@code double[]} read from a file, beside memo's hit of the
 * same array with the object tier off ({@link Peers}' "hit 1MiB float64 result, tier off"), in one
 * JVM with rounds alternating the three ways:
 *
 * <ul>
 *   <li>{@code read}: one {@code FileChannel} read of a file that holds the array's bytes in the
 *       machine's order into a direct buffer kept across reads, then a new {@code double[]} filled
 *       from the buffer: the least a Java program does to hand out a fresh array read from a file
 *       (the kernel's copy, the array's allocation and zeroing, one copy into it);
 *   <li>{@code read+crc}: the same and a CRC32C over the bytes read, as memo checks every entry;
 *   <li>{@code open+read+crc}: the same with the file opened and closed for each read, as a store
 *       that keeps no file open does;
 *   <li>{@code memo}: memo's hit through the public API ({@code Memo.builder()}, the directory
 *       store, {@code memo.object-tier.max-entries=0}).
 * </ul>
 *
 * Each round times {@code CALLS} calls of each way; wall time, minor page faults of the process and
 * bytes allocated by the thread are printed per call, as medians over the rounds after the first
 * quarter. Run with the JVM's default flags (Peers' setting), and with {@code -Xms3g -Xmx3g
 * -XX:+AlwaysPreTouch} to take the heap's first touch out (FINDINGS §22).
 *
 * <pre>
 * java -cp memo-bench/target/benchmarks.jar dev.memo.bench.ArrayHitFloor [ROUNDS] [CALLS]
 * </pre>
 */
public final class ArrayHitFloor {
  private ArrayHitFloor() {}

  private static volatile double sink;

  /**
   * Runs the rounds and prints each way's medians per call and their ratios to {@code read}.
   *
   * @param args the rounds (40 unless given) and the calls per round and way (200 unless given)
   * @throws IOException if the work folder cannot be written or removed
   */
  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Path work = Files.createTempDirectory("memo-array-floor");
    try (Memo memo =
        Memo.builder()
            .store("directory")
            .config("memo.store.directory.path", work.resolve("store").toString())
            .config(MemoConfig.OBJECT_TIER_MAX_ENTRIES, "0")
            .build()) {
      double[] array = Workloads.array();
      Path file = work.resolve("array.bin");
      ByteBuffer bytes =
          ByteBuffer.allocate(array.length * Double.BYTES).order(ByteOrder.nativeOrder());
      bytes.asDoubleBuffer().put(array);
      Files.write(file, bytes.array());
      ByteBuffer buffer =
          ByteBuffer.allocateDirect(bytes.capacity() + 4096).order(ByteOrder.nativeOrder());
      Function<Integer, double[]> hit = memo.function("arr_result", Workloads::arrResult);
      hit.apply(Workloads.DOUBLES);
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        List<String> names = List.of("read", "read+crc", "open+read+crc", "memo");
        List<Supplier<double[]>> ways =
            List.of(
                () -> read(channel, buffer, array.length, false),
                () -> read(channel, buffer, array.length, true),
                () -> openAndRead(file, buffer, array.length),
                () -> hit.apply(Workloads.DOUBLES));
        for (Supplier<double[]> way : ways) {
          if (!java.util.Arrays.equals(way.get(), array)) {
            throw new IllegalStateException("a way read a different array");
          }
        }
        run(rounds, calls, names, ways);
      }
    } finally {
      Peers.deleteTree(work);
    }
  }

  private static double[] openAndRead(Path file, ByteBuffer buffer, int length) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(channel, buffer, length, true);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double[] read(
      FileChannel channel, ByteBuffer buffer, int length, boolean checksum) {
    buffer.clear().limit(length * Double.BYTES);
    try {
      long at = 0;
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, at);
        if (n < 0) {
          throw new IllegalStateException("the file ended early");
        }
        at += n;
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    buffer.flip();
    if (checksum) {
      CRC32C crc = new CRC32C();
      crc.update(buffer.duplicate());
      sink += crc.getValue();
    }
    double[] out = new double[length];
    buffer.asDoubleBuffer().get(out);
    return out;
  }

  private static void run(
      int rounds, int calls, List<String> names, List<Supplier<double[]>> ways) {
    int n = ways.size();
    List<List<double[]>> perRound = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      perRound.add(new ArrayList<>());
    }
    for (int r = 0; r < rounds; r++) {
      for (int j = 0; j < n; j++) {
        int k = (j + r) % n; // which way goes first turns with the round
        long faults = ProcessCounters.minorFaults();
        long allocated = ProcessCounters.allocatedByThisThread();
        long start = System.nanoTime();
        double s = 0;
        for (int i = 0; i < calls; i++) {
          s += ways.get(k).get()[i];
        }
        long wall = System.nanoTime() - start;
        sink += s;
        if (r >= rounds / 4) {
          perRound
              .get(k)
              .add(
                  new double[] {
                    wall / 1e3 / calls,
                    (ProcessCounters.minorFaults() - faults) / (double) calls,
                    (ProcessCounters.allocatedByThisThread() - allocated) / (double) calls
                  });
        }
      }
    }
    double base = median(perRound.get(0), 0);
    for (int k = 0; k < n; k++) {
      List<double[]> each = perRound.get(k);
      System.out.printf(
          Locale.ROOT,
          "%-13s %7.1f µs per call (fastest round %.1f, slowest %.1f), %.1f faults and %.0f bytes"
              + " per call, %.2f × read%n",
          names.get(k),
          median(each, 0),
          min(each, 0),
          max(each, 0),
          median(each, 1),
          median(each, 2),
          median(each, 0) / base);
    }
  }

  private static double median(List<double[]> rows, int column) {
    List<Double> values = new ArrayList<>();
    for (double[] row : rows) {
      values.add(row[column]);
    }
    Collections.sort(values);
    return values.get(values.size() / 2);
  }

  private static double min(List<double[]> rows, int column) {
    double m = Double.MAX_VALUE;
    for (double[] row : rows) {
      m = Math.min(m, row[column]);
    }
    return m;
  }

  private static double max(List<double[]> rows, int column) {
    double m = 0;
    for (double[] row : rows) {
      m = Math.max(m, row[column]);
    }
    return m;
  }
}
