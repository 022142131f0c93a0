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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

  /** The heading of the section that checks this run's figures against the targets. */
  private static final String TARGETS = "Targets";

  /** The heap, and the flags Chronicle Map needs on Java 17 and later (see the README). */
  private static final String[] JVM_ARGS = {
    "-Xmx4g",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true",
  };

  /** What one profile runs: per benchmark class, the parameters to use. */
  private record Profile(
      String name,
      int forks,
      int warmups,
      TimeValue warmupTime,
      int iterations,
      TimeValue iterationTime,
      Map<Class<?>, Map<String, String[]>> params) {}

  private static Profile profile(String name) {
    Map<Class<?>, Map<String, String[]>> p = new LinkedHashMap<>();
    switch (name) {
      case "smoke":
        p.put(SigningBench.class, Map.of("size", a("16")));
        p.put(CallSigningBench.class, Map.of());
        p.put(CodeSignatureBench.class, Map.of());
        p.put(SerdeBench.class, Map.of("size", a("100")));
        p.put(StoreBench.class, Map.of("size", a("100"), "entries", a("1000")));
        p.put(CompressionBench.class, Map.of("size", a("65536"), "kind", a("text")));
        p.put(CallBench.class, Map.of());
        p.put(ObjectTierBench.class, Map.of());
        p.put(ChronicleHitBench.class, Map.of());
        p.put(DirectoryMissBench.class, Map.of());
        p.put(LargeHitBench.class, Map.of());
        // Starts its own redis-server (CI installs it, see .ci/run): the smallest call only.
        p.put(RedisBench.class, Map.of("size", a("small")));
        return new Profile(
            name, 1, 0, TimeValue.milliseconds(100), 1, TimeValue.milliseconds(100), p);
      case "quick":
        p.put(SigningBench.class, Map.of("size", a("64", "1048576")));
        p.put(CallSigningBench.class, Map.of());
        p.put(CodeSignatureBench.class, Map.of());
        p.put(
            SerdeBench.class,
            Map.of("kind", a("doubles", "mapOfRecords", "text"), "size", a("1048576")));
        p.put(
            CompressionBench.class,
            Map.of("kind", a("doubles", "mapOfRecords", "text"), "size", a("1048576")));
        p.put(StoreBench.class, Map.of("size", a("100", "4096", "1048576")));
        p.put(CallBench.class, Map.of());
        p.put(ObjectTierBench.class, Map.of());
        p.put(ChronicleHitBench.class, Map.of());
        p.put(DirectoryMissBench.class, Map.of());
        p.put(LargeHitBench.class, Map.of());
        p.put(RedisBench.class, Map.of());
        return new Profile(name, 1, 1, TimeValue.seconds(1), 2, TimeValue.seconds(1), p);
      case "full":
        p.put(SigningBench.class, Map.of());
        p.put(CallSigningBench.class, Map.of());
        p.put(CodeSignatureBench.class, Map.of());
        p.put(SerdeBench.class, Map.of());
        p.put(CompressionBench.class, Map.of());
        p.put(StoreBench.class, Map.of("entries", a("1000", "1000000")));
        p.put(CallBench.class, Map.of());
        p.put(ObjectTierBench.class, Map.of());
        p.put(ChronicleHitBench.class, Map.of());
        p.put(DirectoryMissBench.class, Map.of());
        p.put(LargeHitBench.class, Map.of());
        p.put(RedisBench.class, Map.of());
        return new Profile(name, 2, 3, TimeValue.seconds(2), 5, TimeValue.seconds(2), p);
      default:
        throw new IllegalArgumentException(
            "unknown profile \"" + name + "\"; use smoke, quick or full");
    }
  }

  /**
   * Returns the headings of the sections this runner writes in {@code RESULTS.md} under any
   * profile: the targets and one table per benchmark class. Every other section is kept when the
   * file is regenerated.
   */
  static Set<String> generatedHeadings() {
    Set<String> headings = new LinkedHashSet<>();
    headings.add(TARGETS);
    for (String name : List.of("smoke", "quick", "full")) {
      profile(name).params().keySet().forEach(c -> headings.add(c.getSimpleName()));
    }
    return headings;
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
        default ->
            throw new IllegalArgumentException(
                "unknown argument \""
                    + args[i]
                    + "\"; use --profile smoke|quick|full and --out DIR");
      }
    }
    Profile profile = profile(profileName);
    Files.createDirectories(out);
    List<RunResult> results = new ArrayList<>();
    for (Map.Entry<Class<?>, Map<String, String[]>> e : profile.params().entrySet()) {
      results.addAll(run(profile, e.getKey(), e.getValue(), out));
    }
    String report = report(profile, results);
    // memo-bench/peers writes one section of the same file, and some are written by hand after a
    // run of their own: regenerating the tables keeps them.
    Path file = out.resolve("RESULTS.md");
    String previous = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    Files.writeString(
        file,
        ResultsSections.carryOver(previous, report, generatedHeadings()),
        StandardCharsets.UTF_8);
    System.out.println("wrote " + out.resolve("RESULTS.md"));
  }

  private static Collection<RunResult> run(
      Profile p, Class<?> bench, Map<String, String[]> params, Path out) throws RunnerException {
    // A single-shot benchmark measures one cold call per JVM: more forks instead of iterations.
    boolean singleShot = bench == CodeSignatureBench.class;
    ChainedOptionsBuilder o =
        new OptionsBuilder()
            .include(bench.getName() + "\\.")
            .forks(singleShot ? p.forks() * (p.name().equals("smoke") ? 1 : 10) : p.forks())
            .warmupIterations(singleShot ? 0 : p.warmups())
            .warmupTime(p.warmupTime())
            .measurementIterations(singleShot ? 1 : p.iterations())
            .measurementTime(p.iterationTime())
            .jvmArgsAppend(JVM_ARGS)
            .resultFormat(ResultFormatType.JSON)
            .result(
                out.resolve("results-" + p.name() + "-" + bench.getSimpleName() + ".json")
                    .toString());
    params.forEach(o::param);
    return new Runner(o.build()).run();
  }

  // ---------------------------------------------------------------- report

  private static String report(Profile profile, List<RunResult> results) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# memo-bench results\n\n");
    md.append("Generated by `memo-bench/run ")
        .append(profile.name())
        .append("` on ")
        .append(LocalDate.now(ZoneOffset.UTC))
        .append(". Each memo figure is paired with a baseline")
        .append(" measured in the same run; ratio = memo / baseline (time per operation, lower is")
        .append(" better for memo; 1.00 means no overhead).\n\n");
    md.append("- machine: ")
        .append(cpu())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.arch"))
        .append("\n- JDK: ")
        .append(System.getProperty("java.vm.name"))
        .append(' ')
        .append(System.getProperty("java.runtime.version"))
        .append("\n- JMH: forks ")
        .append(profile.forks())
        .append(", warmup ")
        .append(profile.warmups())
        .append(" x ")
        .append(profile.warmupTime())
        .append(", measurement ")
        .append(profile.iterations())
        .append(" x ")
        .append(profile.iterationTime())
        .append(", heap -Xmx4g")
        .append("\n- command: `memo-bench/run ")
        .append(profile.name())
        .append("` (JSON beside this file)\n\n");
    md.append(
            "The machine is shared and noisy: read ratios, not absolute times, and distrust a ratio")
        .append(
            " whose error bars overlap 1.0. Where a target is missed, [FINDINGS.md](FINDINGS.md)")
        .append(
            " shows where the time goes (JFR profiles, system calls, allocation per operation) and")
        .append(" what would close it.\n\n");

    targets(md, results);

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
    md.append("| operation |")
        .append(keys.isEmpty() ? "" : " " + String.join(" | ", keys) + " |")
        .append(" memo | baseline | ratio |")
        .append(cls.equals("SerdeBench") ? " bytes memo / baseline |" : "")
        .append(cls.equals("CompressionBench") ? " bytes in / zstd / gzip |" : "")
        .append("\n|---|")
        .append("---|".repeat(keys.size()))
        .append("---|---|---|")
        .append(cls.equals("SerdeBench") || cls.equals("CompressionBench") ? "---|" : "")
        .append("\n");
    for (RunResult r : rs) {
      String method = method(r);
      if (method.endsWith("Baseline")) {
        continue;
      }
      Optional<RunResult> base =
          rs.stream()
              .filter(b -> method(b).equals(method + "Baseline") && sameParams(b, r, keys))
              .findFirst();
      md.append("| ").append(method);
      for (String k : keys) {
        md.append(" | ").append(r.getParams().getParam(k));
      }
      md.append(" | ")
          .append(score(r))
          .append(" | ")
          .append(base.map(Run::score).orElse("—"))
          .append(" | ")
          .append(
              base.map(
                      b ->
                          String.format(
                              Locale.ROOT,
                              "%.2f",
                              r.getPrimaryResult().getScore() / b.getPrimaryResult().getScore()))
                  .orElse("—"))
          .append(" |");
      if (cls.equals("SerdeBench")) {
        long[] sizes =
            SerdeBench.sizes(
                r.getParams().getParam("serde"),
                r.getParams().getParam("kind"),
                Integer.parseInt(r.getParams().getParam("size")));
        md.append(' ').append(sizes[0]).append(" / ").append(sizes[1]).append(" |");
      }
      if (cls.equals("CompressionBench")) {
        long[] sizes =
            CompressionBench.sizes(
                r.getParams().getParam("kind"), Integer.parseInt(r.getParams().getParam("size")));
        md.append(' ')
            .append(sizes[0])
            .append(" / ")
            .append(sizes[1])
            .append(" / ")
            .append(sizes[2])
            .append(" |");
      }
      md.append("\n");
    }
    md.append("\n");
  }

  private static final Map<String, String> DESCRIPTIONS =
      Map.ofEntries(
          Map.entry(
              "CompressionBench",
              "Compression alone: the zstd serde (level 3, `compress`) vs the"
                  + " java-gzip serde (level 6, baseline) on the same bytes, those the java serde writes"
                  + " for the payload, handed over as one byte[] so that no serialization is timed. A"
                  + " ratio of 0.20 or less means zstd is at least 5 × faster."),
          Map.entry(
              "ChronicleHitBench",
              "A hit of (int, short string, double[8]) from the chronicle"
                  + " store (signing included) vs a get from a raw persisted `ChronicleMap<byte[], byte[]>`"
                  + " of the same Java-serialized result, by a given key, plus its `ObjectInputStream`"
                  + " deserialization."),
          Map.entry(
              "DirectoryMissBench",
              "A miss of (int, short string, double[8]) on the directory"
                  + " store (fsync off) vs the least a hand-written cache of atomic files does for it:"
                  + " SHA-256 of the arguments, one failed open, compute, `ObjectOutputStream` into a"
                  + " fresh temporary file renamed over the entry. memo adds the leader's second look and"
                  + " the explain record (a second small file per miss)."),
          Map.entry(
              "SigningBench",
              "Signing one argument with memo's canonical encoding (`sign`) vs the raw"
                  + " digest of the same content (`MessageDigest` SHA-256 or hash4j XXH3-128): a byte[] or"
                  + " double[] in one call; a List<String> or a record of points walked as hand-written"
                  + " code would (each string's UTF-8 bytes, for XXH3 its chars; each point's doubles),"
                  + " with no element boundaries, which memo's encoding adds."),
          Map.entry(
              "CallSigningBench",
              "Signing a whole call of (int, short string, double[8]) as Memo does,"
                  + " code part cached, vs the raw digest of the arguments' 71 content bytes."),
          Map.entry(
              "CodeSignatureBench",
              "First-call cost of the code signature: wrapping a function that"
                  + " reaches 50 methods, one cold wrap per JVM, vs the same cold wrap of a JDK method reference (`Math::abs`)."),
          Map.entry(
              "SerdeBench",
              "Each serde's write and read vs the same work by hand (plain"
                  + " `ObjectOutputStream`; through the JDK's `GZIPOutputStream` for java-gzip; through"
                  + " zstd-jni's `ZstdOutputStream` at level 3 for zstd)."),
          Map.entry(
              "RedisBench",
              "Hits and misses on a redis-server the benchmark starts (loopback,"
                  + " persistence off), object tier off, store unsigned; `small` is a call returning a"
                  + " Double, `large` a 1 MiB double[]. `redis`: the hit vs a raw Jedis GET of the entry's"
                  + " own bytes (pooled connection); `tiered` (directory, redis), entry already near: the"
                  + " hit vs the same hit on a plain directory store. Misses (invalidate, then the call:"
                  + " compute, claim, put, explain record) vs a raw Jedis DEL and SET of the entry's"
                  + " bytes."),
          Map.entry(
              "LargeHitBench",
              "A hit whose result is a 1 MiB double[] from the directory store vs"
                  + " `Files.readAllBytes` of the same doubles plus a little-endian decode."),
          Map.entry(
              "StoreBench",
              "A store's get and put of one value vs `Files.readAllBytes`/`Files.write`"
                  + " (directory) or a `ConcurrentHashMap` (memory) on the same data."),
          Map.entry(
              "ObjectTierBench",
              "A hit of (int, short string, double[8]) answered by the object"
                  + " tier, with each signer, vs a Caffeine cache keyed by a record of the same arguments:"
                  + " signing the call is most of it."),
          Map.entry(
              "CallBench",
              "A whole memoized call of (int, short string, double[8]): hit and miss vs a"
                  + " Caffeine cache keyed by a record of the same arguments. `tier=off`: every hit reads the"
                  + " store and deserializes, as a fresh process's first hit does; `tier=on`: the object tier"
                  + " answers hits."));

  // ---------------------------------------------------------------- targets

  /** The targets, each checked against this run's figures where the profile has them. */
  private static void targets(StringBuilder md, List<RunResult> rs) {
    md.append("## ").append(TARGETS).append("\n\n| target | measured | met |\n|---|---|---|\n");
    // Signing
    ratio(rs, "CallSigningBench", "sign", Map.of("signer", "sha256"))
        .ifPresentOrElse(
            r ->
                row(
                    md,
                    "small-call signing ≤ 1.3 × raw SHA-256 of the same bytes",
                    String.format(Locale.ROOT, "%.2f ×", r),
                    r <= 1.3),
            () -> missing(md, "small-call signing ≤ 1.3 × raw SHA-256 of the same bytes"));
    for (String signer : List.of("sha256", "xxh3-128")) {
      String t = "large arrays (double[], largest size run) ≥ 0.9 × raw " + signer + " throughput";
      largest(rs, "SigningBench", Map.of("signer", signer, "kind", "doubles"))
          .flatMap(
              size ->
                  ratio(
                          rs,
                          "SigningBench",
                          "sign",
                          Map.of("signer", signer, "kind", "doubles", "size", size))
                      .map(r -> new Object[] {size, r}))
          .ifPresentOrElse(
              x ->
                  row(
                      md,
                      t,
                      String.format(Locale.ROOT, "%.2f × at %s B", 1 / (double) x[1], x[0]),
                      1 / (double) x[1] >= 0.9),
              () -> missing(md, t));
    }
    for (String signer : List.of("sha256", "xxh3-128")) {
      String t = "hit of a small result from the object tier ≤ 0.5 µs (" + signer + ")";
      micros(rs, "ObjectTierBench", "hit", Map.of("signer", signer))
          .ifPresentOrElse(
              us -> row(md, t, String.format(Locale.ROOT, "%.2f µs", us), us <= 0.5),
              () -> missing(md, t));
    }
    micros(rs, "CallBench", "hit", Map.of("store", "directory", "tier", "off"))
        .ifPresentOrElse(
            us ->
                row(
                    md,
                    "hit of a small result from the directory store ≤ 10 µs (object tier off)",
                    String.format(Locale.ROOT, "%.1f µs", us),
                    us <= 10),
            () -> missing(md, "hit of a small result from the directory store ≤ 10 µs"));
    micros(rs, "CallBench", "hit", Map.of("store", "chronicle", "tier", "off"))
        .ifPresentOrElse(
            us ->
                row(
                    md,
                    "hit of a small result from chronicle ≤ 3 µs",
                    String.format(Locale.ROOT, "%.1f µs", us),
                    us <= 3),
            () -> missing(md, "hit of a small result from chronicle ≤ 3 µs"));
    ratio(rs, "ChronicleHitBench", "hit", Map.of())
        .ifPresentOrElse(
            r ->
                row(
                    md,
                    "hit of a small result from chronicle ≤ 1.3 × raw ChronicleMap get +"
                        + " deserialization",
                    String.format(Locale.ROOT, "%.2f ×", r),
                    r <= 1.3),
            () ->
                missing(
                    md,
                    "hit of a small result from chronicle ≤ 1.3 × raw ChronicleMap get +"
                        + " deserialization"));
    ratio(rs, "LargeHitBench", "hit", Map.of("serde", "java"))
        .ifPresentOrElse(
            r ->
                row(
                    md,
                    "hit of a 1 MiB double[] from the directory store ≤ 1.3 × raw read + decode",
                    String.format(Locale.ROOT, "%.2f × (java serde)", r),
                    r <= 1.3),
            () ->
                missing(
                    md,
                    "hit of a 1 MiB double[] from the directory store ≤ 1.3 × raw read + decode"));
    for (String size : List.of("small", "large")) {
      String t =
          "hit from the redis store ≤ 1.5 × a raw Jedis GET of the entry's bytes (" + size + ")";
      ratio(rs, "RedisBench", "hit", Map.of("store", "redis", "size", size))
          .ifPresentOrElse(
              r -> row(md, t, String.format(Locale.ROOT, "%.2f ×", r), r <= 1.5),
              () -> missing(md, t));
      String n =
          "hit from tiered(directory, redis), entry near, = the directory store's hit ("
              + size
              + ", within 10%)";
      ratio(rs, "RedisBench", "hit", Map.of("store", "tiered", "size", size))
          .ifPresentOrElse(
              r -> row(md, n, String.format(Locale.ROOT, "%.2f ×", r), r <= 1.1),
              () -> missing(md, n));
    }
    Optional<Double> files = ratio(rs, "DirectoryMissBench", "miss", Map.of());
    micros(rs, "CallBench", "miss", Map.of("store", "directory", "tier", "off"))
        .ifPresentOrElse(
            us ->
                row(
                    md,
                    "miss overhead of a small call (directory store, fsync off) ≤ 50 µs",
                    String.format(Locale.ROOT, "%.1f µs", us)
                        + files
                            .map(
                                r ->
                                    String.format(
                                        Locale.ROOT,
                                        " (%.2f × a hand-written atomic-file cache's miss)",
                                        r))
                            .orElse(""),
                    us <= 50),
            () -> missing(md, "miss overhead of a small call ≤ 50 µs"));
    // zstd vs gzip, compression alone on the same bytes: the smallest speed-up over every kind
    // and size run (CompressionBench.compress is zstd, its baseline gzip).
    double worst = Double.MAX_VALUE;
    boolean ratioOk = true;
    String where = "";
    for (RunResult z : rs) {
      var p = z.getParams();
      if (!p.getBenchmark().endsWith("CompressionBench.compress")
          || Integer.parseInt(p.getParam("size")) < 65536) {
        continue;
      }
      Map<String, String> same = Map.of("kind", p.getParam("kind"), "size", p.getParam("size"));
      Optional<Double> gzip = micros(rs, "CompressionBench", "compressBaseline", same);
      if (gzip.isEmpty()) {
        continue;
      }
      double speedup = gzip.get() / micros(z);
      try {
        long[] sizes =
            CompressionBench.sizes(p.getParam("kind"), Integer.parseInt(p.getParam("size")));
        ratioOk &= sizes[1] <= sizes[2];
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      if (speedup < worst) {
        worst = speedup;
        where = p.getParam("kind") + " " + p.getParam("size") + " B";
      }
    }
    String zstdTarget =
        "zstd level 3 compresses ≥ 5 × faster than gzip level 6 at an equal or"
            + " better ratio (same serialized bytes, payloads ≥ 64 KiB)";
    if (worst == Double.MAX_VALUE) {
      missing(md, zstdTarget);
    } else {
      row(
          md,
          zstdTarget,
          String.format(
              Locale.ROOT,
              "slowest %.1f × (%s); %s",
              worst,
              where,
              ratioOk ? "ratio equal or better everywhere" : "ratio worse somewhere"),
          worst >= 5 && ratioOk);
    }
    Optional<Double> small =
        micros(
            rs,
            "StoreBench",
            "get",
            Map.of("store", "directory", "size", "100", "entries", "1000"));
    Optional<Double> large =
        micros(
            rs,
            "StoreBench",
            "get",
            Map.of("store", "directory", "size", "100", "entries", "1000000"));
    if (small.isPresent() && large.isPresent()) {
      double r = large.get() / small.get();
      row(
          md,
          "hit latency at 1 000 000 entries ≤ 2 × at 1 000 (directory, 100 B)",
          String.format(Locale.ROOT, "%.2f ×", r),
          r <= 2);
    } else {
      missing(md, "hit latency at 1 000 000 entries ≤ 2 × at 1 000 (full profile)");
    }
    md.append("\n");
  }

  private static void row(StringBuilder md, String target, String measured, boolean met) {
    md.append("| ")
        .append(target)
        .append(" | ")
        .append(measured)
        .append(" | ")
        .append(met ? "yes" : "**no**")
        .append(" |\n");
  }

  private static void missing(StringBuilder md, String target) {
    md.append("| ").append(target).append(" | not measured in this run | — |\n");
  }

  private static Optional<RunResult> find(
      List<RunResult> rs, String cls, String method, Map<String, String> params) {
    return rs.stream()
        .filter(r -> r.getParams().getBenchmark().endsWith(cls + "." + method))
        .filter(
            r ->
                params.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(r.getParams().getParam(e.getKey()))))
        .findFirst();
  }

  private static Optional<Double> ratio(
      List<RunResult> rs, String cls, String method, Map<String, String> params) {
    Optional<RunResult> m = find(rs, cls, method, params);
    Optional<RunResult> b = find(rs, cls, method + "Baseline", params);
    return m.isPresent() && b.isPresent()
        ? Optional.of(m.get().getPrimaryResult().getScore() / b.get().getPrimaryResult().getScore())
        : Optional.empty();
  }

  private static Optional<Double> micros(
      List<RunResult> rs, String cls, String method, Map<String, String> params) {
    return find(rs, cls, method, params).map(Run::micros);
  }

  private static double micros(RunResult r) {
    double score = r.getPrimaryResult().getScore();
    switch (r.getPrimaryResult().getScoreUnit()) {
      case "ns/op":
        return score / 1000;
      case "ms/op":
        return score * 1000;
      case "s/op":
        return score * 1_000_000;
      default:
        return score;
    }
  }

  private static Optional<String> largest(
      List<RunResult> rs, String cls, Map<String, String> params) {
    return rs.stream()
        .filter(r -> r.getParams().getBenchmark().endsWith(cls + ".sign"))
        .filter(
            r ->
                params.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(r.getParams().getParam(e.getKey()))))
        .map(r -> r.getParams().getParam("size"))
        .max(java.util.Comparator.comparingInt(Integer::parseInt));
  }

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
