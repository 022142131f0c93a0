package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.core.admin.Progress;
import dev.memo.core.admin.StoreAdmin;
import dev.memo.core.code.CodeSigner;
import dev.memo.core.entry.EntryFormat;
import dev.memo.core.fakes.SerialSerdeProvider.SerialSerde;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process writing entries through a real {@link Memo} on a real directory store, killed with
 * SIGKILL ({@link Process#destroyForcibly()} on Linux and macOS) at random moments: what it leaves
 * must read as the right value or as a miss, and the store must keep working.
 *
 * <p>Fifty kills by default; {@code -Dmemotest.long=true} makes it five hundred. The seed is
 * printed and can be replayed with {@code -Dmemotest.crash.seed=<seed>}.
 */
final class CrashTest {
  private static final int KILLS = Boolean.getBoolean("memotest.long") ? 500 : 50;

  /** Arguments of run r start at r * RUN_SPAN, so that each run writes entries of its own. */
  private static final int RUN_SPAN = 1_000_000;

  /** How long a child may write before it is killed, at most (ten times that for every tenth). */
  private static final int MAX_DELAY_MILLIS = 60;

  @TempDir Path tempDir;

  @BeforeEach
  void resetCounts() {
    ProcessChild.COMPUTED.clear();
  }

  @Test
  void killedWhileWriting_fiftyTimes_everyEntryIsRightOrAMiss_andTheStoreKeepsWorking()
      throws Exception {
    long seed = Long.getLong("memotest.crash.seed", System.nanoTime());
    System.out.println(
        "CrashTest seed " + seed + " (replay with -Dmemotest.crash.seed=" + seed + ")");
    Random random = new Random(seed);
    Path root = tempDir.resolve("store");
    for (int run = 0; run < KILLS; run++) {
      Path errors = tempDir.resolve("child-" + run + ".err");
      try (ChildJvm child =
          ChildJvm.start(errors, "crash", root.toString(), Integer.toString(run * RUN_SPAN))) {
        assertEquals("writing", child.readLine());
        // Every tenth child writes ten times longer, so that its writer thread, which publishes
        // the records behind the calls, has run before the kill even on a saturated machine.
        int maxDelay = run % 10 == 9 ? 10 * MAX_DELAY_MILLIS : MAX_DELAY_MILLIS;
        Thread.sleep(random.nextInt(maxDelay + 1));
        child.process.destroyForcibly();
        assertTrue(child.process.waitFor(30, TimeUnit.SECONDS), "child " + run + " did not die");
        // 128 + SIGKILL: the child was killed while writing, it did not stop on its own.
        assertEquals(
            137,
            child.process.exitValue(),
            () -> "seed " + seed + ", child " + errors + ":\n" + child.errors());
      }
    }

    StoreCheck check = checkEveryEntry(root);
    System.out.println("CrashTest after " + KILLS + " kills: " + check);
    assertTrue(check.values().size() > 0, "the children stored nothing; seed " + seed);
    assertTrue(check.records() > 0, "no record of the latest entry was stored; seed " + seed);
    // memo verify (the CLI's check of every entry's header, checksums and end) agrees.
    try (StoreAdmin admin =
        StoreAdmin.open("directory", Map.of("memo.store.directory.path", root.toString()))) {
      StoreAdmin.Verified verified = admin.verify(Progress.NONE);
      assertEquals(List.of(), verified.bad(), "seed " + seed);
      assertTrue(
          verified.checked() >= check.values().size() + check.records(),
          () -> verified + " checked fewer entries than the store holds; seed " + seed);
    }

    // The store keeps working: each run's next arguments, one of them being written when the run
    // was killed (its temporary file may still be there), are computed, stored and then hit.
    List<Integer> next = new ArrayList<>();
    try (Memo memo = ProcessChild.memo(root, Map.of())) {
      Function<Integer, long[]> f = ProcessChild.memoized(memo);
      for (int run = 0; run < KILLS; run++) {
        int first = run * RUN_SPAN;
        int last =
            check.values().subSet(first, first + RUN_SPAN).stream().reduce(first - 1, Math::max);
        for (int n = first; n <= last + 3; n++) {
          if (!check.values().contains(n)) {
            next.add(n);
          }
        }
      }
      ProcessChild.COMPUTED.clear();
      for (int n : next) {
        assertArrayEquals(ProcessChild.series(n), f.apply(n), "argument " + n);
      }
      assertEquals(next.size(), computedCount(), "each new argument computed once");
      for (int n : next) {
        assertArrayEquals(ProcessChild.series(n), f.apply(n), "argument " + n);
      }
      assertEquals(next.size(), computedCount(), "the new entries were hits");
      assertEquals(0, memo.stats().loadFailureCount());
      assertEquals(0, memo.stats().storeFailureCount());
    }
    assertEquals(check.values().size() + next.size(), checkEveryEntry(root).values().size());
  }

  private static int computedCount() {
    return ProcessChild.COMPUTED.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /**
   * What {@link #checkEveryEntry} found: the arguments whose entries hold their right value, the
   * number of miss records, and the temporary files left by killed writers.
   */
  record StoreCheck(TreeSet<Integer> values, int records, int temporaryFiles) {
    @Override
    public String toString() {
      return values.size()
          + " entries, "
          + records
          + " records, "
          + temporaryFiles
          + " temporary files left";
    }
  }

  /**
   * Walks every file of the store at root and reads every entry back: each {@code .entry} file must
   * be a whole entry (header, payload and end marker intact) holding the right value of the
   * argument it names, and must then be a hit through a new {@link Memo}; each miss record must be
   * whole and {@code explain} must read it. Nothing may have been quarantined, and no file other
   * than entries and temporary files may exist. A process killed between writing and renaming
   * leaves only its temporary file, so none of this may fail after a crash.
   *
   * @param root the store's root
   * @return what was found
   */
  static StoreCheck checkEveryEntry(Path root) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    SerialSerde serde = new SerialSerde("test-serial");
    TreeSet<Integer> values = new TreeSet<>();
    int records = 0;
    int temporary = 0;
    for (Path file : files) {
      String name = file.getFileName().toString();
      assertFalse(root.relativize(file).startsWith(".quarantine"), () -> "quarantined: " + file);
      if (name.equals(".namespace")) {
        continue; // the store's record of the folder's namespace name
      }
      if (root.relativize(file).startsWith(CodeSigner.CACHE_FOLDER)) {
        continue; // walked code kept for the next process, not an entry
      }
      if (name.startsWith(".") && name.endsWith(".tmp")) {
        temporary++;
        continue;
      }
      assertTrue(name.endsWith(".entry"), () -> "unexpected file " + file);
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
        EntryFormat.Header header = EntryFormat.readHeader(in);
        EntryFormat.PayloadInputStream payload = EntryFormat.payloadInput(in);
        if (header.serde().equals(MissRecords.SERDE)) {
          payload.verifyEnd();
          assertEquals(0, payload.size(), () -> "record with a payload: " + file);
          records++;
        } else {
          assertEquals("test-serial", header.serde(), () -> "serde of " + file);
          assertEquals(ProcessChild.FUNCTION, header.metadata().get("function"));
          long[] value = (long[]) serde.read(payload);
          payload.verifyEnd();
          assertEquals(-1, in.read(), () -> "bytes after the end of " + file);
          int n = (int) value[0];
          assertArrayEquals(ProcessChild.series(n), value, () -> "value of " + file);
          assertTrue(values.add(n), () -> "two entries hold argument " + n);
        }
      } catch (IOException e) {
        throw new AssertionError("cannot read " + file + ": " + e, e);
      }
    }
    ProcessChild.COMPUTED.clear();
    try (Memo memo = ProcessChild.memo(root, Map.of())) {
      Function<Integer, long[]> f = ProcessChild.memoized(memo);
      for (int n : values) {
        assertArrayEquals(ProcessChild.series(n), f.apply(n), "argument " + n);
      }
      assertEquals(Map.of(), ProcessChild.COMPUTED, "every entry found on disk is a hit");
      assertEquals(values.size(), memo.stats().hitCount());
      assertEquals(0, memo.stats().loadFailureCount());
      // A miss reads the function's latest record to explain itself.
      assertFalse(memo.explain(f, -1).isHit());
    }
    return new StoreCheck(values, records, temporary);
  }
}
