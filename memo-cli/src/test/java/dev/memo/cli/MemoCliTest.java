package dev.memo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.NotSigned;
import dev.memo.core.Memo;
import dev.memo.core.admin.StoreAdmin;
import dev.memo.core.entry.EntryFormat;
import dev.memo.core.entry.MissReasons;
import dev.memo.core.store.DirectoryStoreProvider;
import dev.memo.spi.Store;
import dev.memo.spi.StoreEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    try (Memo memo =
        Memo.builder()
            .store(store)
            .config("memo.store." + store + ".path", dir().toString())
            .build()) {
      Function<Integer, Long> square =
          memo.function(
              "square",
              x -> {
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

  private long entryFiles() throws IOException {
    try (Stream<Path> files = Files.walk(dir())) {
      return files
          .filter(p -> p.toString().endsWith(".entry"))
          .filter(p -> !p.toString().contains(".quarantine"))
          .count();
    }
  }

  private boolean contains(String store, int x) {
    try (Memo memo =
        Memo.builder()
            .store(store)
            .config("memo.store." + store + ".path", dir().toString())
            .build()) {
      Function<Integer, Long> square =
          memo.function(
              "square",
              y -> {
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
    assertEquals(
        String.join(
            "\n",
            "Usage: memo [-hV] [COMMAND]",
            "Inspects and maintains a memo store.",
            "  -h, --help      Show this help message and exit.",
            "  -V, --version   Print version information and exit.",
            "Commands:",
            "  ls      Lists entries with their size, age, last access, compute time and why",
            "            their function last missed.",
            "  stats   Sums up the entries and bytes of each function.",
            "  prune   Removes entries unused for longer than --max-age, then the least",
            "            recently used until at most --max-bytes remain.",
            "  clear   Removes every entry of a function, or with --all of the whole store.",
            "  verify  Checks every entry's header, key, checksums and end without",
            "            deserializing it; quarantines bad entries. Exits with 1 when it",
            "            found a bad or unreadable one.",
            "  why     Shows why a function last missed: the code, environment items and",
            "            parameters that differed from its entry before.",
            "  help    Display help information about the specified command.",
            ""),
        r.out().replace(System.lineSeparator(), "\n"));
    assertEquals("", r.err());
  }

  @Test
  void help_ofClear_showsItsParameterAndStoreOptions() {
    Run r = run("clear", "--help");
    assertEquals(0, r.code());
    assertEquals(
        String.join(
            "\n",
            "Usage: memo clear [-hV] [--all] [--dir=<path>] [--store=<name>]",
            "                  [-D=<key=value>]... [<function>]",
            "Removes every entry of a function, or with --all of the whole store.",
            "      [<function>]           the function, as memo ls shows it",
            "      --all                  every entry, memo's own records and kept code",
            "  -D, --config=<key=value>   a memo configuration value, such as -D memo.store.",
            "                               directory.max-bytes=10GiB",
            "      --dir=<path>           the folder of a directory or chronicle store",
            "                               (default: memo.store.<name>.path, else .memo)",
            "  -h, --help                 Show this help message and exit.",
            "      --store=<name>         the store: directory, chronicle, redis, tiered or",
            "                               another provider's name (default: memo.store,",
            "                               else directory)",
            "  -V, --version              Print version information and exit.",
            ""),
        r.out().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void everyCommand_hasHelp() {
    for (String command : List.of("ls", "stats", "prune", "clear", "verify", "why")) {
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
    assertTrue(
        r.err()
            .startsWith(
                "memo: a command is required"
                    + System.lineSeparator()
                    + "Usage: memo [-hV] [COMMAND]"),
        r.err());
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
    assertEquals(
        "prune needs --max-bytes, --max-age or both", r.err().lines().findFirst().orElseThrow());
  }

  @Test
  void prune_badSize_isAUsageErrorQuotingIt() {
    Run r = run("prune", "--dir", dir().toString(), "--max-bytes", "lots");
    assertEquals(2, r.code());
    assertEquals(
        "--max-bytes is \"lots\" (from the command line) but must be a size in bytes such"
            + " as 1048576, 512KiB, 64MiB or 2GiB",
        r.err().lines().findFirst().orElseThrow());
  }

  @Test
  void configKeyOutsideMemo_isAUsageError() {
    Run r = run("stats", "--dir", dir().toString(), "-D", "java.home=/x");
    assertEquals(2, r.code());
    assertEquals(
        "configuration key \"java.home\" does not start with \"memo.\"",
        r.err().lines().findFirst().orElseThrow());
  }

  @Test
  void unknownStore_failsNamingTheAvailableOnes() {
    Run r = run("stats", "--store", "bogus");
    assertEquals(1, r.code());
    assertEquals(
        "memo: memo.store is \"bogus\" (from the builder) but no store provider named"
            + " \"bogus\" is on the class path; add the module that provides it (available: directory,"
            + " memory, tiered, chronicle, redis)"
            + System.lineSeparator(),
        r.err());
  }

  // ---------------------------------------------------------------- commands on a store

  @Test
  void ls_directoryStore_listsEachEntryWithItsHeader() {
    writeEntries("directory", 3, 2);
    Run r = run("ls", "--dir", dir().toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().collect(Collectors.toList());
    assertEquals(
        "KEY                    SIZE      AGE  LAST ACCESS    COMPUTE  LAST MISS  FUNCTION",
        lines.get(0));
    assertEquals(7, lines.size(), r.out());
    // Each function last missed on a new argument: apply(1) after apply(0).
    String row = "[0-9a-f]{16} +[0-9.]+ (B|KiB) +\\d+s +\\d+s ago +\\d+ (us|ms|s)  args       ";
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
    assertEquals(
        "memo: no entries of \"nope\" in the directory store; memo ls lists the functions"
            + " that have entries"
            + System.lineSeparator(),
        r.err());
  }

  @Test
  void stats_sumsUpEachFunction() {
    writeEntries("directory", 3, 2);
    Run r = run("stats", "--dir", dir().toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().collect(Collectors.toList());
    assertEquals("   ENTRIES       SIZE    ON DISK  LAST ACCESS  FUNCTION", lines.get(0));
    String size = "[0-9.]+ (B|KiB)";
    assertTrue(
        lines.get(1).matches(" +2 +" + size + " +" + size + " +\\d+s ago  cube"), lines.get(1));
    assertTrue(
        lines.get(2).matches(" +3 +" + size + " +" + size + " +\\d+s ago  square"), lines.get(2));
    assertTrue(
        lines
            .get(3)
            .matches(
                " +5 +" + size + " +" + size + " +  total in 2 functions \\(directory store\\)"),
        lines.get(3));
  }

  @Test
  void clear_removesTheFunctionsEntries() {
    writeEntries("directory", 3, 2);
    Run r = run("clear", "--dir", dir().toString(), "square");
    assertEquals(0, r.code(), r.err());
    assertEquals("removed 3 entries of \"square\"" + System.lineSeparator(), r.out());
    assertFalse(contains("directory", 1));
    assertEquals(
        "2 entries",
        run("ls", "--dir", dir().toString()).out().lines().reduce((a, b) -> b).orElseThrow());
  }

  @Test
  void clearAll_removesEveryFunctionsEntries() throws IOException {
    writeEntries("directory", 3, 2);
    long files = entryFiles();
    assertTrue(files > 5, "five entries of calls and the records explain keeps: " + files);
    Path kept = Files.createDirectories(dir().resolve(".code")).resolve("0a1b.code");
    Files.writeString(kept, "a function's walked code");
    Run r = run("clear", "--dir", dir().toString(), "--all");
    assertEquals(0, r.code(), r.err());
    assertEquals(
        "removed " + files + " entries from the directory store" + System.lineSeparator(), r.out());
    assertEquals(0, entryFiles());
    assertFalse(Files.exists(dir().resolve(".code")), "the kept code goes too");
    assertFalse(contains("directory", 1));
  }

  @Test
  void clear_withBothAFunctionAndAll_orNeither_isAUsageError() {
    for (String[] args :
        List.of(new String[] {"clear", "--all", "square"}, new String[] {"clear"})) {
      Run r = run(args);
      assertEquals(2, r.code());
      assertTrue(r.err().startsWith("clear needs either a function or --all"), r.err());
    }
  }

  @Test
  void prune_maxAgeZero_removesEveryEntry() throws IOException {
    writeEntries("directory", 4, 0);
    long files = entryFiles();
    Run r = run("prune", "--dir", dir().toString(), "--max-age", "0s");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("removed " + files + " entries ("), r.out());
    assertEquals(0, entryFiles());
    assertTrue(r.out().contains("), kept 0 (0 B)"), r.out());
    assertFalse(contains("directory", 3));
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
      entries =
          files
              .filter(p -> p.toString().endsWith(".entry"))
              .filter(p -> p.getParent().getParent().getFileName().toString().startsWith("square-"))
              .sorted()
              .collect(Collectors.toList());
    }
    byte[] bytes = Files.readAllBytes(entries.get(0));
    Files.write(entries.get(0), Arrays.copyOf(bytes, bytes.length - 1));
    String key = entries.get(0).getFileName().toString().replace(".entry", "");
    Run r = run("verify", "--dir", dir().toString());
    assertEquals(1, r.code());
    List<String> lines = r.out().lines().collect(Collectors.toList());
    assertTrue(
        lines
            .get(0)
            .matches(
                "bad: \"square\" "
                    + key
                    + ": (entry is truncated after \\d+ payload bytes|payload end marker does not match the"
                    + " bytes read)"),
        lines.get(0));
    assertTrue(
        lines.get(1).matches("checked \\d+ entries \\(.*\\): 1 bad, quarantined"), lines.get(1));
    assertFalse(Files.exists(entries.get(0)));
    assertEquals(0, run("verify", "--dir", dir().toString()).code());
  }

  private List<Path> entryFiles(String function) throws IOException {
    try (Stream<Path> files = Files.walk(dir())) {
      return files
          .filter(p -> p.toString().endsWith(".entry"))
          .filter(
              p -> p.getParent().getParent().getFileName().toString().startsWith(function + "-"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  /** Swaps two entry files: each now stands where the other key's entry belongs. */
  private static void swap(Path a, Path b) throws IOException {
    Path temp = a.resolveSibling("swap");
    Files.move(a, temp);
    Files.move(b, a);
    Files.move(temp, b);
  }

  private static String keyOf(Path entry) {
    return entry.getFileName().toString().replace(".entry", "");
  }

  @Test
  void ls_swappedEntries_showWhyTheyCannotBeUsed_notTheirHeaders() throws IOException {
    writeEntries("directory", 2, 0);
    List<Path> entries = entryFiles("square");
    Path a = entries.get(0);
    Path b = entries.get(1);
    swap(a, b);

    Run r = run("ls", "--dir", dir().toString());

    assertEquals(0, r.code(), r.err());
    String line =
        r.out()
            .lines()
            .filter(l -> l.startsWith(keyOf(a).substring(0, 16)))
            .findFirst()
            .orElseThrow(() -> new AssertionError(r.out()));
    assertTrue(
        line.endsWith(
            "square  (not usable: entry was written for key "
                + keyOf(b)
                + " of \"square\" but read as key "
                + keyOf(a)
                + " of \"square\": it was moved, copied or linked to another key's place; memo"
                + " verify quarantines it)"),
        line);
    // No age or compute time is shown from the header of an entry that belongs elsewhere.
    assertTrue(line.matches("\\p{XDigit}{16} +\\d+ B +- +\\S+ ago +- .*"), line);
  }

  @Test
  void verify_swappedEntries_reportsBothAsMoved_quarantinesThem_andExitsWithOne()
      throws IOException {
    writeEntries("directory", 3, 0);
    List<Path> entries = entryFiles("square");
    Path a = entries.get(0);
    Path b = entries.get(1);
    swap(a, b);

    Run r = run("verify", "--dir", dir().toString());

    assertEquals(1, r.code(), r.err());
    List<String> lines = r.out().lines().collect(Collectors.toList());
    assertEquals(3, lines.size(), r.out());
    assertEquals(
        "bad: \"square\" "
            + keyOf(a)
            + ": entry was written for key "
            + keyOf(b)
            + " of \"square\" but read as key "
            + keyOf(a)
            + " of \"square\": it was moved, copied or"
            + " linked to another key's place",
        lines.get(0));
    assertEquals(
        "bad: \"square\" "
            + keyOf(b)
            + ": entry was written for key "
            + keyOf(a)
            + " of \"square\" but read as key "
            + keyOf(b)
            + " of \"square\": it was moved, copied or"
            + " linked to another key's place",
        lines.get(1));
    assertTrue(
        lines.get(2).matches("checked 5 entries \\(.*\\): 2 bad, quarantined"), lines.get(2));
    assertFalse(Files.exists(a));
    assertFalse(Files.exists(b));
    assertEquals(0, run("verify", "--dir", dir().toString()).code());
  }

  @Test
  void verify_keyedStoreUntouched_findsEntriesAndRecordsGood_andExitsWithZero() throws IOException {
    Path keyFile = tempDir.resolve("integrity.key");
    Files.writeString(keyFile, "a".repeat(44));
    try (Memo memo =
        Memo.builder()
            .store("directory")
            .config("memo.store.directory.path", dir().toString())
            .config("memo.integrity.key-file", keyFile.toString())
            .build()) {
      Function<Integer, Long> square = memo.function("square", x -> (long) x * x);
      for (int i = 0; i < 3; i++) {
        square.apply(i);
      }
    }

    Run r = run("verify", "--dir", dir().toString(), "-D", "memo.integrity.key-file=" + keyFile);

    assertEquals(0, r.code(), r.out() + r.err());
    // Three entries, and explain's records: the latest entry of the function, its code manifest.
    assertTrue(r.out().matches("checked 5 entries \\([0-9.]+ (B|KiB)\\): all good\\R"), r.out());
    assertEquals("", r.err());
  }

  @Test
  void verify_directoryWhereAnEntryBelongs_isBad_andTheRestIsChecked() throws IOException {
    writeEntries("directory", 3, 0);
    List<Path> entries = entryFiles("square");
    Path entry = entries.get(0);
    Files.delete(entry);
    Files.createDirectory(entry);
    Files.writeString(entry.resolve("inside"), "not an entry");
    Path truncated = entries.get(1);
    byte[] bytes = Files.readAllBytes(truncated);
    Files.write(truncated, Arrays.copyOf(bytes, 5));

    Run r = run("verify", "--dir", dir().toString());

    assertEquals(1, r.code(), r.err());
    List<String> lines = r.out().lines().collect(Collectors.toList());
    // A directory where an entry belongs is never opened: it is a broken entry, quarantined.
    assertEquals(
        Set.of(
            "bad: \"square\" " + keyOf(truncated) + ": entry is truncated inside its header",
            "bad: \"square\" "
                + keyOf(entry)
                + ": entry file "
                + entry
                + " is a directory, not a regular file"),
        Set.copyOf(lines.subList(0, 2)),
        r.out());
    assertTrue(
        lines.get(2).matches("checked 5 entries \\(.*\\): 2 bad, quarantined.*"), lines.get(2));
    assertFalse(Files.exists(entry), "the directory was moved to the quarantine");
  }

  @Test
  void verify_entryOfFormatVersion1_isReportedOutdated_andExitsWithZero() throws IOException {
    writeEntries("directory", 1, 0);
    Path entry = entryFiles("square").get(0);
    Files.write(entry, versionOne(Files.readAllBytes(entry)));

    Run r = run("verify", "--dir", dir().toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(
        List.of(
            "outdated: \"square\" "
                + keyOf(entry)
                + ": entry format version 1 does"
                + " not record its key, so a moved or copied entry cannot be told from its own; it is"
                + " computed again"),
        r.out().lines().limit(1).collect(Collectors.toList()),
        r.out());
    assertTrue(
        r.out()
            .lines()
            .skip(1)
            .findFirst()
            .orElseThrow()
            .matches("checked 3 entries \\(.*\\): 1 outdated, computed again on their next call"),
        r.out());
    assertTrue(Files.exists(entry));
  }

  /** An entry as format version 1 wrote it: no namespace or key in its header. */
  private static byte[] versionOne(byte[] entry) {
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(entry);
    in.position(5);
    byte[] header = new byte[in.getInt()];
    in.get(header);
    in.getInt();
    byte[] rest = new byte[in.remaining()];
    in.get(rest);
    int at = 0;
    int[] ends = new int[4]; // serde | signer | namespace | key, each u16 length + bytes
    for (int i = 0; i < 4; i++) {
      at += 2 + (((header[at] & 0xFF) << 8) | (header[at + 1] & 0xFF));
      ends[i] = at;
    }
    byte[] v1 = new byte[header.length - (ends[3] - ends[1])];
    System.arraycopy(header, 0, v1, 0, ends[1]);
    System.arraycopy(header, ends[3], v1, ends[1], header.length - ends[3]);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(v1);
    return java.nio.ByteBuffer.allocate(9 + v1.length + 4 + rest.length)
        .put(new byte[] {'M', 'E', 'M', 'O', 1})
        .putInt(v1.length)
        .put(v1)
        .putInt((int) crc.getValue())
        .put(rest)
        .array();
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
    assertTrue(
        ls.out()
            .lines()
            .skip(1)
            .limit(5)
            .allMatch(l -> l.matches(".* +- +\\d+ (us|ms|s)  args +\\w+")),
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
    assertEquals(
        "memo: the chronicle store at "
            + dir().toAbsolutePath().normalize()
            + " orders"
            + " entries by use, not by time, so it cannot prune them by age; prune it by size (memo"
            + " prune --max-bytes) or bound it with memo.store.chronicle.max-bytes"
            + System.lineSeparator(),
        prune.err());
    assertTrue(contains("chronicle", 1), "nothing removed");
  }

  // ---------------------------------------------------------------- why

  /** A function whose lambda captures {@code rate}: the same code, another captured value. */
  private void writeScaled(long rate, int... xs) {
    try (Memo memo =
        Memo.builder()
            .store("directory")
            .config("memo.store.directory.path", dir().toString())
            .build()) {
      Function<Integer, Long> scaled = memo.function("scaled", x -> x * rate);
      for (int x : xs) {
        scaled.apply(x);
      }
    }
  }

  /** When the last miss of a function was recorded, as memo why prints it. */
  private String lastMissAt(String function) {
    try (StoreAdmin admin =
        StoreAdmin.open("directory", Map.of("memo.store.directory.path", dir().toString()))) {
      return admin.lastMiss(function).orElseThrow().at().orElseThrow().toString();
    }
  }

  private static String lines(String... lines) {
    return Stream.of(lines).map(l -> l + System.lineSeparator()).collect(Collectors.joining());
  }

  @Test
  void why_capturedVariableChanged_namesTheCapturedVariable() {
    writeScaled(2, 7);
    writeScaled(3, 7);
    Run r = run("why", "--dir", dir().toString(), "scaled");
    assertEquals(0, r.code(), r.err());
    assertEquals(
        lines(
            "last miss of \"scaled\" at " + lastMissAt("scaled") + ":",
            "  environment differs in captured variable 0"),
        r.out());
    assertEquals("", r.err());
  }

  @Test
  void why_argumentChanged_namesTheParameter() {
    writeEntries("directory", 2, 0);
    Run r = run("why", "--dir", dir().toString(), "square");
    assertEquals(0, r.code(), r.err());
    assertEquals(
        lines(
            "last miss of \"square\" at " + lastMissAt("square") + ":",
            "  argument differs in parameter 0"),
        r.out());
  }

  @Test
  void why_afterTheFirstCall_saysThereWasNothingToCompareWith() {
    writeEntries("directory", 1, 0);
    Run r = run("why", "--dir", dir().toString(), "square");
    assertEquals(0, r.code(), r.err());
    assertEquals(
        lines(
            "last miss of \"square\" at " + lastMissAt("square") + ":",
            "  no earlier entry to compare with (the first call stored)"),
        r.out());
  }

  @Test
  void why_aHitDoesNotReplaceTheReason() {
    writeScaled(2, 7);
    writeScaled(3, 7, 7);
    Run r = run("why", "--dir", dir().toString(), "scaled");
    assertEquals(
        lines(
            "last miss of \"scaled\" at " + lastMissAt("scaled") + ":",
            "  environment differs in captured variable 0"),
        r.out());
  }

  @Test
  void why_unknownFunction_failsSayingSo() {
    writeEntries("directory", 1, 0);
    Run r = run("why", "--dir", dir().toString(), "nope");
    assertEquals(1, r.code());
    assertEquals("", r.out());
    assertEquals(
        "memo: no entries of \"nope\" in the directory store; memo ls lists the functions"
            + " that have entries"
            + System.lineSeparator(),
        r.err());
  }

  @Test
  void why_withoutAFunction_isAUsageError() {
    Run r = run("why", "--dir", dir().toString());
    assertEquals(2, r.code());
    assertEquals(
        "Missing required parameter: '<function>'", r.err().lines().findFirst().orElseThrow());
  }

  @Test
  void why_recordOfAnEarlierMemo_saysNoReasonRecorded() throws IOException {
    writeEntries("directory", 2, 1);
    String at = lastMissAt("square");
    rewriteRecordsWithoutReasons();
    Run r = run("why", "--dir", dir().toString(), "square");
    assertEquals(1, r.code());
    assertEquals("", r.out());
    assertEquals(
        "memo: no reason recorded for the last miss of \"square\" at "
            + at
            + " (an"
            + " earlier version of memo wrote its record); the next miss will record one"
            + System.lineSeparator(),
        r.err());
    Run ls = run("ls", "--dir", dir().toString(), "cube");
    assertTrue(
        ls.out().lines().skip(1).findFirst().orElseThrow().endsWith("  ?          cube"), ls.out());
  }

  @Test
  void why_recordRemoved_failsSayingNothingIsRecorded() throws IOException {
    writeEntries("directory", 1, 0);
    try (Store store = directoryStore()) {
      List<StoreEntry> records = new ArrayList<>();
      store.forEachEntry(MissReasons.NAMESPACE, records::add);
      for (StoreEntry e : records) {
        store.remove(MissReasons.NAMESPACE, e.key());
      }
    }
    Run r = run("why", "--dir", dir().toString(), "square");
    assertEquals(1, r.code());
    assertEquals(
        "memo: no miss of \"square\" is recorded in the directory store; memo records"
            + " the reason of each miss from now on"
            + System.lineSeparator(),
        r.err());
    Run ls = run("ls", "--dir", dir().toString());
    assertTrue(
        ls.out().lines().skip(1).findFirst().orElseThrow().endsWith("  -          square"),
        ls.out());
  }

  private Store directoryStore() {
    return new DirectoryStoreProvider()
        .create(
            MemoConfig.of(Map.of("memo.store.directory.path", dir().toString()))
                .scoped("memo.store.directory"));
  }

  /** Rewrites each latest-entry record as memo wrote it before it kept reasons. */
  private void rewriteRecordsWithoutReasons() throws IOException {
    try (Store store = directoryStore()) {
      List<StoreEntry> records = new ArrayList<>();
      store.forEachEntry(MissReasons.NAMESPACE, records::add);
      for (StoreEntry e : records) {
        EntryFormat.Header h;
        try (InputStream in = store.get(MissReasons.NAMESPACE, e.key()).orElseThrow()) {
          h = EntryFormat.readHeader(in);
        }
        Map<String, String> old = new LinkedHashMap<>(h.metadata());
        if (old.keySet().removeIf(k -> k.startsWith("miss."))) {
          EntryFormat.Header header =
              new EntryFormat.Header(h.serde(), h.signer(), MissReasons.NAMESPACE, e.key(), old);
          store.remove(MissReasons.NAMESPACE, e.key());
          store.put(
              MissReasons.NAMESPACE,
              e.key(),
              out -> {
                EntryFormat.writeHeader(header, old, out);
                EntryFormat.payloadOutput(out).close();
              });
        }
      }
    }
  }
}
