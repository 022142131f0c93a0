package dev.memo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.NotSigned;
import dev.memo.core.Memo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class MemoCliTest {
  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();

  @TempDir Path tempDir;

  /** What one run printed and returned. */
  record Run(int code, String out, String err) {}

  static Run run(boolean terminal, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = MemoCli.run(args, new PrintWriter(out), new PrintWriter(err), terminal);
    return new Run(code, out.toString(), err.toString());
  }

  static Run run(String... args) {
    return run(false, args);
  }

  private Path dir() {
    return tempDir.resolve("store");
  }

  /** Writes entries of two functions with a real memoizer on a real store. */
  private void writeEntries(String store, int squares, int cubes) {
    try (Memo memo = Memo.builder().store(store)
        .config("memo.store." + store + ".path", dir().toString()).build()) {
      Function<Integer, Long> square = memo.function("square", x -> {
        CALLS.incrementAndGet();
        return (long) x * x;
      });
      Function<Integer, Long> cube = memo.function("cube", x -> (long) x * x * x);
      for (int i = 0; i < squares; i++) {
        square.apply(i);
      }
      for (int i = 0; i < cubes; i++) {
        cube.apply(i);
      }
    }
  }

  private boolean contains(String store, int x) {
    try (Memo memo = Memo.builder().store(store)
        .config("memo.store." + store + ".path", dir().toString()).build()) {
      Function<Integer, Long> square = memo.function("square", y -> {
        CALLS.incrementAndGet();
        return (long) y * y;
      });
      return memo.contains(square, x);
    }
  }

  // ---------------------------------------------------------------- usage

  @Test
  void help_listsEveryCommand() {
    Run r = run("--help");
    assertEquals(0, r.code());
    assertEquals(String.join("\n",
        "Usage: memo [-hV] [COMMAND]",
        "Inspects and maintains a memo store.",
        "  -h, --help      Show this help message and exit.",
        "  -V, --version   Print version information and exit.",
        "Commands:",
        "  ls      Lists entries with their size, age, last access and compute time.",
        "  stats   Sums up the entries and bytes of each function.",
        "  prune   Removes entries unused for longer than --max-age, then the least",
        "            recently used until at most --max-bytes remain.",
        "  clear   Removes every entry of a function.",
        "  verify  Checks every entry's header, checksums and end without deserializing",
        "            it; quarantines bad entries. Exits with 1 when it found any.",
        "  help    Display help information about the specified command.",
        ""), r.out().replace(System.lineSeparator(), "\n"));
    assertEquals("", r.err());
  }

  @Test
  void help_ofClear_showsItsParameterAndStoreOptions() {
    Run r = run("clear", "--help");
    assertEquals(0, r.code());
    assertEquals(String.join("\n",
        "Usage: memo clear [-hV] [--dir=<path>] [--store=<name>] [-D=<key=value>]...",
        "                  <function>",
        "Removes every entry of a function.",
        "      <function>             the function, as memo ls shows it",
        "  -D, --config=<key=value>   a memo configuration value, such as -D memo.store.",
        "                               directory.max-bytes=10GiB",
        "      --dir=<path>           the store's folder (default: memo.store.<name>.",
        "                               path, else .memo)",
        "  -h, --help                 Show this help message and exit.",
        "      --store=<name>         the store: directory or chronicle (default: memo.",
        "                               store, else directory)",
        "  -V, --version              Print version information and exit.",
        ""), r.out().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void everyCommand_hasHelp() {
    for (String command : List.of("ls", "stats", "prune", "clear", "verify")) {
      Run r = run(command, "--help");
      assertEquals(0, r.code(), command);
      assertTrue(r.out().startsWith("Usage: memo " + command + " "), r.out());
    }
  }

  @Test
  void noCommand_isAUsageError() {
    Run r = run();
    assertEquals(2, r.code());
    assertEquals("", r.out());
    assertTrue(r.err().startsWith("memo: a command is required" + System.lineSeparator()
        + "Usage: memo [-hV] [COMMAND]"), r.err());
  }

  @Test
  void unknownOption_isAUsageError() {
    Run r = run("ls", "--bogus");
    assertEquals(2, r.code());
    assertEquals("", r.out());
    assertEquals("Unknown option: '--bogus'", r.err().lines().findFirst().orElseThrow());
  }

  @Test
  void prune_withoutABound_isAUsageError() {
    Run r = run("prune", "--dir", dir().toString());
    assertEquals(2, r.code());
    assertEquals("prune needs --max-bytes, --max-age or both",
        r.err().lines().findFirst().orElseThrow());
  }

  @Test
  void prune_badSize_isAUsageErrorQuotingIt() {
    Run r = run("prune", "--dir", dir().toString(), "--max-bytes", "lots");
    assertEquals(2, r.code());
    assertEquals("--max-bytes is \"lots\" (from the command line) but must be a size in bytes such"
        + " as 1048576, 512KiB, 64MiB or 2GiB", r.err().lines().findFirst().orElseThrow());
  }

  @Test
  void configKeyOutsideMemo_isAUsageError() {
    Run r = run("stats", "--dir", dir().toString(), "-D", "java.home=/x");
    assertEquals(2, r.code());
    assertEquals("configuration key \"java.home\" does not start with \"memo.\"",
        r.err().lines().findFirst().orElseThrow());
  }

  @Test
  void unknownStore_failsNamingTheAvailableOnes() {
    Run r = run("stats", "--store", "bogus");
    assertEquals(1, r.code());
    assertEquals("memo: memo.store is \"bogus\" (from the builder) but no store provider named"
        + " \"bogus\" is on the class path; add the module that provides it (available: directory,"
        + " memory, tiered, chronicle)" + System.lineSeparator(), r.err());
  }

  // ---------------------------------------------------------------- commands on a store

  @Test
  void ls_directoryStore_listsEachEntryWithItsHeader() {
    writeEntries("directory", 3, 2);
    Run r = run("ls", "--dir", dir().toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().collect(Collectors.toList());
    assertEquals("KEY                    SIZE      AGE  LAST ACCESS    COMPUTE  FUNCTION",
        lines.get(0));
    assertEquals(7, lines.size(), r.out());
    String row = "[0-9a-f]{16} +[0-9.]+ (B|KiB) +\\d+s +\\d+s ago +\\d+ (us|ms|s)  ";
    for (String line : lines.subList(1, 3)) {
      assertTrue(line.matches(row + "cube"), line);
    }
    for (String line : lines.subList(3, 6)) {
      assertTrue(line.matches(row + "square"), line);
    }
    assertEquals("5 entries", lines.get(6));
    assertEquals("", r.err());
  }

  @Test
  void ls_oneFunction_listsOnlyIt() {
    writeEntries("directory", 3, 2);
    Run r = run("ls", "--dir", dir().toString(), "cube");
    assertEquals(0, r.code(), r.err());
    assertEquals("2 entries", r.out().lines().reduce((a, b) -> b).orElseThrow());
  }

  @Test
  void ls_unknownFunction_failsSayingSo() {
    writeEntries("directory", 1, 0);
    Run r = run("ls", "--dir", dir().toString(), "nope");
    assertEquals(1, r.code());
    assertEquals("memo: no entries of \"nope\" in the directory store; memo ls lists the functions"
        + " that have entries" + System.lineSeparator(), r.err());
  }

  @Test
  void stats_sumsUpEachFunction() {
    writeEntries("directory", 3, 2);
    Run r = run("stats", "--dir", dir().toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().collect(Collectors.toList());
    assertEquals("   ENTRIES       SIZE  LAST ACCESS  FUNCTION", lines.get(0));
    assertTrue(lines.get(1).matches(" +2 +[0-9.]+ (B|KiB) +\\d+s ago  cube"), lines.get(1));
    assertTrue(lines.get(2).matches(" +3 +[0-9.]+ (B|KiB) +\\d+s ago  square"), lines.get(2));
    assertTrue(lines.get(3).matches(
        " +5 +[0-9.]+ (B|KiB) +  total in 2 functions \\(directory store\\)"), lines.get(3));
  }

  @Test
  void clear_removesTheFunctionsEntries() {
    writeEntries("directory", 3, 2);
    Run r = run("clear", "--dir", dir().toString(), "square");
    assertEquals(0, r.code(), r.err());
    assertEquals("removed 3 entries of \"square\"" + System.lineSeparator(), r.out());
    assertFalse(contains("directory", 1));
    assertEquals("2 entries", run("ls", "--dir", dir().toString()).out().lines()
        .reduce((a, b) -> b).orElseThrow());
  }

  @Test
  void prune_maxBytes_keepsTheStoreWithinThem() throws IOException {
    writeEntries("directory", 20, 0);
    Run r = run("prune", "--dir", dir().toString(), "--max-bytes", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("removed "), r.out());
    try (Stream<Path> files = Files.walk(dir())) {
      assertEquals(0, files.filter(p -> p.toString().endsWith(".entry")).count());
    }
    assertFalse(contains("directory", 1));
  }

  @Test
  void prune_maxAge_keepsEntriesUsedSinceThen() {
    writeEntries("directory", 4, 0);
    Run r = run("prune", "--dir", dir().toString(), "--max-age", "1d");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("removed 0 entries (0 B), kept "), r.out());
    assertTrue(contains("directory", 3));
  }

  @Test
  void verify_cleanStore_reportsAllGood() {
    writeEntries("directory", 3, 2);
    Run r = run("verify", "--dir", dir().toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("checked \\d+ entries \\([0-9.]+ (B|KiB)\\): all good\\R"), r.out());
    assertEquals("", r.err());
  }

  @Test
  void verify_damagedEntries_listsAndQuarantinesThem_andExitsWithOne() throws IOException {
    writeEntries("directory", 3, 0);
    List<Path> entries;
    try (Stream<Path> files = Files.walk(dir())) {
      entries = files.filter(p -> p.toString().endsWith(".entry"))
          .filter(p -> p.getParent().getParent().getFileName().toString().startsWith("square-"))
          .sorted().collect(Collectors.toList());
    }
    byte[] bytes = Files.readAllBytes(entries.get(0));
    Files.write(entries.get(0), Arrays.copyOf(bytes, bytes.length - 1));
    String key = entries.get(0).getFileName().toString().replace(".entry", "");
    Run r = run("verify", "--dir", dir().toString());
    assertEquals(1, r.code());
    List<String> lines = r.out().lines().collect(Collectors.toList());
    assertTrue(lines.get(0).matches("bad: \"square\" " + key
        + ": (entry is truncated after \\d+ payload bytes|payload end marker does not match the"
        + " bytes read)"), lines.get(0));
    assertTrue(lines.get(1).matches("checked \\d+ entries \\(.*\\): 1 bad, quarantined"), lines.get(1));
    assertFalse(Files.exists(entries.get(0)));
    assertEquals(0, run("verify", "--dir", dir().toString()).code());
  }

  @Test
  void verify_onATerminal_showsProgress_andPipedStaysQuiet() {
    writeEntries("directory", 3, 0);
    Run piped = run(false, "verify", "--dir", dir().toString());
    assertEquals("", piped.err());
    Run terminal = run(true, "verify", "--dir", dir().toString());
    assertEquals(0, terminal.code());
    assertTrue(terminal.err().startsWith("\rverifying 1/"), terminal.err());
    assertTrue(terminal.err().endsWith("\r\u001b[K"), terminal.err());
  }

  @Test
  void chronicleStore_byName_listsClearsAndVerifies() {
    writeEntries("chronicle", 3, 2);
    Run ls = run("ls", "--store", "chronicle", "--dir", dir().toString());
    assertEquals(0, ls.code(), ls.err());
    assertEquals("5 entries", ls.out().lines().reduce((a, b) -> b).orElseThrow());
    // Chronicle keeps no access times: the column shows none.
    assertTrue(ls.out().lines().skip(1).limit(5).allMatch(l -> l.matches(".* +- +\\d+ (us|ms|s)  \\w+")),
        ls.out());
    Run verify = run("verify", "--store", "chronicle", "--dir", dir().toString());
    assertEquals(0, verify.code(), verify.err());
    assertTrue(verify.out().endsWith("all good" + System.lineSeparator()), verify.out());
    Run clear = run("clear", "--store", "chronicle", "--dir", dir().toString(), "cube");
    assertEquals("removed 2 entries of \"cube\"" + System.lineSeparator(), clear.out());
    Run prune = run("prune", "--store", "chronicle", "--dir", dir().toString(), "--max-bytes", "1");
    assertEquals(0, prune.code(), prune.err());
    assertFalse(contains("chronicle", 1));
  }

  @Test
  void prune_chronicleByAge_isRefusedSayingWhy() {
    writeEntries("chronicle", 2, 0);
    Run prune = run("prune", "--store", "chronicle", "--dir", dir().toString(), "--max-age", "30d");
    assertEquals(1, prune.code());
    assertEquals("memo: the chronicle store at " + dir().toAbsolutePath().normalize() + " orders"
        + " entries by use, not by time, so it cannot prune them by age; prune it by size (memo"
        + " prune --max-bytes) or bound it with memo.store.chronicle.max-bytes"
        + System.lineSeparator(), prune.err());
    assertTrue(contains("chronicle", 1), "nothing removed");
  }
}
