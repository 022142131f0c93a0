package dev.memo.bench;

import dev.memo.serde.java.JavaSerialization;
import dev.memo.spi.ByteBufferSource;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The java serde's read of a 1 MiB {@code double[]} from memory, as a directory store's hit hands
 * it over (views of a direct buffer), in the two orders its fast path knows: big-endian (the marker
 * 'm' 'r', as arrays were written before) and little-endian ('m' 'l', as they are written now). One
 * JVM, the same code, rounds alternating the two, timed by the thread's CPU time; run with {@code
 * -Xms2g -Xmx2g -XX:+AlwaysPreTouch} so that fresh pages do not count.
 *
 * <pre>
 * java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -cp memo-bench/target/benchmarks.jar \
 *   dev.memo.bench.RawArrayOrder [ROUNDS]
 * </pre>
 */
public final class RawArrayOrder {
  private RawArrayOrder() {}

  /** The payload's bytes in memory, handed out as views as the store's whole-entry read does. */
  private static final class InMemory extends InputStream implements ByteBufferSource {
    private final ByteBuffer bytes;

    InMemory(ByteBuffer bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read() {
      return bytes.hasRemaining() ? bytes.get() & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (!bytes.hasRemaining()) {
        return -1;
      }
      int n = Math.min(len, bytes.remaining());
      bytes.get(b, off, n);
      return n;
    }

    @Override
    public ByteBuffer next(int max) {
      int n = Math.min(max, bytes.remaining());
      ByteBuffer view = bytes.slice(bytes.position(), n);
      bytes.position(bytes.position() + n);
      return view;
    }
  }

  private static volatile double sink;

  /**
   * Runs the rounds and prints both orders' CPU time per read and the median ratio.
   *
   * @param args the number of rounds (40 unless given), the first quarter warming up
   * @throws Exception if a read fails
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int reads = 200;
    double[] values = new double[131_072];
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.sin(i);
    }
    ObjectInputFilter filter = ObjectInputFilter.Config.createFilter("*");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JavaSerialization.write(values, out, filter);
    byte[] little = out.toByteArray();
    ByteBuffer big = ByteBuffer.allocate(little.length);
    big.put((byte) 'm').put((byte) 'r').put((byte) 8).putInt(values.length);
    big.asDoubleBuffer().put(values);
    ByteBuffer[] payloads = {
      ByteBuffer.allocateDirect(little.length).put(big.array()).flip(),
      ByteBuffer.allocateDirect(little.length).put(little).flip()
    };
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] total = new long[2];
    List<Double> ratios = new ArrayList<>();
    double s = 0;
    for (int r = 0; r < rounds; r++) {
      long[] cpu = new long[2];
      for (int k = 0; k < 2; k++) {
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < reads; i++) {
          double[] read =
              (double[]) JavaSerialization.read(new InMemory(payloads[k].duplicate()), filter);
          s += read[i];
        }
        cpu[k] = threads.getCurrentThreadCpuTime() - start;
      }
      if (r >= rounds / 4) {
        total[0] += cpu[0];
        total[1] += cpu[1];
        ratios.add((double) cpu[1] / cpu[0]);
      }
    }
    sink = s;
    Collections.sort(ratios);
    int timed = rounds - rounds / 4;
    System.out.printf(
        Locale.ROOT,
        "1 MiB double[] read from memory: big-endian %.1f µs, little-endian %.1f µs (thread CPU"
            + " per read); little / big median %.3f, quartiles %.3f to %.3f%n",
        total[0] / 1e3 / reads / timed,
        total[1] / 1e3 / reads / timed,
        ratios.get(ratios.size() / 2),
        ratios.get(ratios.size() / 4),
        ratios.get(3 * ratios.size() / 4));
  }
}
