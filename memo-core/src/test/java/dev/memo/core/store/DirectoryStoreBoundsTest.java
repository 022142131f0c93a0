package dev.memo.core.store;

import static dev.memo.core.store.Entries.bytes;
import static dev.memo.core.store.Entries.key;
import static dev.memo.core.store.Entries.put;
import static dev.memo.core.store.Entries.random;
import static dev.memo.core.store.Entries.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.Signature;
import dev.memo.core.code.CodeSigner;
import dev.memo.core.fakes.LiveTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class DirectoryStoreBoundsTest {
  private static final String NS = "dev.memo.Fn#compute";
  private static final long NOW = 1_700_000_000_000L;
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;

  @TempDir Path tempDir;
  private final AtomicLong clock = new AtomicLong(NOW);

  private DirectoryStore store(long maxBytes, Duration maxAge) {
    // Bytes as they are: these tests count them exactly; DirectoryStoreEntryBoundsTest rounds.
    return new DirectoryStore(
        DirectoryStore.Options.of(tempDir.resolve("store"))
            .bounds(maxBytes, maxAge)
            .blockSize(1)
            .clock(clock::get)
            .background(false));
  }

  /** Sets an entry's last access (its modification time) and, independently, its access time. */
  private static void setTimes(DirectoryStore store, Signature key, long modified, long accessed)
      throws IOException {
    Files.getFileAttributeView(store.entryPath(NS, key), BasicFileAttributeView.class)
        .setTimes(FileTime.fromMillis(modified), FileTime.fromMillis(accessed), null);
  }

  private static long modified(DirectoryStore store, Signature key) throws IOException {
    return Files.getLastModifiedTime(store.entryPath(NS, key)).toMillis();
  }

  private static List<String> present(DirectoryStore store, String... names) throws IOException {
    List<String> kept = new java.util.ArrayList<>();
    for (String n : names) {
      if (Files.exists(store.entryPath(NS, key(n)))) {
        kept.add(n);
      }
    }
    return kept;
  }

  @Test
  void sweep_maxAge_removesOnlyEntriesUnusedForLonger() throws IOException {
    try (DirectoryStore store = store(DirectorySweeper.UNBOUNDED, Duration.ofDays(1))) {
      for (String n : List.of("old", "recent", "new")) {
        put(store, NS, key(n), bytes(n));
      }
      setTimes(store, key("old"), NOW - 10 * DAY, NOW);
      setTimes(store, key("recent"), NOW - HOUR, NOW - 10 * DAY);
      setTimes(store, key("new"), NOW, NOW - 10 * DAY);
      DirectorySweeper.Result r =
          store
              .sweeper()
              .sweep(DirectorySweeper.UNBOUNDED, Duration.ofDays(1), DirectorySweeper.UNBOUNDED);
      assertEquals(List.of("recent", "new"), present(store, "old", "recent", "new"));
      assertEquals(1, r.removedEntries());
      assertEquals(2, r.entries());
    }
  }

  @Test
  void sweep_maxBytes_removesLeastRecentlyUsedFirst() throws IOException {
    try (DirectoryStore store = store(3000, null)) {
      // Written in one order, used in another: the times decide, not the order of writing.
      long[] used = {NOW - 2 * HOUR, NOW - 5 * HOUR, NOW - HOUR, NOW - 4 * HOUR, NOW - 3 * HOUR};
      for (int i = 0; i < 5; i++) {
        put(store, NS, key("e" + i), random(1000, i));
        setTimes(store, key("e" + i), used[i], NOW);
      }
      DirectorySweeper.Result r = store.sweeper().sweep(3000, null, 3000);
      assertEquals(List.of("e0", "e2", "e4"), present(store, "e0", "e1", "e2", "e3", "e4"));
      assertEquals(2, r.removedEntries());
      assertEquals(2000, r.removedBytes());
      assertEquals(3000, r.bytes());
      assertEquals(3000, store.sweeper().bytes());
    }
  }

  @Test
  void hit_onNoatimeStore_marksTheEntryUsedThroughItsModificationTime() throws IOException {
    try (DirectoryStore store = store(2000, null)) {
      for (String n : List.of("a", "b", "c")) {
        put(store, NS, key(n), random(1000, n.hashCode()));
      }
      // Access times that say the opposite of use, as on a noatime mount where they never move:
      // "a" looks freshly accessed, "c" long untouched.
      setTimes(store, key("a"), NOW - 3 * HOUR, NOW);
      setTimes(store, key("b"), NOW - 2 * HOUR, NOW);
      setTimes(store, key("c"), NOW - 4 * HOUR, NOW - 100 * DAY);
      // The memory of recent touches starts after the puts: reopen to forget them.
      try (DirectoryStore reader = store(2000, null)) {
        clock.set(NOW + 1);
        read(reader, NS, key("c"));
        assertEquals(NOW + 1, modified(reader, key("c")));
        reader.sweeper().sweep(2000, null, 2000);
        assertEquals(List.of("b", "c"), present(reader, "a", "b", "c"));
      }
    }
  }

  @Test
  void hit_twiceWithinTheTouchInterval_setsTheTimeOnce() throws IOException {
    try (DirectoryStore store = store(DirectorySweeper.UNBOUNDED, null)) {
      assertEquals(Duration.ofHours(1), store.touchInterval());
      put(store, NS, key("k"), bytes("v"));
      try (DirectoryStore reader = store(DirectorySweeper.UNBOUNDED, null)) {
        setTimes(reader, key("k"), NOW - DAY, NOW - DAY);
        read(reader, NS, key("k"));
        assertEquals(NOW, modified(reader, key("k")));
        setTimes(reader, key("k"), NOW - DAY, NOW - DAY);
        clock.set(NOW + 60_000);
        read(reader, NS, key("k"));
        assertEquals(NOW - DAY, modified(reader, key("k")));
      }
    }
  }

  @Test
  void touchInterval_withShortMaxAge_isAnEighthOfIt() {
    try (DirectoryStore store = store(DirectorySweeper.UNBOUNDED, Duration.ofMinutes(8))) {
      assertEquals(Duration.ofMinutes(1), store.touchInterval());
      assertEquals(Duration.ofMinutes(2), store.sweeper().period());
    }
  }

  @Test
  void sweep_removesTemporaryFilesOfDeadWritersOnly() throws IOException {
    try (DirectoryStore store = store(DirectorySweeper.UNBOUNDED, Duration.ofDays(1))) {
      put(store, NS, key("k"), bytes("v"));
      Path shard = store.entryPath(NS, key("k")).getParent();
      Path dead = shard.resolve("." + key("k").hex() + ".1234.tmp");
      Path live = shard.resolve("." + key("k").hex() + ".5678.tmp");
      Files.write(dead, bytes("half"));
      Files.write(live, bytes("writing"));
      Files.setLastModifiedTime(dead, FileTime.fromMillis(NOW - 16 * 60_000));
      Files.setLastModifiedTime(live, FileTime.fromMillis(NOW - 60_000));
      DirectorySweeper.Result r =
          store.sweeper().sweep(DirectorySweeper.UNBOUNDED, null, DirectorySweeper.UNBOUNDED);
      assertFalse(Files.exists(dead));
      assertTrue(Files.exists(live));
      assertEquals(1, r.removedTemporaryFiles());
      assertEquals(1, r.entries());
    }
  }

  @Test
  void sweep_maxAge_removesOldQuarantinedEntriesAndTheirReasons() throws IOException {
    try (DirectoryStore store = store(DirectorySweeper.UNBOUNDED, Duration.ofDays(1))) {
      put(store, NS, key("old"), bytes("x"));
      put(store, NS, key("new"), bytes("y"));
      store.quarantine(NS, key("old"), "broken long ago");
      store.quarantine(NS, key("new"), "broken now");
      Path folder = store.root().resolve(DirectoryStore.QUARANTINE);
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
          boolean old = f.getFileName().toString().startsWith(key("old").hex());
          Files.setLastModifiedTime(f, FileTime.fromMillis(old ? NOW - 2 * DAY : NOW));
        }
      }
      DirectorySweeper.Result r =
          store
              .sweeper()
              .sweep(DirectorySweeper.UNBOUNDED, Duration.ofDays(1), DirectorySweeper.UNBOUNDED);
      assertEquals(1, r.removedQuarantined());
      try (Stream<Path> files = Files.walk(folder)) {
        List<String> left =
            files
                .filter(Files::isRegularFile)
                .map(f -> f.getFileName().toString().substring(0, 64))
                .distinct()
                .collect(Collectors.toList());
        assertEquals(List.of(key("new").hex()), left);
      }
    }
  }

  @Test
  void sweep_removesAnEntryAReaderHasOpen_theReaderStillReadsItWhole() throws IOException {
    try (DirectoryStore store = store(1000, null)) {
      byte[] big = random(300_000, 7);
      put(store, NS, key("open"), big);
      setTimes(store, key("open"), NOW - DAY, NOW);
      try (InputStream in = store.get(NS, key("open")).orElseThrow()) {
        byte[] first = in.readNBytes(10);
        // The hit refreshed it; age it again so that the sweep picks it.
        setTimes(store, key("open"), NOW - DAY, NOW);
        store.sweeper().sweep(1000, null, 1000);
        assertEquals(Optional.empty(), read(store, NS, key("open")));
        byte[] rest = in.readAllBytes();
        byte[] all = new byte[first.length + rest.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        assertArrayEquals(big, all);
      }
    }
  }

  @Test
  void put_pastMaxBytes_sweeperEvictsInTheBackground() throws Exception {
    MemoConfig config =
        MemoConfig.of(
                "test",
                Map.of(
                    "memo.store.directory.path",
                    tempDir.resolve("auto").toString(),
                    "memo.store.directory.max-bytes",
                    "10KiB"))
            .scoped("memo.store.directory");
    try (DirectoryStore store = (DirectoryStore) new DirectoryStoreProvider().create(config)) {
      for (int i = 0; i < 59; i++) {
        put(store, NS, key("k" + i), random(1024, i));
      }
      // File times are coarse (a clock tick of the kernel): wait until they move on, so that the
      // last entry is the newest by its time, not only by the order of writing.
      awaitFileTimeAfter(tempDir.resolve("clock"));
      put(store, NS, key("k59"), random(1024, 59));
      // Eviction runs on the sweeper's thread: wait for it rather than for a fixed time.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (bytesOnDisk(store) > 10 * 1024 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      long left = bytesOnDisk(store);
      assertTrue(left <= 10 * 1024, () -> "still " + left + " bytes");
      assertTrue(read(store, NS, key("k59")).isPresent(), "the newest entry is kept");
    }
  }

  @Test
  void entries_unusedPastMaxAge_sweeperRemovesThemInTheBackground() throws Exception {
    MemoConfig config =
        MemoConfig.of(
                "test",
                Map.of(
                    "memo.store.directory.path",
                    tempDir.resolve("auto").toString(),
                    "memo.store.directory.max-age",
                    "2s"))
            .scoped("memo.store.directory");
    try (DirectoryStore store = (DirectoryStore) new DirectoryStoreProvider().create(config)) {
      put(store, NS, key("stale"), bytes("x"));
      Files.setLastModifiedTime(
          store.entryPath(NS, key("stale")),
          FileTime.fromMillis(System.currentTimeMillis() - HOUR));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (Files.exists(store.entryPath(NS, key("stale"))) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertFalse(Files.exists(store.entryPath(NS, key("stale"))));
    }
  }

  /** Bytes of entry files, read while the sweeper deletes them: those deleted meanwhile count 0. */
  private static long bytesOnDisk(DirectoryStore store) {
    return LiveTree.files(store.root(), f -> f.toString().endsWith(".entry")).stream()
        .mapToLong(f -> f.toFile().length())
        .sum();
  }

  /**
   * Returns once a file written now gets a later modification time than one written before the
   * call: every file written after it is then strictly newer than every file written before.
   */
  private static void awaitFileTimeAfter(Path probe) throws IOException, InterruptedException {
    Files.write(probe, bytes("before"));
    FileTime before = Files.getLastModifiedTime(probe);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    do {
      Thread.sleep(1);
      Files.write(probe, bytes("after"));
    } while (Files.getLastModifiedTime(probe).compareTo(before) <= 0
        && System.nanoTime() < deadline);
    assertTrue(Files.getLastModifiedTime(probe).compareTo(before) > 0, "file times never moved");
  }

  @Test
  void forEachEntry_foreignFileInAShard_isNotAnEntry() throws IOException {
    try (DirectoryStore store = store(DirectorySweeper.UNBOUNDED, null)) {
      put(store, NS, key("k"), bytes("v"));
      Files.write(store.entryPath(NS, key("k")).resolveSibling("notes.entry"), bytes("mine"));
      List<Signature> listed = new java.util.ArrayList<>();
      store.forEachEntry(NS, e -> listed.add(e.key()));
      assertEquals(List.of(key("k")), listed);
    }
  }

  @Test
  void maxBytes_zero_isAConfigurationError() {
    MemoConfig config =
        MemoConfig.of("test", Map.of("memo.store.directory.max-bytes", "0"))
            .scoped("memo.store.directory");
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class, () -> new DirectoryStoreProvider().create(config));
    assertEquals(
        "memo.store.directory.max-bytes is \"0\" (from test) but must be a size of at"
            + " least one byte, such as 10GiB",
        e.getMessage());
  }

  @Test
  void maxAge_notADuration_isAConfigurationError() {
    MemoConfig config =
        MemoConfig.of("test", Map.of("memo.store.directory.max-age", "soon"))
            .scoped("memo.store.directory");
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class, () -> new DirectoryStoreProvider().create(config));
    assertEquals(
        "memo.store.directory.max-age is \"soon\" (from test) but must be a duration such"
            + " as 500ms, 30s, 15m, 12h, 7d or PT1H30M",
        e.getMessage());
  }

  @Test
  void maxAge_zero_isAConfigurationError() {
    MemoConfig config =
        MemoConfig.of("test", Map.of("memo.store.directory.max-age", "0s"))
            .scoped("memo.store.directory");
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class, () -> new DirectoryStoreProvider().create(config));
    assertEquals(
        "memo.store.directory.max-age is \"0s\" (from test) but must be a positive"
            + " duration such as 30d",
        e.getMessage());
  }

  /**
   * Writes a file of memo's under the store's {@code .code} folder, last modified at {@code at}.
   */
  private static Path codeFile(DirectoryStore store, String name, long at) throws IOException {
    Path folder = store.root().resolve(CodeSigner.CACHE_FOLDER);
    Files.createDirectories(folder);
    Path file = folder.resolve(name);
    Files.writeString(file, "walk of " + name);
    Files.setLastModifiedTime(file, FileTime.fromMillis(at));
    return file;
  }

  @Test
  void sweep_maxAge_removesKeptCodeUnusedForLonger_andDeadWritersTemporaryFiles()
      throws IOException {
    try (DirectoryStore store = store(DirectorySweeper.UNBOUNDED, Duration.ofDays(1))) {
      put(store, NS, key("k"), bytes("v"));
      Path old = codeFile(store, "0a1b.code", NOW - 2 * DAY);
      Path recent = codeFile(store, "2c3d.code", NOW - HOUR);
      Path dead = codeFile(store, ".2c3d.code.1234.tmp", NOW - 16 * 60_000);
      Path live = codeFile(store, ".2c3d.code.5678.tmp", NOW - 60_000);
      DirectorySweeper.Result r =
          store
              .sweeper()
              .sweep(DirectorySweeper.UNBOUNDED, Duration.ofDays(1), DirectorySweeper.UNBOUNDED);
      assertFalse(Files.exists(old));
      assertFalse(Files.exists(dead));
      assertTrue(Files.exists(recent));
      assertTrue(Files.exists(live));
      assertEquals(1, r.removedCodeFiles());
      assertEquals(1, r.removedTemporaryFiles());
      assertEquals(1, r.entries(), "kept code is no entry");
      assertEquals(0, r.removedEntries());
    }
  }

  @Test
  void sweep_withoutMaxAge_keepsKeptCode_butRemovesDeadWritersTemporaryFiles() throws IOException {
    try (DirectoryStore store = store(DirectorySweeper.UNBOUNDED, null)) {
      Path old = codeFile(store, "0a1b.code", NOW - 300 * DAY);
      Path dead = codeFile(store, ".0a1b.code.1234.tmp", NOW - 16 * 60_000);
      DirectorySweeper.Result r =
          store.sweeper().sweep(DirectorySweeper.UNBOUNDED, null, DirectorySweeper.UNBOUNDED);
      assertTrue(Files.exists(old));
      assertFalse(Files.exists(dead));
      assertEquals(0, r.removedCodeFiles());
      assertEquals(1, r.removedTemporaryFiles());
    }
  }

  @Test
  void prune_byAge_removesOldKeptCode() throws IOException {
    try (DirectoryStore store = store(DirectorySweeper.UNBOUNDED, null)) {
      Path old = codeFile(store, "0a1b.code", NOW - 10 * DAY);
      Path recent = codeFile(store, "2c3d.code", NOW - HOUR);
      store.prune(DirectorySweeper.UNBOUNDED, Duration.ofDays(7));
      assertFalse(Files.exists(old));
      assertTrue(Files.exists(recent));
    }
  }

  @Test
  void sweep_codeFolderThatIsALink_isNotFollowed() throws IOException {
    try (DirectoryStore store = store(DirectorySweeper.UNBOUNDED, Duration.ofDays(1))) {
      put(store, NS, key("k"), bytes("v"));
      Path outside = Files.createDirectories(tempDir.resolve("outside"));
      Path victim = outside.resolve("0a1b.code");
      Files.writeString(victim, "not the store's");
      Files.setLastModifiedTime(victim, FileTime.fromMillis(NOW - 10 * DAY));
      Path temp = outside.resolve(".0a1b.code.1234.tmp");
      Files.writeString(temp, "not the store's either");
      Files.setLastModifiedTime(temp, FileTime.fromMillis(NOW - 10 * DAY));
      Files.createSymbolicLink(store.root().resolve(CodeSigner.CACHE_FOLDER), outside);
      DirectorySweeper.Result r =
          store
              .sweeper()
              .sweep(DirectorySweeper.UNBOUNDED, Duration.ofDays(1), DirectorySweeper.UNBOUNDED);
      assertTrue(Files.exists(victim));
      assertTrue(Files.exists(temp));
      assertEquals(0, r.removedCodeFiles());
      assertEquals(0, r.removedTemporaryFiles());
    }
  }
}
