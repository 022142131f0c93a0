package dev.memo.bench;

import dev.memo.core.Memo;
import dev.memo.spi.Serde;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Two or more builds of memo side by side in one JVM, each in its own class loader, timed by the
 * thread's CPU time on one operation over the 1 MiB map of records: {@code read} or {@code write}
 * of a serde, or {@code hit} (through {@code Memo}, directory store, object tier off). Each round
 * times one operation of every build in turn; the first quarter of the rounds warms up. Printed:
 * each build's median and fastest time and the median (and quartiles) of the rounds' ratios of the
 * first build to it. Time spent descheduled does not count, so that same-code differences of a few
 * per cent show on a loaded machine; run with {@code -Xms4g -Xmx4g -XX:+AlwaysPreTouch}, or the
 * kernel's zeroing of the heap's fresh pages dominates (FINDINGS.md section 12).
 *
 * <p>Usage: {@code java -Xms4g -Xmx4g -XX:+AlwaysPreTouch -cp memo-bench/target/benchmarks.jar
 * dev.memo.bench.SerdePaired read|write|hit rounds label=jar:serde ...}, for example {@code before=
 * /tmp/before.jar:kryo after=memo-bench/target/benchmarks.jar:kryo java=/tmp/before.jar:java}. The
 * timed operation is this build's {@link Once}, defined in each build's loader, so an older jar
 * needs only {@code Payloads}, {@code Backends} and {@code RecordsHitBench}.
 *
 * <p>{@code -Dpaired.payload=KIND} times another payload: a {@link Payloads} kind of 1 MiB, or
 * {@code small} for the small call's result (an {@code ArrayList} of 10 Integers); {@code
 * -Dpaired.repeat=N} times N operations per round, for a payload that takes microseconds.
 */
public final class SerdePaired {
  private SerdePaired() {}

  /**
   * Runs the rounds and prints the figures.
   *
   * @param args the operation, the number of rounds, then {@code label=jar:serde} per build
   * @throws Exception if a build cannot be loaded or fails
   */
  public static void main(String[] args) throws Exception {
    String op = args[0];
    int rounds = Integer.parseInt(args[1]);
    int k = args.length - 2;
    String[] labels = new String[k];
    LongSupplier[] builds = new LongSupplier[k];
    byte[] once;
    try (InputStream in = SerdePaired.class.getResourceAsStream("SerdePaired$Once.class")) {
      once = in.readAllBytes();
    }
    for (int i = 0; i < k; i++) {
      String spec = args[i + 2];
      int eq = spec.indexOf('=');
      int colon = spec.lastIndexOf(':');
      labels[i] = spec.substring(0, eq);
      ClassLoader loader =
          new OnceLoader(Path.of(spec.substring(eq + 1, colon)).toUri().toURL(), once);
      Thread.currentThread().setContextClassLoader(loader);
      builds[i] =
          (LongSupplier)
              loader
                  .loadClass(Once.class.getName())
                  .getConstructor(String.class, String.class)
                  .newInstance(op, spec.substring(colon + 1));
    }
    long[][] t = new long[k][rounds];
    for (int r = -rounds / 4; r < rounds; r++) {
      for (int i = 0; i < k; i++) {
        long took = builds[i].getAsLong();
        if (r >= 0) {
          t[i][r] = took;
        }
      }
    }
    long[] first = t[0].clone();
    Arrays.sort(first);
    for (int i = 1; i < k; i++) {
      double[] ratio = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratio[r] = (double) t[0][r] / t[i][r];
      }
      Arrays.sort(ratio);
      long[] other = t[i].clone();
      Arrays.sort(other);
      System.out.printf(
          "%s: %s median %.3f ms, %s median %.3f ms, %s/%s median of rounds %.3f x (quartiles"
              + " %.3f .. %.3f); fastest %.3f, %.3f ms (%.3f x)%n",
          op,
          labels[0],
          first[rounds / 2] / 1e6,
          labels[i],
          other[rounds / 2] / 1e6,
          labels[0],
          labels[i],
          ratio[rounds / 2],
          ratio[rounds / 4],
          ratio[3 * rounds / 4],
          first[0] / 1e6,
          other[0] / 1e6,
          (double) first[0] / other[0]);
    }
  }

  /** A build's loader that defines {@link Once} from this build's bytes, in the build's package. */
  private static final class OnceLoader extends URLClassLoader {
    private final byte[] once;

    OnceLoader(URL jar, byte[] once) {
      super(new URL[] {jar}, ClassLoader.getPlatformClassLoader());
      this.once = once;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.equals(Once.class.getName())) {
        synchronized (getClassLoadingLock(name)) {
          Class<?> c = findLoadedClass(name);
          return c != null ? c : defineClass(name, once, 0, once.length);
        }
      }
      return super.loadClass(name, resolve);
    }
  }

  /** One timed operation of one build; loaded once per build. */
  public static final class Once implements LongSupplier {
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    final String op;
    final Serde serde;
    final Object payload;
    final byte[] bytes;
    final ByteArrayOutputStream out = new ByteArrayOutputStream(2 << 20);
    final Function<Integer, Map<?, ?>> hit;
    final int repeat;

    /** What the last operation returned, so that it is not optimized away. */
    public Object last;

    /**
     * @param op read, write or hit
     * @param serdeName the serde
     * @throws IOException if the serde or the store fails
     */
    public Once(String op, String serdeName) throws IOException {
      this.op = op;
      String kind = System.getProperty("paired.payload", "mapOfRecords");
      payload =
          kind.equals("small")
              ? Workloads.small(42, "some-string-argument", Workloads.ones())
              : Payloads.of(kind, 1 << 20);
      repeat = Integer.getInteger("paired.repeat", 1);
      serde = Backends.serde(serdeName);
      serde.write(payload, out);
      bytes = out.toByteArray();
      if (!payload.equals(serde.read(new ByteArrayInputStream(bytes)))) {
        throw new IllegalStateException(serdeName + " reads back another value");
      }
      if (op.equals("hit")) {
        Path dir = Files.createTempDirectory("memo-bench-paired");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        Memo memo =
            Memo.builder()
                .store("directory")
                .serde(serdeName)
                .config("memo.store.directory.path", dir.toString())
                .config("memo.object-tier.max-entries", "0")
                .build();
        hit = memo.function("records", RecordsHitBench::records);
        hit.apply(1 << 20);
      } else {
        hit = null;
      }
    }

    static void delete(Path dir) {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary directory left behind
      }
    }

    @Override
    public long getAsLong() {
      try {
        long start = THREADS.getCurrentThreadCpuTime();
        switch (op) {
          case "read":
            for (int i = 0; i < repeat; i++) {
              last = serde.read(new ByteArrayInputStream(bytes));
            }
            break;
          case "write":
            for (int i = 0; i < repeat; i++) {
              out.reset();
              serde.write(payload, out);
            }
            last = out;
            break;
          default:
            last = hit.apply(1 << 20);
        }
        return THREADS.getCurrentThreadCpuTime() - start;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
