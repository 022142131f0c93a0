package dev.memo.cli;

import dev.memo.Explanation;
import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.MemoException;
import dev.memo.core.admin.Progress;
import dev.memo.core.admin.StoreAdmin;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The {@code memo} command. Every subcommand opens the store named by {@code --store} ({@code
 * directory} unless {@code memo.store} says otherwise) at {@code --dir}, configured like the
 * library (system properties, {@code MEMO_*} environment variables, {@code -D key=value}).
 *
 * <p>Exit codes: 0 when all went well, 1 when something failed or {@code verify} found bad or
 * unreadable entries (outdated ones are not damage), 2 for a usage error. Results go to standard
 * output, errors and progress to standard error; progress is shown only on a terminal.
 */
@Command(
    name = "memo",
    mixinStandardHelpOptions = true,
    versionProvider = MemoCli.Version.class,
    description = "Inspects and maintains a memo store.",
    subcommands = {
      MemoCli.Ls.class,
      MemoCli.Stats.class,
      MemoCli.Prune.class,
      MemoCli.Clear.class,
      MemoCli.Verify.class,
      MemoCli.Why.class,
      CommandLine.HelpCommand.class
    })
public final class MemoCli implements Callable<Integer> {
  /** Exit code for a failure, or bad entries found. */
  static final int FAILURE = 1;

  @Spec CommandLine.Model.CommandSpec spec;

  private final boolean terminal;

  MemoCli(boolean terminal) {
    this.terminal = terminal;
  }

  /**
   * Runs the command and exits with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
    PrintWriter err = new PrintWriter(System.err, true, Charset.defaultCharset());
    System.exit(run(args, out, err, System.console() != null));
  }

  /**
   * Runs the command.
   *
   * @param args the command line
   * @param out where results go
   * @param err where errors and progress go
   * @param terminal whether {@code err} is a terminal, which shows progress
   * @return the exit code
   */
  static int run(String[] args, PrintWriter out, PrintWriter err, boolean terminal) {
    CommandLine cli = new CommandLine(new MemoCli(terminal));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parsed) -> {
          if (e instanceof MemoException || e instanceof IllegalArgumentException) {
            commandLine.getErr().println("memo: " + e.getMessage());
            return FAILURE;
          }
          throw e;
        });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Without a subcommand: the usage, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().getErr().println("memo: a command is required");
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = MemoCli.class.getPackage().getImplementationVersion();
      return new String[] {"memo " + (v == null ? "(development build)" : v)};
    }
  }

  /** The options every command takes to open a store. */
  static final class StoreOptions {
    /** The stores that live in a folder, which {@code --dir} names. */
    private static final Set<String> FOLDER_STORES = Set.of("directory", "chronicle");

    @Option(
        names = "--store",
        paramLabel = "<name>",
        description =
            "the store: directory, chronicle, redis, tiered or another provider's name (default:"
                + " memo.store, else directory)")
    String store;

    @Option(
        names = "--dir",
        paramLabel = "<path>",
        description =
            "the folder of a directory or chronicle store (default: memo.store.<name>.path, else"
                + " .memo)")
    Path dir;

    @Option(
        names = {"-D", "--config"},
        paramLabel = "<key=value>",
        description = "a memo configuration value, such as -D memo.store.directory.max-bytes=10GiB")
    Map<String, String> config = new LinkedHashMap<>();

    StoreAdmin open(CommandLine.Model.CommandSpec spec) {
      for (String key : config.keySet()) {
        if (!key.startsWith("memo.")) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "configuration key \"" + key + "\" does not start with \"memo.\"");
        }
      }
      Map<String, String> values = new LinkedHashMap<>(config);
      String name = store;
      if (name == null) {
        name =
            values.getOrDefault(
                MemoConfig.STORE,
                System.getProperty(
                    MemoConfig.STORE,
                    Optional.ofNullable(System.getenv(MemoConfig.environmentName(MemoConfig.STORE)))
                        .orElse("directory")));
      }
      if (dir != null) {
        if (!FOLDER_STORES.contains(name)) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "--dir names the folder of a directory or chronicle store, but the store is \""
                  + name
                  + "\"; configure it with -D instead, such as -D memo.store.redis.uri=redis://host:6379"
                  + " for redis, or -D memo.store.directory.path=DIR for the layers of tiered");
        }
        values.put("memo.store." + name + ".path", dir.toString());
      }
      return StoreAdmin.open(name, values);
    }
  }

  /** Shows a scan's progress on a terminal, on one line that it rewrites. */
  static final class TerminalProgress implements Progress {
    private final PrintWriter err;
    private long lastNanos;
    private boolean shown;

    TerminalProgress(PrintWriter err) {
      this.err = err;
    }

    static Progress of(MemoCli root, PrintWriter err) {
      return root.terminal ? new TerminalProgress(err) : Progress.NONE;
    }

    @Override
    public void update(String phase, long done, long total) {
      long now = System.nanoTime();
      if (done != total && now - lastNanos < 100_000_000L) {
        return;
      }
      lastNanos = now;
      err.print("\r" + phase + " " + done + "/" + total + "\u001b[K");
      err.flush();
      shown = true;
    }

    @Override
    public void done() {
      if (shown) {
        err.print("\r\u001b[K");
        err.flush();
        shown = false;
      }
    }
  }

  // ---------------------------------------------------------------- commands

  @Command(
      name = "ls",
      mixinStandardHelpOptions = true,
      description =
          "Lists entries with their size, age, last access, compute time and why"
              + " their function last missed.")
  static final class Ls implements Callable<Integer> {
    @ParentCommand MemoCli root;
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions options;

    @Parameters(
        arity = "0..1",
        paramLabel = "<function>",
        description = "the function whose entries to list; without it, every function's")
    String function;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (StoreAdmin admin = options.open(spec)) {
        if (function != null && !admin.functions().contains(function)) {
          return noSuchFunction(spec, admin, function);
        }
        List<StoreAdmin.Entry> entries =
            admin.list(function, TerminalProgress.of(root, spec.commandLine().getErr()));
        Map<String, StoreAdmin.LastMiss> misses =
            admin.lastMisses(TerminalProgress.of(root, spec.commandLine().getErr()));
        Instant now = Instant.now();
        out.printf(
            "%-16s %10s %8s %12s %10s  %-9s  %s%n",
            "KEY", "SIZE", "AGE", "LAST ACCESS", "COMPUTE", "LAST MISS", "FUNCTION");
        for (StoreAdmin.Entry e : entries) {
          out.printf(
              "%-16s %10s %8s %12s %10s  %-9s  %s%s%n",
              e.key().hex().substring(0, Math.min(16, e.key().hex().length())),
              Format.bytes(e.size()),
              e.created().map(t -> Format.age(t, now)).orElse("-"),
              e.lastAccess().map(t -> Format.age(t, now) + " ago").orElse("-"),
              e.computeTime().map(Format::duration).orElse("-"),
              Why.shortReason(misses.get(e.function())),
              e.function(),
              e.problem()
                  .map(p -> "  (not usable: " + p + "; memo verify quarantines it)")
                  .orElse(""));
        }
        out.println(entries.size() + " entr" + (entries.size() == 1 ? "y" : "ies"));
        return 0;
      }
    }
  }

  @Command(
      name = "stats",
      mixinStandardHelpOptions = true,
      description = "Sums up the entries and bytes of each function.")
  static final class Stats implements Callable<Integer> {
    @ParentCommand MemoCli root;
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions options;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (StoreAdmin admin = options.open(spec)) {
        StoreAdmin.Stats s = admin.stats(TerminalProgress.of(root, spec.commandLine().getErr()));
        Instant now = Instant.now();
        out.printf(
            "%10s %10s %10s %12s  %s%n", "ENTRIES", "SIZE", "ON DISK", "LAST ACCESS", "FUNCTION");
        for (StoreAdmin.FunctionStats f : s.functions()) {
          out.printf(
              "%10d %10s %10s %12s  %s%n",
              f.entries(),
              Format.bytes(f.bytes()),
              Format.bytes(f.diskBytes()),
              f.lastAccess().map(t -> Format.age(t, now) + " ago").orElse("-"),
              f.function());
        }
        out.printf(
            "%10d %10s %10s %12s  %s%n",
            s.entries(),
            Format.bytes(s.bytes()),
            Format.bytes(s.diskBytes()),
            "",
            "total in "
                + s.functions().size()
                + " function"
                + (s.functions().size() == 1 ? "" : "s")
                + " ("
                + admin.storeName()
                + " store)");
        return 0;
      }
    }
  }

  @Command(
      name = "prune",
      mixinStandardHelpOptions = true,
      description =
          "Removes entries unused for longer than --max-age, then the least recently"
              + " used until at most --max-bytes remain.")
  static final class Prune implements Callable<Integer> {
    @ParentCommand MemoCli root;
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions options;

    @Option(
        names = "--max-bytes",
        paramLabel = "<size>",
        description = "the most bytes to keep, such as 10GiB")
    String maxBytes;

    @Option(
        names = "--max-age",
        paramLabel = "<duration>",
        description = "the longest to keep an unused entry, such as 30d; 0 removes every entry")
    String maxAge;

    @Override
    public Integer call() {
      if (maxBytes == null && maxAge == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "prune needs --max-bytes, --max-age or both");
      }
      MemoConfig given = MemoConfig.of("the command line", values());
      long bytes;
      Duration age;
      try {
        bytes = maxBytes == null ? Long.MAX_VALUE : given.getBytes("--max-bytes", 0);
        age = maxAge == null ? null : given.getDuration("--max-age", null);
        if (age != null && age.isNegative()) {
          throw given.invalid("--max-age", "a duration such as 30d, or 0 to remove every entry");
        }
      } catch (MemoConfigurationException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      try (StoreAdmin admin = options.open(spec)) {
        StoreAdmin.Pruned p =
            admin.prune(bytes, age, TerminalProgress.of(root, spec.commandLine().getErr()));
        spec.commandLine()
            .getOut()
            .println(
                "removed "
                    + p.removedEntries()
                    + " entr"
                    + (p.removedEntries() == 1 ? "y" : "ies")
                    + " ("
                    + Format.bytes(p.removedBytes())
                    + "), kept "
                    + p.entries()
                    + " ("
                    + Format.bytes(p.bytes())
                    + ")"
                    + (p.removedTemporaryFiles() > 0
                        ? ", removed " + p.removedTemporaryFiles() + " abandoned temporary files"
                        : ""));
        return 0;
      }
    }

    private Map<String, String> values() {
      Map<String, String> v = new LinkedHashMap<>();
      if (maxBytes != null) {
        v.put("--max-bytes", maxBytes);
      }
      if (maxAge != null) {
        v.put("--max-age", maxAge);
      }
      return v;
    }
  }

  @Command(
      name = "clear",
      mixinStandardHelpOptions = true,
      description = "Removes every entry of a function, or with --all of the whole store.")
  static final class Clear implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions options;

    @Parameters(
        paramLabel = "<function>",
        arity = "0..1",
        description = "the function, as memo ls shows it")
    String function;

    @Option(names = "--all", description = "every entry, memo's own records and kept code")
    boolean all;

    @Override
    public Integer call() {
      if (all == (function != null)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "clear needs either a function or --all");
      }
      try (StoreAdmin admin = options.open(spec)) {
        if (all) {
          long removed = admin.clearAll();
          spec.commandLine()
              .getOut()
              .println(
                  "removed "
                      + removed
                      + " entr"
                      + (removed == 1 ? "y" : "ies")
                      + " from the "
                      + admin.storeName()
                      + " store");
          return 0;
        }
        if (!admin.functions().contains(function)) {
          return noSuchFunction(spec, admin, function);
        }
        long removed = admin.clear(function);
        spec.commandLine()
            .getOut()
            .println(
                "removed "
                    + removed
                    + " entr"
                    + (removed == 1 ? "y" : "ies")
                    + " of \""
                    + function
                    + "\"");
        return 0;
      }
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Checks every entry's header, key, checksums and end without deserializing"
              + " it; quarantines bad entries. Exits with 1 when it found a bad or unreadable one.")
  static final class Verify implements Callable<Integer> {
    @ParentCommand MemoCli root;
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions options;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (StoreAdmin admin = options.open(spec)) {
        StoreAdmin.Verified v =
            admin.verify(TerminalProgress.of(root, spec.commandLine().getErr()));
        print(out, "bad", v.bad());
        print(out, "unreadable", v.unreadable());
        print(out, "outdated", v.outdated());
        List<String> found = new ArrayList<>();
        if (!v.bad().isEmpty()) {
          found.add(v.bad().size() + " bad, quarantined");
        }
        if (!v.unreadable().isEmpty()) {
          found.add(v.unreadable().size() + " unreadable, left as they are");
        }
        if (!v.outdated().isEmpty()) {
          found.add(v.outdated().size() + " outdated, computed again on their next call");
        }
        out.println(
            "checked "
                + v.checked()
                + " entr"
                + (v.checked() == 1 ? "y" : "ies")
                + " ("
                + Format.bytes(v.bytes())
                + "): "
                + (found.isEmpty() ? "all good" : String.join(", ", found)));
        return v.damaged() ? FAILURE : 0;
      }
    }

    private static void print(PrintWriter out, String kind, List<StoreAdmin.Bad> entries) {
      for (StoreAdmin.Bad b : entries) {
        out.println(
            kind
                + ": \""
                + b.function()
                + "\" "
                + (b.key() == null ? "(all entries)" : b.key().hex())
                + ": "
                + b.reason());
      }
    }
  }

  @Command(
      name = "why",
      mixinStandardHelpOptions = true,
      description =
          "Shows why a function last missed: the code, environment items and parameters"
              + " that differed from its entry before.")
  static final class Why implements Callable<Integer> {
    @ParentCommand MemoCli root;
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions options;

    @Parameters(paramLabel = "<function>", description = "the function, as memo ls shows it")
    String function;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (StoreAdmin admin = options.open(spec)) {
        StoreAdmin.LastMiss miss =
            admin.lastMisses(TerminalProgress.of(root, spec.commandLine().getErr())).get(function);
        if (miss == null) {
          if (!admin.functions().contains(function)) {
            return noSuchFunction(spec, admin, function);
          }
          spec.commandLine()
              .getErr()
              .println(
                  "memo: no miss of \""
                      + function
                      + "\" is recorded"
                      + " in the "
                      + admin.storeName()
                      + " store; memo records the reason of each miss"
                      + " from now on");
          return FAILURE;
        }
        String when = miss.at().map(t -> " at " + t).orElse("");
        if (miss.reason().isEmpty()) {
          spec.commandLine()
              .getErr()
              .println(
                  "memo: no reason recorded for the last miss of \""
                      + function
                      + "\""
                      + when
                      + " (an earlier version of memo wrote its record); the"
                      + " next miss will record one");
          return FAILURE;
        }
        out.println("last miss of \"" + function + "\"" + when + ":");
        for (String line : lines(miss.reason().get())) {
          out.println("  " + line);
        }
        return 0;
      }
    }

    /** The reason of a miss, one line per part that differed. */
    static List<String> lines(Explanation why) {
      if (!why.hasEarlierEntry()) {
        return List.of("no earlier entry to compare with (the first call stored)");
      }
      if (why.changedParts().isEmpty()) {
        return List.of(
            "nothing differed from the most recent entry, which was no longer in the"
                + " store (removed, evicted or quarantined)");
      }
      List<String> lines = new ArrayList<>();
      for (String item : why.changedCode()) {
        lines.add("code differs in " + item);
      }
      for (String item : why.changedEnvironment()) {
        lines.add("environment differs in " + item);
      }
      for (int p : why.changedArguments()) {
        lines.add("argument differs in parameter " + p);
      }
      return lines;
    }

    /** The reason in a word or two, for memo ls: first, gone, or the parts that differed. */
    static String shortReason(StoreAdmin.LastMiss miss) {
      if (miss == null) {
        return "-";
      }
      if (miss.reason().isEmpty()) {
        return "?";
      }
      Explanation why = miss.reason().get();
      if (!why.hasEarlierEntry()) {
        return "first";
      }
      if (why.changedParts().isEmpty()) {
        return "gone";
      }
      List<String> parts = new ArrayList<>();
      for (Explanation.Part part : why.changedParts()) {
        parts.add(
            switch (part) {
              case CODE -> "code";
              case ENVIRONMENT -> "env";
              case ARGUMENTS -> "args";
            });
      }
      return String.join("+", parts);
    }
  }

  private static int noSuchFunction(
      CommandLine.Model.CommandSpec spec, StoreAdmin admin, String function) {
    spec.commandLine()
        .getErr()
        .println(
            "memo: no entries of \""
                + function
                + "\" in the "
                + admin.storeName()
                + " store; memo ls lists the functions that have entries");
    return FAILURE;
  }

  /** Human-readable sizes and times. */
  static final class Format {
    private Format() {}

    static String bytes(long n) {
      if (n < 1024) {
        return n + " B";
      }
      String[] units = {"KiB", "MiB", "GiB", "TiB"};
      double v = n;
      int u = -1;
      while (v >= 1024 && u < units.length - 1) {
        v /= 1024;
        u++;
      }
      return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String age(Instant then, Instant now) {
      long s = Math.max(0, Duration.between(then, now).getSeconds());
      if (s < 60) {
        return s + "s";
      }
      if (s < 3600) {
        return s / 60 + "m";
      }
      if (s < 86_400) {
        return s / 3600 + "h";
      }
      return s / 86_400 + "d";
    }

    static String duration(Duration d) {
      long ms = d.toMillis();
      if (ms < 1) {
        return d.toNanos() / 1000 + " us";
      }
      if (ms < 10_000) {
        return ms + " ms";
      }
      return ms / 1000 + " s";
    }
  }
}
