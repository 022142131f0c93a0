package dev.memo.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks in a profile and writes the JMH JSON and {@code RESULTS.md}: one table per
 * benchmark class with memo's figure, the baseline's, and their ratio.
 *
 * <pre>
 * java -jar memo-bench/target/benchmarks.jar [--profile smoke|quick|full] [--out DIR]
 * </pre>
 */
public final class Run {
  private Run() {}

  /** What one profile runs: per benchmark class, the parameters to use. */
  private record Profile(
      String name, int forks, int warmups, TimeValue warmupTime, int iterations,
      TimeValue iterationTime, Map<Class<?>, Map<String, String[]>> params) {}

  private static Profile profile(String name) {
    Map<Class<?>, Map<String, String[]>> p = new LinkedHashMap<>();
    switch (name) {
      case "smoke":
        p.put(SigningBench.class, Map.of("size", a("16")));
        p.put(CallSigningBench.class, Map.of());
        p.put(CodeSignatureBench.class, Map.of());
        p.put(SerdeBench.class, Map.of("size", a("100")));
        p.put(StoreBench.class, Map.of("size", a("100"), "entries", a("1000")));
        p.put(CallBench.class, Map.of());
        return new Profile(name, 1, 0, TimeValue.milliseconds(100), 1,
            TimeValue.milliseconds(100), p);
      case "quick":
        p.put(SigningBench.class, Map.of("size", a("64", "1048576")));
        p.put(CallSigningBench.class, Map.of());
        p.put(CodeSignatureBench.class, Map.of());
        p.put(SerdeBench.class, Map.of(
            "kind", a("doubles", "mapOfRecords", "text"), "size", a("1024", "1048576")));
        p.put(StoreBench.class, Map.of("size", a("100", "4096", "1048576")));
        p.put(CallBench.class, Map.of());
        return new Profile(name, 1, 1, TimeValue.seconds(1), 2, TimeValue.seconds(1), p);
      case "full":
        p.put(SigningBench.class, Map.of());
        p.put(CallSigningBench.class, Map.of());
        p.put(CodeSignatureBench.class, Map.of());
        p.put(SerdeBench.class, Map.of());
        p.put(StoreBench.class, Map.of("entries", a("1000", "1000000")));
        p.put(CallBench.class, Map.of());
        return new Profile(name, 2, 3, TimeValue.seconds(2), 5, TimeValue.seconds(2), p);
      default:
        throw new IllegalArgumentException(
            "unknown profile \"" + name + "\"; use smoke, quick or full");
    }
  }

  private static String[] a(String... values) {
    return values;
  }

  /**
   * Runs a profile.
   *
   * @param args {@code --profile NAME} (default quick) and {@code --out DIR} (default the working
   *     directory)
   * @throws Exception if a benchmark fails
   */
  public static void main(String[] args) throws Exception {
    String profileName = "quick";
    Path out = Path.of(".");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--profile" -> profileName = args[++i];
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException(
            "unknown argument \"" + args[i] + "\"; use --profile smoke|quick|full and --out DIR");
      }
    }
    Profile profile = profile(profileName);
    Files.createDirectories(out);
    List<RunResult> results = new ArrayList<>();
    for (Map.Entry<Class<?>, Map<String, String[]>> e : profile.params().entrySet()) {
      results.addAll(run(profile, e.getKey(), e.getValue(), out));
    }
    String report = report(profile, results);
    Files.writeString(out.resolve("RESULTS.md"), report, StandardCharsets.UTF_8);
    System.out.println("wrote " + out.resolve("RESULTS.md"));
  }

  private static Collection<RunResult> run(
      Profile p, Class<?> bench, Map<String, String[]> params, Path out) throws RunnerException {
    // A single-shot benchmark measures one cold call per JVM: more forks instead of iterations.
    boolean singleShot = bench == CodeSignatureBench.class;
    ChainedOptionsBuilder o = new OptionsBuilder()
        .include(bench.getName() + "\\.")
        .forks(singleShot ? p.forks() * (p.name().equals("smoke") ? 1 : 10) : p.forks())
        .warmupIterations(singleShot ? 0 : p.warmups())
        .warmupTime(p.warmupTime())
        .measurementIterations(singleShot ? 1 : p.iterations())
        .measurementTime(p.iterationTime())
        .jvmArgsAppend("-Xmx4g")
        .resultFormat(ResultFormatType.JSON)
        .result(out.resolve("results-" + p.name() + "-" + bench.getSimpleName() + ".json").toString());
    params.forEach(o::param);
    return new Runner(o.build()).run();
  }

  // ---------------------------------------------------------------- report

  private static String report(Profile profile, List<RunResult> results) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# memo-bench results\n\n");
    md.append("Generated by `memo-bench/run ").append(profile.name()).append("` on ")
        .append(LocalDate.now(ZoneOffset.UTC)).append(". Each memo figure is paired with a baseline")
        .append(" measured in the same run; ratio = memo / baseline (time per operation, lower is")
        .append(" better for memo; 1.00 means no overhead).\n\n");
    md.append("- machine: ").append(cpu()).append(", ")
        .append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
        .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
        .append("\n- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
        .append(System.getProperty("java.runtime.version"))
        .append("\n- JMH: forks ").append(profile.forks()).append(", warmup ")
        .append(profile.warmups()).append(" x ").append(profile.warmupTime())
        .append(", measurement ").append(profile.iterations()).append(" x ")
        .append(profile.iterationTime()).append(", heap -Xmx4g")
        .append("\n- command: `memo-bench/run ").append(profile.name()).append("` (JSON beside this file)\n\n");
    md.append("The machine is shared and noisy: read ratios, not absolute times, and distrust a ratio")
        .append(" whose error bars overlap 1.0.\n\n");

    Map<String, List<RunResult>> byClass = new LinkedHashMap<>();
    for (RunResult r : results) {
      String bench = r.getParams().getBenchmark();
      String cls = bench.substring(0, bench.lastIndexOf('.'));
      byClass.computeIfAbsent(cls, k -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<String, List<RunResult>> e : byClass.entrySet()) {
      table(md, e.getKey().substring(e.getKey().lastIndexOf('.') + 1), e.getValue());
    }
    return md.toString();
  }

  private static void table(StringBuilder md, String cls, List<RunResult> rs) throws IOException {
    List<String> keys = new ArrayList<>(new TreeSet<>(rs.get(0).getParams().getParamsKeys()));
    md.append("## ").append(cls).append("\n\n");
    md.append(DESCRIPTIONS.getOrDefault(cls, "")).append("\n\n");
    md.append("| operation | ").append(String.join(" | ", keys))
        .append(" | memo | baseline | ratio |").append(cls.equals("SerdeBench") ? " bytes memo / baseline |" : "")
        .append("\n|---|").append("---|".repeat(keys.size())).append("---|---|---|")
        .append(cls.equals("SerdeBench") ? "---|" : "").append("\n");
    for (RunResult r : rs) {
      String method = method(r);
      if (method.endsWith("Baseline")) {
        continue;
      }
      Optional<RunResult> base = rs.stream()
          .filter(b -> method(b).equals(method + "Baseline") && sameParams(b, r, keys))
          .findFirst();
      md.append("| ").append(method);
      for (String k : keys) {
        md.append(" | ").append(r.getParams().getParam(k));
      }
      md.append(" | ").append(score(r)).append(" | ")
          .append(base.map(Run::score).orElse("—")).append(" | ")
          .append(base.map(b -> String.format(Locale.ROOT, "%.2f",
              r.getPrimaryResult().getScore() / b.getPrimaryResult().getScore())).orElse("—"))
          .append(" |");
      if (cls.equals("SerdeBench")) {
        long[] sizes = SerdeBench.sizes(r.getParams().getParam("serde"),
            r.getParams().getParam("kind"), Integer.parseInt(r.getParams().getParam("size")));
        md.append(' ').append(sizes[0]).append(" / ").append(sizes[1]).append(" |");
      }
      md.append("\n");
    }
    md.append("\n");
  }

  private static final Map<String, String> DESCRIPTIONS = Map.of(
      "SigningBench", "Signing one argument with memo's canonical encoding (`sign`) vs the raw"
          + " digest of the same content bytes (`MessageDigest` SHA-256 or hash4j XXH3-128).",
      "CallSigningBench", "Signing a whole call of (int, short string, double[8]) as Memo does,"
          + " code part cached, vs the raw digest of the arguments' 71 content bytes.",
      "CodeSignatureBench", "First-call cost of the code signature: wrapping a function that"
          + " reaches 50 methods, one cold wrap per JVM, vs the same cold wrap of a JDK method reference (`Math::abs`).",
      "SerdeBench", "Each serde's write and read vs the same work by hand (plain"
          + " `ObjectOutputStream`; through the JDK's `GZIPOutputStream` for java-gzip; through"
          + " zstd-jni's `ZstdOutputStream` at level 3 for zstd).",
      "StoreBench", "A store's get and put of one value vs `Files.readAllBytes`/`Files.write`"
          + " (directory) or a `ConcurrentHashMap` (memory) on the same data.",
      "CallBench", "A whole memoized call of (int, short string, double[8]): hit and miss vs a"
          + " Caffeine cache keyed by a record of the same arguments. No object tier yet: every hit"
          + " reads the store and deserializes.");

  private static String method(RunResult r) {
    String b = r.getParams().getBenchmark();
    return b.substring(b.lastIndexOf('.') + 1);
  }

  private static boolean sameParams(RunResult a, RunResult b, List<String> keys) {
    return keys.stream().allMatch(k -> a.getParams().getParam(k).equals(b.getParams().getParam(k)));
  }

  private static String score(RunResult r) {
    var p = r.getPrimaryResult();
    double err = p.getScoreError();
    return Double.isNaN(err)
        ? String.format(Locale.ROOT, "%.3f %s", p.getScore(), p.getScoreUnit())
        : String.format(Locale.ROOT, "%.3f ± %.3f %s", p.getScore(), err, p.getScoreUnit());
  }

  private static String cpu() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse(ManagementFactory.getOperatingSystemMXBean().getArch());
    } catch (IOException | RuntimeException e) {
      return System.getProperty("os.arch");
    }
  }
}
