package dev.memo.bench;

import dev.memo.MemoConfig;
import dev.memo.core.Memo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * memo side by side with joblib and diskcache: the workloads of {@code
 * shared/peers/joblib_bench.py} through memo's public API as a user writes it ({@code
 * Memo.builder()} on a fresh temporary directory store, otherwise the default configuration),
 * warmed with as many calls as are timed, printing the script's lines with {@code memo} in place of
 * the peer's name. Also times new processes from start to the first hit printed. Not JMH: a user's
 * loop, timed as the script times its own. {@code memo-bench/peers} runs it with the Python script
 * and writes the table.
 *
 * <pre>
 * java -cp memo-bench/target/benchmarks.jar dev.memo.bench.Peers [--smoke]
 *     [--python /usr/bin/python3] [--peers FILE] [--results RESULTS.md] [--command TEXT]
 *     [--peer-versions TEXT]
 * </pre>
 *
 * <p>Not thread-safe; one run per JVM.
 */
public final class Peers {
  /** The flags Chronicle Map needs on Java 17 and later, as the README lists them. */
  static final List<String> CHRONICLE_FLAGS =
      List.of(
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED");

  /** What the small call returns last: 42 * 9. */
  private static final String SMALL_LAST = "378";

  /** joblib's side of "new process: start → first hit printed", the small call of the script. */
  private static final String JOBLIB_FIRST_HIT =
      String.join(
          "\n",
          "import sys, joblib",
          "def small(x, s, v):",
          "    print('computed')",
          "    return [x * i for i in range(10)]",
          "r = joblib.Memory(sys.argv[1], verbose=0).cache(small)(42, 'some-string-argument', [1.0] * 8)",
          "print(r[9])",
          "");

  private static volatile long sink;

  /** How many calls each figure times (and warms with), and how many new processes it starts. */
  private record Counts(
      int hitSmall,
      int hitSmallOff,
      int hitList,
      int hitListOff,
      int hitArray,
      int hitArg,
      int miss,
      int loops,
      int processes) {}

  // A tier hit of the large list hands out the tier's unmodifiable form (no walk), so it is timed
  // over as many calls as the small hit: 200 calls measured the JIT's warm-up, not the hit.
  private static final Counts FULL = new Counts(20_000, 5_000, 20_000, 100, 500, 300, 2_000, 5, 7);
  private static final Counts SMOKE = new Counts(3, 3, 2, 2, 2, 2, 3, 5, 1);

  private final Counts counts;
  private final Path work;
  private final Map<String, Double> figures = new LinkedHashMap<>();

  /** Per timed figure: the process's minor page faults and this thread's bytes, per call. */
  private final Map<String, double[]> perCall = new LinkedHashMap<>();

  private double lastFaults;
  private double lastBytes;
  private String serde = "none";

  private Peers(Counts counts, Path work) {
    this.counts = counts;
    this.work = work;
  }

  /**
   * Runs memo's side, prints one line per figure, and with {@code --results} writes the section
   * "Against joblib and diskcache" of that file, leaving the rest of it as it was.
   *
   * @param args see the class comment
   * @throws Exception if a run fails or a child process does not behave
   */
  public static void main(String[] args) throws Exception {
    boolean smoke = false;
    Path python = null;
    Path peersFile = null;
    Path results = null;
    String command = "memo-bench/peers";
    String peerVersions = "";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> smoke = true;
        case "--python" -> python = Path.of(args[++i]);
        case "--peers" -> peersFile = Path.of(args[++i]);
        case "--results" -> results = Path.of(args[++i]);
        case "--command" -> command = args[++i];
        case "--peer-versions" -> peerVersions = args[++i];
        default ->
            throw new IllegalArgumentException(
                "unknown argument \""
                    + args[i]
                    + "\"; use --smoke, --python PATH, --peers FILE, --results FILE, --command TEXT,"
                    + " --peer-versions TEXT");
      }
    }
    String loadBefore = loadAverage();
    Path work = Files.createTempDirectory("memo-peers");
    try {
      Peers p = new Peers(smoke ? SMOKE : FULL, work);
      p.runInProcess();
      p.runNewProcesses(python);
      String loadAfter = loadAverage();
      if (results != null) {
        Map<String, Map<String, Double>> peers =
            peersFile == null
                ? Map.of()
                : parsePeers(Files.readAllLines(peersFile, StandardCharsets.UTF_8));
        String previous =
            Files.exists(results) ? Files.readString(results, StandardCharsets.UTF_8) : "";
        String section = p.section(peers, command, peerVersions, loadBefore, loadAfter);
        Files.writeString(results, PeersSection.replace(previous, section), StandardCharsets.UTF_8);
        System.out.println(
            "wrote the section \"" + PeersSection.HEADING.substring(3) + "\" of " + results);
      }
    } finally {
      deleteTree(work);
    }
  }

  // ---------------------------------------------------------------- in process

  private Memo memo(String folder, Map<String, String> config) {
    // memo-store-chronicle is on this class path and outranks the directory store: name it.
    var b =
        Memo.builder()
            .store("directory")
            .config("memo.store.directory.path", work.resolve(folder).toString());
    config.forEach(b::config);
    return b.build();
  }

  private void runInProcess() {
    double[] ones = Workloads.ones();
    try (Memo on = memo("tier-on", Map.of());
        Memo off = memo("tier-off", Map.of(MemoConfig.OBJECT_TIER_MAX_ENTRIES, "0"));
        Memo xxh = memo("xxh3", Map.of(MemoConfig.SIGNER, "xxh3-128"))) {
      serde = on.serdeName().orElse("none");
      System.out.println(
          "memo: "
              + on
              + " (tier on), "
              + off
              + " (tier off, "
              + MemoConfig.OBJECT_TIER_MAX_ENTRIES
              + "=0), class path of memo-bench");
      var smallOn = on.triFunction("small", Workloads::small);
      var smallOff = off.triFunction("small", Workloads::small);
      var bigOn = on.function("big", Workloads::big);
      var bigOff = off.function("big", Workloads::big);
      var arrOn = on.function("arr_result", Workloads::arrResult);
      var arrOff = off.function("arr_result", Workloads::arrResult);
      var argSha = on.function("arr_arg", Workloads::arrArg);
      var argXxh = xxh.function("arr_arg", Workloads::arrArg);
      double[] array = Workloads.array();

      print(
          "hit small",
          time(
              () -> smallOn.apply(42, "some-string-argument", ones),
              l -> l.size(),
              counts.hitSmall()));
      print(
          "hit small, tier off",
          time(
              () -> smallOff.apply(42, "some-string-argument", ones),
              l -> l.size(),
              counts.hitSmallOff()));
      print("hit 1MB", time(() -> bigOn.apply(Workloads.BIG), l -> l.size(), counts.hitList()));
      print(
          "hit 1MB, tier off",
          time(() -> bigOff.apply(Workloads.BIG), l -> l.size(), counts.hitListOff()));
      int[] next = {1_000_000};
      print(
          "miss small",
          time(
              () -> smallOn.apply(next[0]++, "s", Workloads.ones()), l -> l.size(), counts.miss()));
      loops("hit 1MiB float64 result", () -> arrOn.apply(Workloads.DOUBLES), counts.hitArray());
      loops(
          "hit 1MiB float64 result, tier off",
          () -> arrOff.apply(Workloads.DOUBLES),
          counts.hitArray());
      print(
          "hit with 1MiB float64 arg",
          time(() -> argSha.apply(array), d -> d.intValue(), counts.hitArg()));
      print(
          "hit with 1MiB float64 arg, xxh3-128",
          time(() -> argXxh.apply(array), d -> d.intValue(), counts.hitArg()));
      check(smallOn.apply(42, "some-string-argument", ones).get(9) == 378, "small");
      check(bigOff.apply(Workloads.BIG).size() == Workloads.BIG, "big");
      check(Arrays.equals(arrOff.apply(Workloads.DOUBLES), array), "arr_result");
      check(argXxh.apply(array) == array[0], "arr_arg");
      long hits = on.stats().hitCount();
      check(hits > 0, "hits of the tier-on memoizer");
    }
  }

  /**
   * Times {@code n} calls after {@code n} untimed ones; microseconds per call. Also keeps the timed
   * calls' minor page faults and the bytes they allocated on this thread, per call, for {@link
   * #print}.
   */
  private <R> double time(Supplier<R> call, Function<R, Integer> use, int n) {
    long s = 0;
    for (int i = 0; i < n; i++) {
      s += use.apply(call.get());
    }
    long faults = ProcessCounters.minorFaults();
    long bytes = ProcessCounters.allocatedByThisThread();
    long t = System.nanoTime();
    for (int i = 0; i < n; i++) {
      s += use.apply(call.get());
    }
    long elapsed = System.nanoTime() - t;
    lastFaults = (ProcessCounters.minorFaults() - faults) / (double) n;
    lastBytes = (ProcessCounters.allocatedByThisThread() - bytes) / (double) n;
    sink += s;
    return elapsed / 1e3 / n;
  }

  /** One warm-up of {@code n} calls, then {@code loops} timed loops; prints median and spread. */
  private void loops(String name, Supplier<double[]> call, int n) {
    time(call, a -> a.length, n);
    double[] each = new double[counts.loops()];
    StringBuilder byLoop = new StringBuilder();
    long allFaults = ProcessCounters.minorFaults();
    long allBytes = ProcessCounters.allocatedByThisThread();
    for (int i = 0; i < each.length; i++) {
      long faults = ProcessCounters.minorFaults();
      long t = System.nanoTime();
      long s = 0;
      for (int j = 0; j < n; j++) {
        s += call.get().length;
      }
      each[i] = (System.nanoTime() - t) / 1e3 / n;
      sink += s;
      byLoop
          .append(i == 0 ? "" : ", ")
          .append(
              String.format(
                  Locale.ROOT,
                  "%.1f µs (%.1f faults)",
                  each[i],
                  (ProcessCounters.minorFaults() - faults) / (double) n));
    }
    lastFaults = (ProcessCounters.minorFaults() - allFaults) / (double) (n * each.length);
    lastBytes = (ProcessCounters.allocatedByThisThread() - allBytes) / (double) (n * each.length);
    System.out.println("memo " + name + ", loops in the order run, per call: " + byLoop);
    Arrays.sort(each);
    print(name, each[each.length / 2]);
    figures.put(name + " fastest loop", each[0]);
    figures.put(name + " slowest loop", each[each.length - 1]);
    System.out.printf(
        Locale.ROOT,
        "memo %s, %d loops: fastest %.1f, slowest %.1f us/call" + " (slowest / fastest %.2f)%n",
        name,
        each.length,
        each[0],
        each[each.length - 1],
        each[each.length - 1] / each[0]);
  }

  private void print(String name, double microseconds) {
    figures.put(name, microseconds);
    perCall.put(name, new double[] {lastFaults, lastBytes});
    System.out.printf(
        Locale.ROOT,
        "memo %s: %.1f us/call (%.1f minor page faults and %.0f bytes allocated per call)%n",
        name,
        microseconds,
        lastFaults,
        lastBytes);
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("wrong result from " + what);
    }
  }

  // ---------------------------------------------------------------- new processes

  private void runNewProcesses(Path python) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("java.class.path");
    List<String> hello = List.of(java, "-cp", classPath, Hello.class.getName());
    newProcess("bare JVM hello", hello, "hello", false);
    List<String> directory =
        List.of(
            java,
            "-Dmemo.store=directory",
            "-Dmemo.store.directory.path=" + work.resolve("process-directory"),
            "-cp",
            classPath,
            FirstHit.class.getName());
    newProcess("new process to first hit, directory", directory, SMALL_LAST, true);
    List<String> chronicle = new ArrayList<>(List.of(java));
    chronicle.addAll(CHRONICLE_FLAGS);
    chronicle.addAll(
        List.of(
            "-Dmemo.store=chronicle",
            "-Dmemo.store.chronicle.path=" + work.resolve("process-chronicle"),
            "-cp",
            classPath,
            FirstHit.class.getName()));
    newProcess("new process to first hit, chronicle", chronicle, SMALL_LAST, true);
    if (python != null) {
      newProcess(
          "python hello", List.of(python.toString(), "-c", "print('hello')"), "hello", false);
      Path script = work.resolve("joblib_first_hit.py");
      Files.writeString(script, JOBLIB_FIRST_HIT, StandardCharsets.UTF_8);
      newProcess(
          "joblib new process to first hit",
          List.of(python.toString(), script.toString(), work.resolve("process-joblib").toString()),
          SMALL_LAST,
          false);
    }
  }

  /**
   * Starts a command once to prime its store, then {@code processes} times, timing each from start
   * to its first line on standard output; prints the median in milliseconds.
   */
  private void newProcess(String name, List<String> command, String firstLine, boolean memoChild)
      throws IOException, InterruptedException {
    start(command, null, false);
    double[] ms = new double[counts.processes()];
    int stderrLines = 0;
    for (int i = 0; i < ms.length; i++) {
      Path err = work.resolve("stderr.txt");
      List<String> out = new ArrayList<>();
      ms[i] = start(command, err, true, out) / 1e6;
      if (!out.get(0).equals(firstLine) || (memoChild && !out.get(1).equals("hit"))) {
        throw new IllegalStateException(
            name
                + ": expected a hit printing "
                + firstLine
                + ", the child printed "
                + out
                + " and on standard error:\n"
                + Files.readString(err));
      }
      stderrLines = (int) Files.readAllLines(err).stream().filter(l -> !l.isBlank()).count();
    }
    Arrays.sort(ms);
    figures.put(name, ms[ms.length / 2]);
    figures.put(name + " stderr lines", (double) stderrLines);
    System.out.printf(
        Locale.ROOT,
        "%s%s: %.1f ms (median of %d, %.1f to %.1f), %d lines on" + " standard error%n",
        memoChild ? "memo " : "",
        name,
        ms[ms.length / 2],
        ms.length,
        ms[0],
        ms[ms.length - 1],
        stderrLines);
  }

  private static long start(List<String> command, Path err, boolean check)
      throws IOException, InterruptedException {
    return start(command, err, check, new ArrayList<>());
  }

  /** Runs a command; returns nanoseconds from start to its first line on standard output. */
  private static long start(List<String> command, Path err, boolean check, List<String> out)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectError(
        err == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(err.toFile()));
    long t = System.nanoTime();
    Process p = pb.start();
    long first = -1;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (first < 0) {
          first = System.nanoTime() - t;
        }
        out.add(line);
      }
    }
    int exit = p.waitFor();
    if (exit != 0 || first < 0) {
      throw new IllegalStateException(
          String.join(" ", command)
              + " exited with "
              + exit
              + " after printing "
              + out
              + (err == null ? "" : "; standard error: " + Files.readString(err)));
    }
    return first;
  }

  // ---------------------------------------------------------------- report

  /** Reads lines {@code "joblib hit small: 121.0 us/call"} into peer → case → microseconds. */
  static Map<String, Map<String, Double>> parsePeers(List<String> lines) {
    Map<String, Map<String, Double>> peers = new LinkedHashMap<>();
    for (String line : lines) {
      int colon = line.lastIndexOf(": ");
      int space = line.indexOf(' ');
      if (colon < 0 || space < 0 || space > colon || !line.endsWith(" us/call")) {
        continue;
      }
      String value = line.substring(colon + 2, line.length() - " us/call".length());
      peers
          .computeIfAbsent(line.substring(0, space), k -> new LinkedHashMap<>())
          .put(line.substring(space + 1, colon), Double.parseDouble(value));
    }
    return peers;
  }

  private String section(
      Map<String, Map<String, Double>> peers,
      String command,
      String peerVersions,
      String loadBefore,
      String loadAfter) {
    Map<String, Double> joblib = peers.getOrDefault("joblib", Map.of());
    Map<String, Double> diskcache = peers.getOrDefault("diskcache", Map.of());
    StringBuilder md = new StringBuilder();
    md.append(PeersSection.HEADING).append("\n\n");
    md.append("Generated by `")
        .append(command)
        .append("` on ")
        .append(LocalDate.now(ZoneOffset.UTC))
        .append(": memo's side is `dev.memo.bench.Peers` (a plain `main`, not JMH), joblib's and")
        .append(" diskcache's is `shared/peers/joblib_bench.py`")
        .append(peerVersions.isBlank() ? "" : " (" + peerVersions + ")")
        .append(", in the same run on the same machine. memo is used as a user writes it:")
        .append(" `Memo.builder()` with the directory store in a fresh temporary folder (named,")
        .append(" since memo-store-chronicle on memo-bench's class path would outrank it),")
        .append(" otherwise the default configuration; memo-bench's class path makes the serde `")
        .append(serde)
        .append("` and the signer `sha256`. Tier off is ")
        .append("`memo.object-tier.max-entries=0`. memo is warmed with as many calls as it times;")
        .append(" the Python script warms with one call. Ratio = memo / peer, time per call;")
        .append(" below 1 memo is faster.\n\n");
    md.append("- machine: ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.arch"))
        .append(", ")
        .append(System.getProperty("java.vm.name"))
        .append(' ')
        .append(System.getProperty("java.runtime.version"))
        .append("; load average (1, 5, 15 min) ")
        .append(loadBefore)
        .append(" at the start, ")
        .append(loadAfter)
        .append(" at the end. The machine is shared and was busy with other")
        .append(" builds: absolute times are inflated and noisy; ratios from one run hold")
        .append(" better.\n\n");
    md.append("| workload | memo, tier on | memo, tier off | joblib | diskcache |")
        .append(" memo / joblib (on; off) | memo / diskcache (on; off) |\n")
        .append("|---|---|---|---|---|---|---|\n");
    row(
        md,
        "hit, small call (int, String, double[8]) → 10-element list",
        "hit small",
        "hit small, tier off",
        joblib.get("hit small"),
        diskcache.get("hit small"));
    row(
        md,
        "hit, 1 MiB double[] result (median of " + counts.loops() + " loops)",
        "hit 1MiB float64 result",
        "hit 1MiB float64 result, tier off",
        joblib.get("hit 1MiB float64 result"),
        diskcache.get("hit 1MiB float64 result"));
    md.append("| … slowest / fastest of the ")
        .append(counts.loops())
        .append(" loops | ")
        .append(spread("hit 1MiB float64 result"))
        .append(" | ")
        .append(spread("hit 1MiB float64 result, tier off"))
        .append(" | – | – | – | – |\n");
    row(
        md,
        "hit, 125 000-element List<Integer> (joblib_bench's \"1MB\")",
        "hit 1MB",
        "hit 1MB, tier off",
        joblib.get("hit 1MB"),
        diskcache.get("hit 1MB"));
    row(
        md,
        "hit with a 1 MiB double[] argument, sha256",
        "hit with 1MiB float64 arg",
        null,
        joblib.get("hit with 1MiB float64 arg"),
        null);
    row(
        md,
        "hit with a 1 MiB double[] argument, xxh3-128",
        "hit with 1MiB float64 arg, xxh3-128",
        null,
        joblib.get("hit with 1MiB float64 arg"),
        null);
    row(
        md,
        "miss, small call",
        "miss small",
        null,
        joblib.get("miss small"),
        diskcache.get("miss small"));
    processRow(
        md,
        "new process: start → first hit printed, directory store",
        "new process to first hit, directory");
    processRow(
        md,
        "new process: start → first hit printed, chronicle store",
        "new process to first hit, chronicle");
    md.append("| new process: bare JVM / bare Python printing hello | ")
        .append(ms(figures.get("bare JVM hello")))
        .append(" | – | ")
        .append(ms(figures.get("python hello")))
        .append(" | – | ")
        .append(ratio(figures.get("bare JVM hello"), figures.get("python hello")))
        .append(" | – |\n\n");
    md.append("Fresh memory: the process's minor page faults (a page's first touch; on this")
        .append(" virtual machine tens of microseconds each while the heap grows, so a figure")
        .append(" timed before the heap stopped growing is mostly faults) and the bytes the")
        .append(" calling thread allocated, per timed call:\n\n")
        .append("| figure | minor page faults per call | bytes allocated per call |\n")
        .append("|---|---|---|\n");
    for (Map.Entry<String, double[]> e : perCall.entrySet()) {
      md.append(
          String.format(
              Locale.ROOT, "| %s | %.1f | %.0f |%n", e.getKey(), e.getValue()[0], e.getValue()[1]));
    }
    md.append('\n');
    md.append("A new process is timed from its start to its first line on standard output, by the")
        .append(" parent, median of ")
        .append(counts.processes())
        .append(" runs on a store a")
        .append(" previous process primed; the child is `java -cp <memo-bench's class path>")
        .append(" dev.memo.bench.FirstHit` with `-Dmemo.store=…` and the store's path (the")
        .append(" chronicle store also with the README's five JVM flags), and for joblib a script")
        .append(" that memoizes `small` with `joblib.Memory`. Standard error of the last run:")
        .append(" directory ")
        .append(lines("new process to first hit, directory"))
        .append(", chronicle ")
        .append(lines("new process to first hit, chronicle"))
        .append(" lines.\n\n");
    md.append("| target | measured | met |\n|---|---|---|\n");
    Double miss = figures.get("miss small");
    target(md, "miss, small call ≤ 100 µs", miss, 100.0, "µs");
    Double joblibMiss = joblib.get("miss small");
    target(
        md,
        "miss, small call ≤ joblib's / 4" + peerTime("joblib", joblibMiss),
        miss,
        joblibMiss == null ? null : joblibMiss / 4,
        "µs");
    Double diskcacheMiss = diskcache.get("miss small");
    target(
        md,
        "miss, small call ≤ diskcache's / 2" + peerTime("diskcache", diskcacheMiss),
        miss,
        diskcacheMiss == null ? null : diskcacheMiss / 2,
        "µs");
    Double dc = diskcache.get("hit 1MiB float64 result");
    for (String tier : new String[] {"", ", tier off"}) {
      String name = "hit 1MiB float64 result" + tier;
      target(
          md,
          "hit of a 1 MiB double[]" + tier + " ≤ diskcache's time" + peerTime("diskcache", dc),
          figures.get(name),
          dc,
          "µs");
      Double fastest = figures.get(name + " fastest loop");
      target(
          md,
          "… slowest of " + counts.loops() + " loops ≤ 2 × the fastest" + tier,
          figures.get(name + " slowest loop"),
          fastest == null ? null : 2 * fastest,
          "µs");
    }
    target(md, "tier hit of a 125 000-element list ≤ 5 µs", figures.get("hit 1MB"), 5.0, "µs");
    target(
        md,
        "new process to first hit ≤ 200 ms, directory",
        figures.get("new process to first hit, directory"),
        200.0,
        "ms");
    Double joblibProcess = figures.get("joblib new process to first hit");
    target(
        md,
        "new process to first hit ≤ joblib's / 2, directory"
            + (joblibProcess == null
                ? ""
                : String.format(Locale.ROOT, " (joblib: %.0f ms)", joblibProcess)),
        figures.get("new process to first hit, directory"),
        joblibProcess == null ? null : joblibProcess / 2,
        "ms");
    target(
        md,
        "new process to first hit ≤ 400 ms, chronicle",
        figures.get("new process to first hit, chronicle"),
        400.0,
        "ms");
    return md.toString();
  }

  private void row(
      StringBuilder md, String label, String on, String off, Double joblib, Double diskcache) {
    Double m = figures.get(on);
    Double mOff = off == null ? null : figures.get(off);
    md.append("| ")
        .append(label)
        .append(" | ")
        .append(us(m))
        .append(" | ")
        .append(us(mOff))
        .append(" | ")
        .append(us(joblib))
        .append(" | ")
        .append(us(diskcache))
        .append(" | ")
        .append(ratios(m, mOff, joblib))
        .append(" | ")
        .append(ratios(m, mOff, diskcache))
        .append(" |\n");
  }

  private void processRow(StringBuilder md, String label, String name) {
    boolean directory = name.endsWith("directory");
    Double m = figures.get(name);
    Double joblib = directory ? figures.get("joblib new process to first hit") : null;
    md.append("| ")
        .append(label)
        .append(" | ")
        .append(ms(m))
        .append(" (")
        .append(ratio(m, figures.get("bare JVM hello")))
        .append(" × bare JVM) | – | ")
        .append(ms(joblib))
        .append(" | – | ")
        .append(ratio(m, joblib))
        .append(" | – |\n");
  }

  private static String peerTime(String peer, Double time) {
    return time == null ? "" : String.format(Locale.ROOT, " (%s: %.1f µs)", peer, time);
  }

  private String spread(String name) {
    Double fast = figures.get(name + " fastest loop");
    Double slow = figures.get(name + " slowest loop");
    return fast == null
        ? "–"
        : String.format(Locale.ROOT, "%.2f (%.1f to %.1f µs)", slow / fast, fast, slow);
  }

  private String lines(String name) {
    Double n = figures.get(name + " stderr lines");
    return n == null ? "–" : String.valueOf(n.intValue());
  }

  private static void target(
      StringBuilder md, String label, Double measured, Double limit, String unit) {
    md.append("| ")
        .append(label)
        .append(" | ")
        .append(
            measured == null
                ? "not measured"
                : String.format(Locale.ROOT, "%.1f %s", measured, unit))
        .append(" | ")
        .append(measured == null || limit == null ? "—" : measured <= limit ? "yes" : "**no**")
        .append(" |\n");
  }

  private static String us(Double v) {
    if (v == null) {
      return "–";
    }
    return v >= 1000
        ? String.format(Locale.ROOT, "%.2f ms", v / 1000)
        : String.format(Locale.ROOT, "%.1f µs", v);
  }

  private static String ms(Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%.0f ms", v);
  }

  private static String ratio(Double memo, Double peer) {
    return memo == null || peer == null ? "–" : String.format(Locale.ROOT, "%.2f", memo / peer);
  }

  private static String ratios(Double on, Double off, Double peer) {
    if (peer == null) {
      return "–";
    }
    return ratio(on, peer) + (off == null ? "" : "; " + ratio(off, peer));
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
