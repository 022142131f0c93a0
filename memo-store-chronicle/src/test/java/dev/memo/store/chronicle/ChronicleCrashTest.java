package dev.memo.store.chronicle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.NotSigned;
import dev.memo.core.Memo;
import dev.memo.core.entry.EntryFormat;
import dev.memo.serde.java.JavaSerialization;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.ObjectInputFilter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process writing entries through a real {@link Memo} on a real chronicle store, killed with
 * SIGKILL ({@link Process#destroyForcibly()} on Linux and macOS) at random moments: what it leaves
 * must read as the right value or as a miss, no read may throw, and the store must keep working.
 *
 * <p>Fifty kills by default; {@code -Dmemotest.long=true} makes it five hundred. The seed is
 * printed and can be replayed with {@code -Dmemotest.crash.seed=<seed>}. Fifty child JVMs take
 * minutes, so the module's default test run leaves this class out (the pom's surefire excludes) and
 * CI runs it as a build step of its own, naming it: {@code mvn -B -ntp verify -pl
 * memo-store-chronicle -am -Dtest=ChronicleCrashTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
final class ChronicleCrashTest {
  private static final int KILLS = Boolean.getBoolean("memotest.long") ? 500 : 50;

  /** Arguments of run r start at r * RUN_SPAN, so that each run writes entries of its own. */
  private static final int RUN_SPAN = 1_000_000;

  /** How long a child may write before it is killed, at most. */
  private static final int MAX_DELAY_MILLIS = 60;

  /** The name the function is memoized under. */
  static final String FUNCTION = "series";

  /** How often this process computed each argument. */
  @NotSigned static final Map<Integer, AtomicInteger> COMPUTED = new ConcurrentHashMap<>();

  @TempDir Path dir;

  @BeforeEach
  void resetCounts() {
    COMPUTED.clear();
  }

  /**
   * The child: {@code crash <root> <first> <warm-up folder>} first warms up on a store of its own
   * in the warm-up folder (Chronicle generates and compiles a class when it first opens a map),
   * prints {@code ready} and waits for a line on stdin; then computes and stores {@code
   * series(first)} on the store at root, prints {@code writing}, and goes on with {@code
   * series(first + 1)}, … until it is killed. Warming up while the previous child writes keeps
   * fifty runs short; what is killed is the same as without it.
   *
   * @param args the mode and its arguments
   * @throws IOException if stdin cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (!args[0].equals("crash")) {
      throw new IllegalArgumentException("unknown mode " + args[0]);
    }
    int first = Integer.parseInt(args[2]);
    try (Memo memo = memo(Path.of(args[3]))) {
      memoized(memo).apply(first);
    }
    System.out.println("ready");
    System.out.flush();
    if (new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine()
        == null) {
      return; // The test ended without letting this child go.
    }
    try (Memo memo = memo(Path.of(args[1]))) {
      Function<Integer, long[]> f = memoized(memo);
      // The first call loads what is left to load; the kill is meant for the loop.
      f.apply(first);
      System.out.println("writing");
      System.out.flush();
      for (int n = first + 1; ; n++) {
        f.apply(n);
      }
    }
  }

  /**
   * The value of an argument: between 16 and 2063 longs (up to 16KiB, so some are kept in the map
   * and some as files beside it), the first the argument, the rest pseudo-random from it, so that a
   * torn or misplaced value cannot pass for a right one.
   */
  static long[] series(int n) {
    SplittableRandom random = new SplittableRandom(n);
    long[] values = new long[16 + Math.floorMod(n * 7919, 2048)];
    values[0] = n;
    for (int i = 1; i < values.length; i++) {
      values[i] = random.nextLong();
    }
    return values;
  }

  /** {@link #series}, counting the call in {@link #COMPUTED}: the function memoized. */
  static long[] countedSeries(int n) {
    COMPUTED.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
    return series(n);
  }

  /** A memoizer on the chronicle store at root with the java serde. */
  static Memo memo(Path root) {
    return Memo.builder()
        .store("chronicle")
        .serde("java")
        .config("memo.store.chronicle.path", root.toString())
        .build();
  }

  static Function<Integer, long[]> memoized(Memo memo) {
    return memo.function(FUNCTION, ChronicleCrashTest::countedSeries);
  }

  /** The child JVM's options: Chronicle's flags, a small heap and quick start-up. */
  static List<String> childOptions() {
    List<String> options = new ArrayList<>(ChildJvm.chronicleFlags());
    options.addAll(List.of("-Xmx64m", "-Xss512k", "-XX:+UseSerialGC", "-Xshare:auto"));
    return options;
  }

  @Test
  void killedWhileWriting_fiftyTimes_everyEntryIsRightOrAMiss_andTheStoreKeepsWorking()
      throws Exception {
    long seed = Long.getLong("memotest.crash.seed", System.nanoTime());
    System.out.println(
        "ChronicleCrashTest seed " + seed + " (replay with -Dmemotest.crash.seed=" + seed + ")");
    Random random = new Random(seed);
    Path root = dir.resolve("store");
    // Each child warms up while the one before it writes, then waits to be let go.
    Process next = startChild(root, 0);
    try {
      for (int run = 0; run < KILLS; run++) {
        Process child = next;
        Path log = log(run);
        try {
          awaitLine(child, log, "ready", seed);
          next = run + 1 < KILLS ? startChild(root, run + 1) : null;
          child.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
          child.getOutputStream().flush();
          awaitLine(child, log, "writing", seed);
          Thread.sleep(random.nextInt(MAX_DELAY_MILLIS + 1));
        } finally {
          child.destroyForcibly();
        }
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child " + run + " did not die");
        // 128 + SIGKILL: the child was killed while writing, it did not stop on its own.
        assertEquals(
            137,
            child.exitValue(),
            () -> "seed " + seed + ", child " + log + ":\n" + readQuietly(log));
      }
    } finally {
      if (next != null) {
        next.destroyForcibly();
      }
    }

    StoreCheck check = checkEveryEntry(root);
    System.out.println("ChronicleCrashTest after " + KILLS + " kills: " + check);
    assertTrue(check.values().size() > 0, "the children stored nothing; seed " + seed);
    assertTrue(check.records() > 0, "no record of the latest entry was stored; seed " + seed);

    // The store keeps working: each run's next arguments, one of them being written when the run
    // was killed, read as misses, are computed, stored and then hit.
    List<Integer> fresh = new ArrayList<>();
    try (Memo memo = memo(root)) {
      Function<Integer, long[]> f = memoized(memo);
      for (int run = 0; run < KILLS; run++) {
        int first = run * RUN_SPAN;
        int last =
            check.values().subSet(first, first + RUN_SPAN).stream().reduce(first - 1, Math::max);
        for (int n = first; n <= last + 3; n++) {
          if (!check.values().contains(n)) {
            fresh.add(n);
          }
        }
      }
      COMPUTED.clear();
      for (int n : fresh) {
        assertArrayEquals(series(n), f.apply(n), "argument " + n);
      }
      assertEquals(fresh.size(), computedCount(), "each new argument computed once");
      for (int n : fresh) {
        assertArrayEquals(series(n), f.apply(n), "argument " + n);
      }
      assertEquals(fresh.size(), computedCount(), "the new entries were hits");
      assertEquals(0, memo.stats().loadFailureCount(), "seed " + seed);
      assertEquals(0, memo.stats().storeFailureCount(), "seed " + seed);
    }
    assertEquals(check.values().size() + fresh.size(), checkEveryEntry(root).values().size());
  }

  private Path log(int run) {
    return dir.resolve("child-" + run + ".log");
  }

  private Process startChild(Path root, int run) throws IOException {
    return ChildJvm.start(
        log(run),
        childOptions(),
        ChronicleCrashTest.class,
        "crash",
        root.toString(),
        Integer.toString(run * RUN_SPAN),
        dir.resolve("warm-up-" + run).toString());
  }

  private static int computedCount() {
    return COMPUTED.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** Waits for a line in a child's log, failing with the log if the child ends first. */
  static void awaitLine(Process child, Path log, String line, long seed) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (System.nanoTime() < deadline) {
      String out = ChildJvm.read(log);
      if (out.lines().anyMatch(line::equals)) {
        return;
      }
      if (!child.isAlive()) {
        throw new AssertionError(
            "seed "
                + seed
                + ": child ended with "
                + child.exitValue()
                + " before printing \""
                + line
                + "\":\n"
                + out);
      }
      Thread.sleep(2);
    }
    throw new AssertionError(
        "seed "
            + seed
            + ": child did not print \""
            + line
            + "\" in a minute:\n"
            + ChildJvm.read(log));
  }

  private static String readQuietly(Path log) {
    try {
      return ChildJvm.read(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /**
   * What {@link #checkEveryEntry} found: the arguments whose entries hold their right value and the
   * number of miss records.
   */
  record StoreCheck(TreeSet<Integer> values, int records) {
    @Override
    public String toString() {
      return values.size() + " entries, " + records + " records";
    }
  }

  /**
   * Reads every record of the store's map, as this process opening the store alone finds it: each
   * must be a whole entry (header, payload and end marker intact) held inline or in an existing
   * file, either a miss record or the right value of the argument it names; every value must then
   * be a hit through a new {@link Memo}, without a load failure, and nothing may have been
   * quarantined.
   *
   * @param root the store's folder
   * @return what was found
   */
  static StoreCheck checkEveryEntry(Path root) throws IOException {
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> records = new ArrayList<>();
    try (ChronicleStore store = Payloads.open(root)) {
      store
          .shared()
          .withMap(
              m -> {
                // Iteration reuses the arrays it returns for a key or value of the same length:
                // copy them.
                m.forEachEntry(
                    e -> {
                      keys.add(e.key().get().clone());
                      records.add(e.value().get().clone());
                    });
                return null;
              });
      TreeSet<Integer> values = new TreeSet<>();
      Map<Integer, String> keyOf = new java.util.HashMap<>();
      int missRecords = 0;
      int repeated = 0;
      for (int i = 0; i < records.size(); i++) {
        byte[] r = records.get(i);
        String key = java.util.HexFormat.of().formatHex(keys.get(i));
        assertTrue(Records.valid(r), "a record of a kind the store does not write");
        try (InputStream in = open(store, r)) {
          EntryFormat.Header header = EntryFormat.readHeader(in);
          EntryFormat.PayloadInputStream payload = EntryFormat.payloadInput(in);
          if (header.serde().equals("memo-record")) {
            payload.verifyEnd();
            assertEquals(0, payload.size(), "a miss record with a payload");
            missRecords++;
          } else {
            assertEquals("java", header.serde());
            assertEquals(FUNCTION, header.metadata().get("function"));
            long[] value =
                (long[]) JavaSerialization.read(payload, info -> ObjectInputFilter.Status.ALLOWED);
            payload.verifyEnd();
            assertEquals(-1, in.read(), "bytes after an entry's end");
            int n = (int) value[0];
            assertArrayEquals(series(n), value, () -> "value of argument " + n);
            String other = keyOf.putIfAbsent(n, key);
            // The same value under two keys would mean memo's signatures of an argument differ.
            assertTrue(
                other == null || other.equals(key),
                () -> "two keys hold argument " + n + ": " + other + ", " + key);
            if (!values.add(n)) {
              repeated++;
              System.out.println(
                  "ChronicleCrashTest: key "
                      + key
                      + " (argument "
                      + n
                      + ") is in"
                      + " the map twice after recovery");
            }
          }
        }
      }
      assertFalse(Files.exists(root.resolve(ChronicleStore.QUARANTINE)), "nothing quarantined");
      COMPUTED.clear();
      try (Memo memo = memo(root)) {
        Function<Integer, long[]> f = memoized(memo);
        for (int n : values) {
          assertArrayEquals(series(n), f.apply(n), "argument " + n);
        }
        assertEquals(Map.of(), COMPUTED, "every entry found in the map is a hit");
        assertEquals(values.size(), memo.stats().hitCount());
        assertEquals(0, memo.stats().loadFailureCount());
        // A miss reads the function's latest record to explain itself.
        assertFalse(memo.explain(f, -1).isHit());
      }
      assertFalse(Files.exists(root.resolve(ChronicleStore.QUARANTINE)), "nothing quarantined");
      assertEquals(0, repeated, repeated + " keys are in the map twice");
      return new StoreCheck(values, missRecords);
    }
  }

  private static InputStream open(ChronicleStore store, byte[] r) throws IOException {
    if (!Records.isBlob(r)) {
      return new ByteArrayInputStream(r, Records.HEADER, r.length - Records.HEADER);
    }
    Path file = store.shared().blobPath(Records.blobId(r));
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new AssertionError("the file of an entry in the map is missing: " + file, e);
    }
  }
}
