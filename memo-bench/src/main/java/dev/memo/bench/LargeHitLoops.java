package dev.memo.bench;

import dev.memo.core.Memo;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@link Peers}' loops of hits of the 1 MiB {@code double[]} result with the object tier on, each
 * loop printed with its wall time and the calling thread's CPU time per call, and its start and end
 * as JVM uptime, to line up with a {@code -Xlog:gc*,safepoint:file=…:uptime,tags} log.
 *
 * <pre>
 * java [-Xmx512m] -Xlog:gc*,safepoint:file=gc.log:uptime,tags \
 *   -cp memo-bench/target/benchmarks.jar dev.memo.bench.LargeHitLoops [CALLS] [LOOPS]
 * </pre>
 */
public final class LargeHitLoops {
  private LargeHitLoops() {}

  /**
   * Warms with {@code CALLS} hits, then runs {@code LOOPS} loops of {@code CALLS} hits.
   *
   * @param args the calls per loop (500 unless given) and the loops (5 unless given)
   * @throws Exception if the store's folder cannot be made or removed
   */
  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int loops = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    Path work = Files.createTempDirectory("memo-large-hit");
    long sink = 0;
    try (Memo memo =
        Memo.builder()
            .store("directory")
            .config("memo.store.directory.path", work.toString())
            .build()) {
      var result = memo.function("arr_result", Workloads::arrResult);
      for (int i = 0; i < calls; i++) {
        sink += result.apply(Workloads.DOUBLES).length;
      }
      double fastest = Double.MAX_VALUE;
      double slowest = 0;
      for (int r = 0; r < loops; r++) {
        long startUptime = runtime.getUptime();
        long cpu = threads.getCurrentThreadCpuTime();
        long t = System.nanoTime();
        for (int i = 0; i < calls; i++) {
          sink += result.apply(Workloads.DOUBLES).length;
        }
        double wall = (System.nanoTime() - t) / 1e3 / calls;
        double onCpu = (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / calls;
        fastest = Math.min(fastest, wall);
        slowest = Math.max(slowest, wall);
        System.out.printf(
            Locale.ROOT,
            "loop %d: %.1f us/call wall, %.1f us/call on CPU, uptime %d to %d ms%n",
            r,
            wall,
            onCpu,
            startUptime,
            runtime.getUptime());
      }
      System.out.printf(
          Locale.ROOT,
          "fastest %.1f, slowest %.1f us/call (slowest / fastest %.2f); %d%n",
          fastest,
          slowest,
          slowest / fastest,
          sink);
    } finally {
      try (Stream<Path> all = Files.walk(work)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
