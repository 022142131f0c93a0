package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfigurationException;
import dev.memo.MemoScope;
import dev.memo.MemoStats;
import dev.memo.NotSigned;
import dev.memo.core.fakes.LiveTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A miss's entry on the directory store is published behind the call ({@code
 * memo.write-behind.max-bytes}): found by this memoizer while it waits, dropped by invalidate and
 * clear, published by close, published on the caller's thread when it does not fit, when a claim is
 * held and with fsync; a publication that fails costs the entry only. The writer is held with
 * {@link WriteBehind#hold()} so that entries wait as long as a test needs.
 */
final class EntryWriteBehindTest {
  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();

  @TempDir Path tempDir;
  private Path root;

  @BeforeEach
  void reset() {
    CALLS.set(0);
    root = tempDir.resolve("store");
  }

  static long square(int x) {
    CALLS.incrementAndGet();
    return (long) x * x;
  }

  static byte[] bytes(int n) {
    CALLS.incrementAndGet();
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + n);
    }
    return b;
  }

  /** The directory store at {@link #root}, the object tier off: every hit reads an entry. */
  private Memo.Builder builder(Path store) {
    return MemoTest.isolated()
        .store("directory")
        .config("memo.store.directory.path", store.toString())
        .config("memo.object-tier.max-entries", "0");
  }

  private Memo memo() {
    return builder(root).build();
  }

  private static AutoCloseable hold(Memo memo) {
    return ((MemoEngine) memo.engine()).writer().hold();
  }

  /** The entry files of a function in a store, as another process would see them. */
  private static List<Path> entryFiles(Path store, String function) {
    return LiveTree.files(
        store,
        p ->
            p.getFileName().toString().endsWith(".entry")
                && p.getParent().getParent().getFileName().toString().startsWith(function + "-"));
  }

  @Test
  void miss_whileItsEntryWaits_isFoundAsAStoreHit() throws Exception {
    try (Memo memo = memo();
        AutoCloseable held = hold(memo)) {
      Function<Integer, Long> f = memo.function("square", EntryWriteBehindTest::square);
      assertEquals(49L, f.apply(7));
      assertEquals(List.of(), entryFiles(root, "square"), "published while the writer is held");
      assertEquals(49L, f.apply(7));
      assertTrue(memo.contains(f, 7));
      assertEquals(1, CALLS.get());
      MemoStats stats = memo.stats();
      assertEquals(1, stats.hitCount());
      assertEquals(0, stats.tierHitCount());
      assertEquals(stats.bytesWritten(), stats.bytesRead(), "the waiting entry's bytes were read");
      assertEquals(1, stats.writeCount(), "counted as written when it was taken");
    }
    assertEquals(1, entryFiles(root, "square").size(), "published by close");
  }

  @Test
  void close_publishesEveryWaitingEntry_forTheNextMemoizer() throws Exception {
    try (Memo memo = memo()) {
      hold(memo); // released by close
      Function<Integer, Long> f = memo.function("square", EntryWriteBehindTest::square);
      for (int i = 0; i < 50; i++) {
        assertEquals((long) i * i, f.apply(i));
      }
      assertEquals(List.of(), entryFiles(root, "square"));
    }
    assertEquals(50, entryFiles(root, "square").size());
    try (Memo next = memo()) {
      Function<Integer, Long> f = next.function("square", EntryWriteBehindTest::square);
      for (int i = 0; i < 50; i++) {
        assertEquals((long) i * i, f.apply(i));
      }
      assertEquals(50, next.stats().hitCount());
    }
    assertEquals(50, CALLS.get());
  }

  @Test
  void invalidate_whileItsEntryWaits_isNotUndoneByThePublication() throws Exception {
    try (Memo memo = memo()) {
      Function<Integer, Long> f = memo.function("square", EntryWriteBehindTest::square);
      try (AutoCloseable held = hold(memo)) {
        f.apply(7);
        assertTrue(memo.invalidate(f, 7), "the waiting entry is removed");
        assertFalse(memo.contains(f, 7));
        assertFalse(memo.invalidate(f, 7));
      }
    }
    assertEquals(List.of(), entryFiles(root, "square"), "not published after its removal");
    try (Memo next = memo()) {
      assertEquals(49L, next.function("square", EntryWriteBehindTest::square).apply(7));
    }
    assertEquals(2, CALLS.get());
  }

  @Test
  void invalidate_ofAPublishedEntry_removesIt() throws Exception {
    try (Memo memo = memo()) {
      Function<Integer, Long> f = memo.function("square", EntryWriteBehindTest::square);
      f.apply(7);
      ((MemoEngine) memo.engine()).writer().close(); // publishes it; later entries go at once
      assertEquals(1, entryFiles(root, "square").size());
      assertTrue(memo.invalidate(f, 7));
      assertEquals(List.of(), entryFiles(root, "square"));
      f.apply(7);
      assertEquals(1, entryFiles(root, "square").size(), "a writer closed publishes at once");
    }
    assertEquals(2, CALLS.get());
  }

  @Test
  void clear_whileEntriesWait_dropsThemAndCountsThem() throws Exception {
    try (Memo memo = memo()) {
      Function<Integer, Long> f = memo.function("square", EntryWriteBehindTest::square);
      Function<Integer, Long> g = memo.function("other", EntryWriteBehindTest::square);
      try (AutoCloseable held = hold(memo)) {
        f.apply(1);
        f.apply(2);
        g.apply(3);
        assertEquals(2, memo.clear(f));
        assertFalse(memo.contains(f, 1));
        assertTrue(memo.contains(g, 3), "another function's entry still waits");
      }
    }
    assertEquals(List.of(), entryFiles(root, "square"));
    assertEquals(1, entryFiles(root, "other").size());
    try (Memo next = memo()) {
      Function<Integer, Long> f = next.function("square", EntryWriteBehindTest::square);
      f.apply(1);
      f.apply(2);
      assertEquals(0, next.stats().hitCount());
    }
    assertEquals(5, CALLS.get());
  }

  @Test
  void storingInScope_publishesItsWaitingEntriesWhenItCloses() throws Exception {
    Path scoped = tempDir.resolve("scoped");
    try (Memo memo = memo();
        AutoCloseable held = hold(memo)) {
      Function<Integer, Long> f = memo.function("square", EntryWriteBehindTest::square);
      try (MemoScope s = memo.storingIn(scoped)) {
        f.apply(4);
        assertEquals(List.of(), entryFiles(scoped, "square"));
      }
      assertEquals(
          1, entryFiles(scoped, "square").size(), "published before the scope's store closed");
      assertEquals(List.of(), entryFiles(root, "square"));
    }
  }

  @Test
  void entriesBeyondTheBound_arePublishedOnTheCallersThread() throws Exception {
    try (Memo memo = builder(root).config("memo.write-behind.max-bytes", "16KiB").build();
        AutoCloseable held = hold(memo)) {
      Function<Integer, Long> f = memo.function("square", EntryWriteBehindTest::square);
      for (int i = 0; i < 100; i++) {
        f.apply(i);
      }
      // At most 16 KiB wait (each entry's array weighs at least 512 bytes): the rest went at once.
      int published = entryFiles(root, "square").size();
      assertTrue(published >= 100 - 16 * 1024 / 512, "published " + published);
      assertTrue(published < 100, "none waited: " + published);
      for (int i = 0; i < 100; i++) {
        assertTrue(memo.contains(f, i), "entry " + i);
      }
    }
    assertEquals(100, entryFiles(root, "square").size());
    assertEquals(100, CALLS.get());
  }

  @Test
  void entryLargerThanAnEighthOfTheBound_isPublishedOnTheCallersThread() throws Exception {
    try (Memo memo = builder(root).config("memo.write-behind.max-bytes", "64KiB").build();
        AutoCloseable held = hold(memo)) {
      Function<Integer, byte[]> f = memo.function("bytes", EntryWriteBehindTest::bytes);
      assertArrayEquals(bytes(20_000), f.apply(20_000));
      assertEquals(1, entryFiles(root, "bytes").size(), "too large to wait");
      assertArrayEquals(bytes(20_000), f.apply(20_000));
      f.apply(100); // the function's entries were large: this one is written at once too
      assertEquals(2, entryFiles(root, "bytes").size());
      f.apply(101); // the last was small: this one waits
      assertEquals(2, entryFiles(root, "bytes").size());
      assertEquals(1, memo.stats().hitCount());
    }
    assertEquals(3, entryFiles(root, "bytes").size());
  }

  @Test
  void writeBehindOff_publishesOnTheCallersThread() throws Exception {
    try (Memo memo = builder(root).config("memo.write-behind.max-bytes", "0").build();
        AutoCloseable held = hold(memo)) {
      memo.function("square", EntryWriteBehindTest::square).apply(3);
      assertEquals(1, entryFiles(root, "square").size());
    }
  }

  @Test
  void claimsOn_entryIsPublishedBeforeTheClaimIsReleased() throws Exception {
    try (Memo memo = builder(root).config("memo.store.directory.claims", "true").build();
        AutoCloseable held = hold(memo)) {
      memo.function("square", EntryWriteBehindTest::square).apply(3);
      assertEquals(1, entryFiles(root, "square").size());
      assertEquals(List.of(), ClaimsTest.markers(root), "the claim was released");
    }
  }

  @Test
  void fsyncOn_entryIsPublishedBeforeTheCallReturns() throws Exception {
    try (Memo memo = builder(root).config("memo.store.directory.fsync", "true").build();
        AutoCloseable held = hold(memo)) {
      memo.function("square", EntryWriteBehindTest::square).apply(3);
      assertEquals(1, entryFiles(root, "square").size());
    }
  }

  @Test
  void publicationThatFails_leavesTheResultReturnedAndCountsTheFailure() throws Exception {
    MemoStats stats;
    try (Memo first = builder(root).config("memo.write-behind.max-bytes", "0").build()) {
      first
          .function("square", EntryWriteBehindTest::square)
          .apply(1); // makes the function's folder
    }
    try (Memo memo = memo()) {
      Function<Integer, Long> f = memo.function("square", EntryWriteBehindTest::square);
      try (AutoCloseable held = hold(memo)) {
        assertEquals(49L, f.apply(7));
        // The function's folder becomes a file: the entry cannot be published there.
        Path folder = namespaceFolder(root, "square");
        deleteTree(folder);
        Files.writeString(folder, "not a folder");
        assertEquals(1, memo.stats().writeCount());
      }
      memo.close();
      stats = memo.stats();
    }
    assertEquals(1, stats.storeFailureCount());
    assertEquals(0, stats.writeCount(), "a failed publication is not a write");
    assertEquals(0, stats.bytesWritten());
    assertEquals(1, stats.missCount());
    assertEquals(2, CALLS.get());
  }

  @Test
  void negativeBound_isAConfigurationError() {
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class,
            () -> builder(root).config("memo.write-behind.max-bytes", "-1").build());
    assertEquals(
        "memo.write-behind.max-bytes is \"-1\" (from builder) but must be a size in bytes such as"
            + " 1048576, 512KiB, 64MiB or 2GiB",
        e.getMessage());
  }

  private static Path namespaceFolder(Path store, String function) throws Exception {
    try (Stream<Path> folders = Files.list(store)) {
      return folders
          .filter(p -> p.getFileName().toString().startsWith(function + "-"))
          .findFirst()
          .orElseThrow();
    }
  }

  private static void deleteTree(Path folder) throws Exception {
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
