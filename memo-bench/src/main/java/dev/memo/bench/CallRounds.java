package dev.memo.bench;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import dev.memo.MemoConfig;
import dev.memo.core.Memo;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@link Peers}' small call in rounds from a new JVM, each round printed with what a call costs and
 * what it allocates: wall time, the calling thread's CPU time, the process's CPU time (the writer
 * thread, the compilers and the collector included), the process's minor page faults, and the bytes
 * allocated by the calling thread and by all threads. On a virtual machine where the first touch of
 * a page is expensive, a call's cost while the heap grows follows its allocation.
 *
 * <pre>
 * java -cp memo-bench/target/benchmarks.jar dev.memo.bench.CallRounds MODE [ROUNDS] [CALLS]
 * </pre>
 *
 * MODE is {@code miss} (a new first argument at every call, object tier on), {@code hit} (the same
 * call, tier on), {@code hit-off} (the same call, {@code memo.object-tier.max-entries=0}) or {@code
 * miss-arg} (Peers' function of a 1 MiB {@code double[]} argument, one element changed at every
 * call, so every call misses); 6 rounds of 2 000 calls unless given. The store is a directory store
 * in a new temporary folder.
 */
public final class CallRounds {
  private CallRounds() {}

  private static volatile long sink;

  /**
   * Runs the rounds and prints one line per round.
   *
   * @param args the mode, then optionally the rounds and the calls per round
   * @throws IOException if the store's folder cannot be made or removed
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1 || !List.of("miss", "hit", "hit-off", "miss-arg").contains(args[0])) {
      throw new IllegalArgumentException(
          "usage: CallRounds miss|hit|hit-off|miss-arg [ROUNDS] [CALLS], not " + List.of(args));
    }
    String mode = args[0];
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    int calls = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Path work = Files.createTempDirectory("memo-call-rounds");
    double[] ones = Workloads.ones();
    var b =
        Memo.builder()
            .store("directory")
            .config("memo.store.directory.path", work.resolve("store").toString());
    if (mode.equals("hit-off")) {
      b.config(MemoConfig.OBJECT_TIER_MAX_ENTRIES, "0");
    }
    try (Memo memo = b.build()) {
      var small = memo.triFunction("small", Workloads::small);
      var arrArg = memo.function("arr_arg", Workloads::arrArg);
      double[] array = Workloads.array();
      int next = 1_000_000;
      System.out.println("CallRounds " + mode + ": " + memo + ", " + calls + " calls per round");
      for (int r = 0; r < rounds; r++) {
        long faults = ProcessCounters.minorFaults();
        long mine = threads.getCurrentThreadAllocatedBytes();
        long all = ProcessCounters.allocatedByAllThreads();
        long cpu = threads.getCurrentThreadCpuTime();
        long process = os.getProcessCpuTime();
        long start = System.nanoTime();
        long s = 0;
        for (int i = 0; i < calls; i++) {
          if (mode.equals("miss-arg")) {
            array[1] = next++;
            s += arrArg.apply(array).intValue();
            continue;
          }
          int x = mode.equals("miss") ? next++ : 42;
          s += small.apply(x, "some-string-argument", ones).size();
        }
        long wall = System.nanoTime() - start;
        sink += s;
        System.out.printf(
            Locale.ROOT,
            "round %d: wall %.1f µs/call, caller CPU %.1f, process CPU %.1f, minor faults %.1f,"
                + " allocated %d B/call by the caller, %d B/call by all threads%n",
            r,
            wall / 1e3 / calls,
            (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / calls,
            (os.getProcessCpuTime() - process) / 1e3 / calls,
            (ProcessCounters.minorFaults() - faults) / (double) calls,
            (threads.getCurrentThreadAllocatedBytes() - mine) / calls,
            (ProcessCounters.allocatedByAllThreads() - all) / calls);
      }
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
