package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.NotSigned;
import dev.memo.core.fakes.LiveTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memo with the directory store's claims on ({@code memo.store.directory.claims=true}): a claim is
 * held while the function runs and released after, also when it throws; a claim left by a killed
 * process, or one that timed out, does not block the next caller.
 */
final class ClaimsTest {
  private static final Map<String, String> CLAIMS = Map.of("memo.store.directory.claims", "true");

  @NotSigned static final IllegalStateException BOOM = new IllegalStateException("boom");
  @NotSigned static volatile Path root;
  @NotSigned static volatile boolean fail;
  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();

  /** The claim markers in the store while the function ran, call by call. */
  @NotSigned static final List<List<Path>> MARKERS_SEEN = new CopyOnWriteArrayList<>();

  @TempDir Path tempDir;

  @BeforeEach
  void reset() {
    root = tempDir.resolve("store");
    fail = false;
    CALLS.set(0);
    MARKERS_SEEN.clear();
    ProcessChild.COMPUTED.clear();
  }

  /**
   * The claim markers in the store. Read while memo writes explain's records behind the call, or
   * while a child process publishes its entry: files renamed or deleted meanwhile are skipped.
   */
  static List<Path> markers(Path root) {
    return List.copyOf(LiveTree.files(root, p -> p.getFileName().toString().endsWith(".claim")));
  }

  static String watched(String x) {
    CALLS.incrementAndGet();
    MARKERS_SEEN.add(markers(root));
    if (fail) {
      throw BOOM;
    }
    return x + "!";
  }

  @Test
  void apply_functionThrows_releasesTheClaim_andTheNextCallComputes() {
    try (Memo memo = ProcessChild.memo(root, CLAIMS)) {
      Function<String, String> f = memo.function("watched", ClaimsTest::watched);
      fail = true;
      assertSame(BOOM, assertThrows(IllegalStateException.class, () -> f.apply("a")));
      assertEquals(List.of(), markers(root));
      fail = false;
      assertEquals("a!", f.apply("a"));
      assertEquals(2, CALLS.get());
      assertEquals(1, MARKERS_SEEN.get(0).size(), "claimed while computing");
      assertEquals(MARKERS_SEEN.get(0), MARKERS_SEEN.get(1), "the same claim both times");
      assertEquals(List.of(), markers(root));
      assertEquals("a!", f.apply("a"));
      assertEquals(2, CALLS.get());
    }
  }

  @Test
  @Timeout(60)
  void apply_claimOfAnotherHost_waitsUntilItTimesOut_thenComputes() throws Exception {
    Path marker;
    try (Memo memo = ProcessChild.memo(root, CLAIMS)) {
      fail = true;
      Function<String, String> f = memo.function("watched", ClaimsTest::watched);
      assertThrows(IllegalStateException.class, () -> f.apply("b"));
      marker = MARKERS_SEEN.get(0).get(0);
    }
    // A process on another host computing it: its liveness cannot be checked, only its age.
    Files.writeString(
        marker,
        "pid=1\nhost=another-host.example\nstarted=-1\ntoken=planted\n",
        StandardCharsets.UTF_8);
    fail = false;
    try (Memo memo =
        ProcessChild.memo(
            root,
            Map.of(
                "memo.store.directory.claims",
                "true",
                "memo.store.directory.claim-timeout",
                "1s"))) {
      Function<String, String> f = memo.function("watched", ClaimsTest::watched);
      assertEquals("b!", f.apply("b"));
      assertEquals(2, CALLS.get());
      assertEquals(List.of(marker), MARKERS_SEEN.get(1), "computed under its own claim");
    }
    assertEquals(List.of(), markers(root));
  }

  @Test
  @Timeout(120) // a child JVM starts, signs and claims: slow on a loaded machine, never stuck
  void apply_claimOfAKilledProcess_isTakenOverAtOnce() throws Exception {
    Path errors = tempDir.resolve("child.err");
    try (ChildJvm child = ChildJvm.start(errors, "hold", root.toString(), "7")) {
      assertEquals("holding", child.readLine());
      while (markers(root).isEmpty()) {
        assertTrue(child.process.isAlive(), child::errors);
        Thread.sleep(10);
      }
      child.process.destroyForcibly();
      assertTrue(child.process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(137, child.process.exitValue(), child::errors);
    }
    assertEquals(1, markers(root).size(), "the killed process left its claim");
    // With the default timeout of ten minutes, only the dead holder's pid lets this call proceed.
    try (Memo memo = ProcessChild.memo(root, CLAIMS)) {
      Function<Integer, long[]> f = ProcessChild.memoized(memo);
      assertArrayEquals(ProcessChild.series(7), f.apply(7));
    }
    assertEquals(1, ProcessChild.COMPUTED.get(7).get());
    assertEquals(List.of(), markers(root));
    assertEquals(1, CrashTest.checkEveryEntry(root).values().size());
  }
}
