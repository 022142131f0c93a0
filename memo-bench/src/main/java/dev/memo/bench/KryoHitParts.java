package dev.memo.bench;

import dev.memo.core.Memo;
import dev.memo.spi.Serde;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Where a kryo hit of the 1 MiB map of records (through {@code Memo}, directory store, object tier
 * off) spends its time, each part timed by the thread's CPU time and allocated bytes, in one JVM,
 * the parts in turn and their order rotated from round to round, after a warm-up that lasts until
 * the heap has stopped growing onto fresh pages:
 *
 * <ul>
 *   <li>{@code hit}: the whole hit, and within it ({@code read in hit}) the kryo serde's read,
 *       timed by a serde that wraps it;
 *   <li>{@code read alone}: the serde's read of the same bytes from an array;
 *   <li>{@code plain build}: the same {@code LinkedHashMap} of fresh strings and records built by
 *       plain Java from arrays decoded beforehand: what any reader that returns this map allocates
 *       and writes, without parsing;
 *   <li>{@code hit, small result}: a hit of the same entry whose serde reads the payload to its end
 *       and returns a one-entry map (reading the entry, its checksums, and the rest of memo-core's
 *       hit path); {@code hit, prebuilt result}: the same, returning one of eight maps the kryo
 *       serde read before the rounds (adds memo-core's walk of a result that is not in the caches).
 * </ul>
 *
 * <p>Usage: {@code java -Xmx4g -cp memo-bench/target/benchmarks.jar dev.memo.bench.KryoHitParts
 * [rounds]} (FINDINGS.md section 23).
 */
public final class KryoHitParts {
  private KryoHitParts() {}

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * Runs the rounds and prints each part's median, quartiles and fastest CPU time and its bytes
   * allocated.
   *
   * @param args the number of rounds, 100 by default
   * @throws IOException if a serde or the store fails
   */
  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    Map<String, Payloads.Row> payload =
        (Map<String, Payloads.Row>) Payloads.of("mapOfRecords", 1 << 20);
    Serde kryo = Backends.serde("kryo");
    ByteArrayOutputStream out = new ByteArrayOutputStream(2 << 20);
    kryo.write(payload, out);
    byte[] bytes = out.toByteArray();
    int n = payload.size();
    byte[][] keys = new byte[n][];
    byte[][] names = new byte[n][];
    int[] ids = new int[n];
    double[] values = new double[n];
    int i = 0;
    for (Map.Entry<String, Payloads.Row> e : payload.entrySet()) {
      keys[i] = e.getKey().getBytes(StandardCharsets.ISO_8859_1);
      names[i] = e.getValue().name().getBytes(StandardCharsets.ISO_8859_1);
      ids[i] = e.getValue().id();
      values[i] = e.getValue().value();
      i++;
    }
    Timed timed = new Timed(kryo);
    Draining draining = new Draining(kryo);
    // Eight maps, used in turn: 55 MB, more than the caches hold, and few enough that the heap
    // does not grow for them.
    Object[] prebuilt = new Object[8];
    for (int k = 0; k < prebuilt.length; k++) {
      prebuilt[k] = kryo.read(new ByteArrayInputStream(bytes));
    }
    Path dir = Files.createTempDirectory("memo-bench-parts");
    try (Memo kryoMemo = memo(timed, dir.resolve("kryo"));
        Memo drainMemo = memo(draining, dir.resolve("kryo"))) {
      Function<Integer, Map<?, ?>> hit = kryoMemo.function("records", RecordsHitBench::records);
      Function<Integer, Map<?, ?>> drained =
          drainMemo.function("records", RecordsHitBench::records);
      hit.apply(1 << 20);
      List<String> labels =
          List.of("hit", "read alone", "plain build", "hit, small result", "hit, prebuilt result");
      List<Supplier<Object>> parts =
          List.of(
              () -> hit.apply(1 << 20),
              () -> read(kryo, bytes),
              () -> build(keys, names, ids, values),
              () -> {
                draining.result = new LinkedHashMap<>(Map.of(1, 1));
                return drained.apply(1 << 20);
              },
              () -> {
                draining.result = prebuilt[draining.next++ % prebuilt.length];
                return drained.apply(1 << 20);
              });
      if (!payload.equals(parts.get(2).get()) || !payload.equals(hit.apply(1 << 20))) {
        throw new IllegalStateException("a part returns another map");
      }
      int k = parts.size();
      long[][] cpu = new long[k + 1][rounds];
      long[][] allocated = new long[k + 1][rounds];
      draining.next = 0;
      // Warm-up: a quarter of the rounds, and on until five rounds in a row touch no fresh pages
      // to speak of (the heap has stopped growing; FINDINGS.md section 23), at most ten times the
      // rounds. G1 may still grow the heap later, under load: the faults of the timed rounds are
      // printed.
      int warmUp = 0;
      long warmUpFaults = 0;
      for (int quiet = 0; (warmUp < rounds / 4 || quiet < 5) && warmUp < 10 * rounds; warmUp++) {
        long faults = minorFaults();
        for (Supplier<Object> part : parts) {
          part.get();
        }
        faults = minorFaults() - faults;
        quiet = faults > 64 ? 0 : quiet + 1;
        warmUpFaults += faults;
      }
      long timedFaults = minorFaults();
      for (int r = 0; r < rounds; r++) {
        int at = r;
        for (int j = 0; j < k; j++) {
          int p = (j + r) % k;
          long bytesBefore = THREADS.getCurrentThreadAllocatedBytes();
          long start = THREADS.getCurrentThreadCpuTime();
          Object result = parts.get(p).get();
          cpu[p][at] = THREADS.getCurrentThreadCpuTime() - start;
          allocated[p][at] = THREADS.getCurrentThreadAllocatedBytes() - bytesBefore;
          if (result == null) {
            throw new IllegalStateException("no result");
          }
          if (p == 0) {
            cpu[k][at] = timed.cpu;
            allocated[k][at] = timed.allocated;
          }
        }
      }
      System.out.printf(
          "minor page faults of the timing thread: %d in %d warm-up rounds, %d in %d timed"
              + " rounds%n",
          warmUpFaults, warmUp, minorFaults() - timedFaults, rounds);
      for (int j = 0; j <= k; j++) {
        long[] c = cpu[j].clone();
        Arrays.sort(c);
        long[] a = allocated[j].clone();
        Arrays.sort(a);
        System.out.printf(
            "%-22s CPU median %.3f ms (quartiles %.3f .. %.3f, fastest %.3f); allocated %d"
                + " bytes (median)%n",
            j < k ? labels.get(j) : "read in hit",
            c[rounds / 2] / 1e6,
            c[rounds / 4] / 1e6,
            c[3 * rounds / 4] / 1e6,
            c[0] / 1e6,
            a[rounds / 2]);
      }
    } finally {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static final Path STAT = Path.of("/proc/thread-self/stat");

  /** The calling thread's minor page faults so far (field 10 of its stat), or 0 if unknown. */
  private static long minorFaults() {
    try {
      String stat = Files.readString(STAT);
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[7]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static Object read(Serde serde, byte[] bytes) {
    try {
      return serde.read(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Payloads.Row> build(
      byte[][] keys, byte[][] names, int[] ids, double[] values) {
    Map<String, Payloads.Row> map = new LinkedHashMap<>((int) Math.ceil(keys.length / 0.75));
    for (int k = 0; k < keys.length; k++) {
      map.put(
          new String(keys[k], StandardCharsets.ISO_8859_1),
          new Payloads.Row(ids[k], new String(names[k], StandardCharsets.ISO_8859_1), values[k]));
    }
    return map;
  }

  private static Memo memo(Serde serde, Path dir) {
    return Memo.builder()
        .store("directory")
        .serde(serde)
        .config("memo.store.directory.path", dir.toString())
        .config("memo.object-tier.max-entries", "0")
        .build();
  }

  /** The kryo serde, its last read's CPU time and allocated bytes recorded. */
  private static final class Timed implements Serde {
    private final Serde serde;
    long cpu;
    long allocated;

    Timed(Serde serde) {
      this.serde = serde;
    }

    @Override
    public String name() {
      return serde.name();
    }

    @Override
    public void write(@Nullable Object value, OutputStream out) throws IOException {
      serde.write(value, out);
    }

    @Override
    public @Nullable Object read(InputStream in) throws IOException {
      long bytesBefore = THREADS.getCurrentThreadAllocatedBytes();
      long start = THREADS.getCurrentThreadCpuTime();
      Object value = serde.read(in);
      cpu = THREADS.getCurrentThreadCpuTime() - start;
      allocated = THREADS.getCurrentThreadAllocatedBytes() - bytesBefore;
      return value;
    }
  }

  /** Reads the kryo entry's payload to its end into a reused buffer and returns a set result. */
  private static final class Draining implements Serde {
    private final Serde serde;
    private final byte[] buffer = new byte[4 << 20];
    Object result = Map.of();
    int next;

    Draining(Serde serde) {
      this.serde = serde;
    }

    @Override
    public String name() {
      return serde.name();
    }

    @Override
    public void write(@Nullable Object value, OutputStream out) throws IOException {
      serde.write(value, out);
    }

    @Override
    public Object read(InputStream in) throws IOException {
      while (in.read(buffer, 0, buffer.length) >= 0) {
        // the bytes are dropped
      }
      return result;
    }
  }
}
