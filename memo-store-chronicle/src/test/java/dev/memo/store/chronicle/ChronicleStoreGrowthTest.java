package dev.memo.store.chronicle;

import static dev.memo.store.chronicle.Payloads.key;
import static dev.memo.store.chronicle.Payloads.open;
import static dev.memo.store.chronicle.Payloads.payload;
import static dev.memo.store.chronicle.Payloads.put;
import static dev.memo.store.chronicle.Payloads.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.StoreException;
import dev.memo.spi.support.Namespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Entries beyond the map's estimates, and eviction to the budgets. */
final class ChronicleStoreGrowthTest {
  @TempDir Path dir;

  @Test
  void put_fiftyTimesTheEstimatedEntries_neverFailsAndKeepsEveryEntry() throws IOException {
    try (ChronicleStore store = open(dir, "entries", "100", "average-value-size", "64")) {
      for (int i = 0; i < 5000; i++) {
        put(store, key(i), payload(i, 0));
      }
      for (int i = 0; i < 5000; i++) {
        assertArrayEquals(payload(i, 0), read(store, key(i)).orElseThrow(), "entry " + i);
      }
      long generation = store.shared().generation();
      assertTrue(generation > 1, "the map rolled to a larger generation");
      assertEquals(List.of("map-" + generation + ".cm3"), maps(), "the outgrown maps are deleted");
    }
    try (ChronicleStore reopened = open(dir, "entries", "100", "average-value-size", "64")) {
      assertArrayEquals(payload(4999, 0), read(reopened, key(4999)).orElseThrow());
    }
  }

  @Test
  void put_onAnInterruptedThreadWhileRolling_worksAndKeepsTheInterrupt() throws IOException {
    try (ChronicleStore store = open(dir, "entries", "100", "average-value-size", "64")) {
      Thread.currentThread().interrupt();
      try {
        for (int i = 0; i < 1000; i++) {
          put(store, key(i), payload(i, 0));
        }
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
      } finally {
        Thread.interrupted();
      }
      assertTrue(store.shared().generation() > 1, "the map rolled");
      for (int i = 0; i < 1000; i++) {
        assertArrayEquals(payload(i, 0), read(store, key(i)).orElseThrow(), "entry " + i);
      }
    }
  }

  @Test
  void put_entriesFarLargerThanTheAverage_neverFails() throws IOException {
    // 1MiB inline entries in a map sized for 10 entries of 16 bytes: Chronicle refuses them as too
    // large for a segment, and the store keeps them as files instead.
    try (ChronicleStore store =
        open(dir, "entries", "10", "average-value-size", "16", "max-inline-bytes", "1MiB")) {
      for (int i = 0; i < 20; i++) {
        put(store, key(i), bytes(1 << 20, i));
      }
      for (int i = 0; i < 20; i++) {
        assertArrayEquals(bytes(1 << 20, i), read(store, key(i)).orElseThrow(), "entry " + i);
      }
    }
  }

  @Test
  void put_largeEntry_isAFileBesideTheMapAndRemoveDeletesIt() throws IOException {
    try (ChronicleStore store = open(dir, "max-inline-bytes", "1KiB")) {
      put(store, key(1), bytes(1025, 1));
      put(store, key(2), bytes(1024, 2));
      assertEquals(1, blobs().size(), "only the entry above max-inline-bytes is a file");
      put(store, key(1), bytes(2000, 3));
      assertEquals(1, blobs().size(), "a replaced entry's file is deleted");
      assertArrayEquals(bytes(2000, 3), read(store, key(1)).orElseThrow());
      assertTrue(store.remove(Payloads.NS, key(1)));
      assertEquals(List.of(), blobs());
    }
  }

  @Test
  void get_largeEntryWhoseFileIsGone_isAbsent() throws IOException {
    try (ChronicleStore store = open(dir, "max-inline-bytes", "1KiB")) {
      put(store, key(1), bytes(5000, 1));
      for (Path blob : blobs()) {
        Files.delete(blob);
      }
      assertEquals(Optional.empty(), read(store, key(1)));
    }
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {10, 5000})
  void quarantine_keepsTheEntryAndReasonAside(int size) throws IOException {
    try (ChronicleStore store = open(dir, "max-inline-bytes", "1KiB")) {
      put(store, key(1), bytes(size, 1));
      store.quarantine(Payloads.NS, key(1), "checksum mismatch");
      assertEquals(Optional.empty(), read(store, key(1)));
      List<Path> kept;
      try (Stream<Path> files =
          Files.list(
              dir.resolve(ChronicleStore.QUARANTINE).resolve(Namespaces.folderName(Payloads.NS)))) {
        kept = files.sorted().collect(Collectors.toList());
      }
      assertEquals(2, kept.size(), kept::toString);
      assertArrayEquals(bytes(size, 1), Files.readAllBytes(kept.get(0)));
      assertEquals("checksum mismatch", Files.readString(kept.get(1)));
      assertEquals(List.of(), blobs(), "the entry's own file is gone");
    }
  }

  @Test
  void twoStoresOnOneFolderInOneJvm_shareEntries_andClosingOneLeavesTheOtherWorking()
      throws IOException {
    try (ChronicleStore first = open(dir)) {
      ChronicleStore second = open(dir);
      put(first, key(1), bytes(10, 1));
      assertArrayEquals(bytes(10, 1), read(second, key(1)).orElseThrow());
      second.close();
      put(first, key(2), bytes(10, 2));
      assertArrayEquals(bytes(10, 2), read(first, key(2)).orElseThrow());
      assertThrows(StoreException.class, () -> read(second, key(1)));
    }
  }

  @Test
  void put_overEntryBudget_evictsLeastRecentlyUsedFirst() throws IOException {
    try (ChronicleStore store = open(dir, "max-entries", "100")) {
      for (int i = 0; i < 100; i++) {
        put(store, key(i), bytes(10, i));
      }
      for (int i = 0; i < 10; i++) {
        read(store, key(i)).orElseThrow();
      }
      put(store, key(100), bytes(10, 100));
      // 101 entries: evicted down to 90, the 11 least recently used: 10..20, not the 10 just read.
      for (int i = 0; i <= 100; i++) {
        assertEquals(i < 10 || i > 20, read(store, key(i)).isPresent(), "entry " + i);
      }
    }
  }

  @Test
  void put_overByteBudget_evictsOldestAndDeletesTheirFiles() throws IOException {
    try (ChronicleStore store = open(dir, "max-bytes", "1MiB", "max-inline-bytes", "16KiB")) {
      for (int i = 0; i < 40; i++) {
        put(store, key(i), bytes(100_000, i));
      }
      long kept = Stream.iterate(0, i -> i + 1).limit(40).filter(i -> present(store, i)).count();
      assertTrue(kept >= 5 && kept <= 10, kept + " entries of 100kB kept under a 1MiB budget");
      for (int i = 40 - (int) kept; i < 40; i++) {
        assertArrayEquals(
            bytes(100_000, i), read(store, key(i)).orElseThrow(), "newest entries stay");
      }
      assertEquals(kept, blobs().size(), "evicted entries' files are deleted");
    }
  }

  @Test
  void close_lastUser_marksTheStoreNotInUse_andReopenKeepsEntriesAndCounts() throws IOException {
    try (ChronicleStore store = open(dir)) {
      put(store, key(1), bytes(5, 1));
      assertTrue(store.shared().control.inUse());
    }
    try (Control control = Control.open(dir)) {
      assertFalse(control.inUse(), "a clean close leaves nothing to recover");
    }
    try (ChronicleStore store = open(dir)) {
      assertEquals(1, store.shared().control.entries());
      assertArrayEquals(bytes(5, 1), read(store, key(1)).orElseThrow());
      assertEquals(Optional.empty(), read(store, key(2)));
    }
  }

  @ParameterizedTest(name = "in use: {0}")
  @ValueSource(booleans = {false, true})
  void open_mapFileOverwritten_opensAndWorks(boolean inUse) throws IOException {
    try (ChronicleStore store = open(dir)) {
      for (int i = 0; i < 100; i++) {
        put(store, key(i), payload(i, 0));
      }
    }
    byte[] garbage = bytes(64 * 1024, 9);
    try (java.nio.channels.FileChannel f =
        java.nio.channels.FileChannel.open(
            dir.resolve("map-1.cm3"), java.nio.file.StandardOpenOption.WRITE)) {
      f.write(java.nio.ByteBuffer.wrap(garbage), 0);
    }
    try (Control control = Control.open(dir)) {
      control.inUse(inUse);
    }
    try (ChronicleStore store = open(dir)) {
      for (int i = 0; i < 100; i++) {
        Optional<byte[]> seen = read(store, key(i));
        if (seen.isPresent()) {
          assertArrayEquals(payload(i, 0), seen.get(), "entry " + i);
        }
      }
      put(store, key(1000), payload(1000, 0));
      assertArrayEquals(payload(1000, 0), read(store, key(1000)).orElseThrow());
    }
    assertTrue(Files.exists(dir.resolve("map-1.cm3.broken")), "the damaged map is kept aside");
  }

  @Test
  void open_pathIsAFile_failsSayingSo() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertEquals(
        "chronicle store path "
            + file
            + " is a file, not a folder; move the file away or set"
            + " memo.store.chronicle.path to a folder",
        assertThrows(StoreException.class, () -> open(file)).getMessage());
  }

  private boolean present(ChronicleStore store, int i) {
    try {
      return read(store, key(i)).isPresent();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void open_alone_afterACleanClose_readsNoEntries_butAfterADeadUserDeletesUnreferencedFiles()
      throws IOException {
    try (ChronicleStore store = open(dir)) {
      put(store, key(1), bytes(5, 1));
    }
    Path stray = dir.resolve(SharedMap.BLOBS).resolve("ab").resolve("stray.blob");
    Files.createDirectories(stray.getParent());
    Files.write(stray, bytes(5, 2));
    try (ChronicleStore store = open(dir)) {
      assertArrayEquals(bytes(5, 1), read(store, key(1)).orElseThrow());
    }
    assertTrue(Files.exists(stray), "a store closed cleanly is opened without reading its entries");
    try (Control control = Control.open(dir)) {
      control.inUse(true); // as a process killed while using the store leaves it
    }
    try (ChronicleStore store = open(dir)) {
      assertArrayEquals(bytes(5, 1), read(store, key(1)).orElseThrow());
      assertEquals(1, store.shared().control.entries(), "recounted");
    }
    assertFalse(Files.exists(stray), "a file no entry refers to is deleted after a crash");
  }

  @Test
  void roll_leavesTheBlobsUnchecked_andTheNextLoneOpenDeletesUnreferencedFiles()
      throws IOException {
    try (ChronicleStore store =
        open(dir, "entries", "100", "average-value-size", "64", "max-inline-bytes", "100")) {
      for (int i = 0; i < 1000; i++) {
        put(store, key(i), payload(i, 0));
      }
      assertTrue(store.shared().generation() > 1, "the map rolled");
      assertTrue(Files.exists(dir.resolve(SharedMap.BLOBS_UNCHECKED)), "marked unchecked");
    }
    // A file of a write lost in a roll's copy: no entry refers to it.
    Path stray = dir.resolve(SharedMap.BLOBS).resolve("ab").resolve("lost.blob");
    Files.createDirectories(stray.getParent());
    Files.write(stray, bytes(500, 2));
    int files = blobs().size();
    try (ChronicleStore store =
        open(dir, "entries", "100", "average-value-size", "64", "max-inline-bytes", "100")) {
      for (int i = 0; i < 1000; i++) {
        assertArrayEquals(payload(i, 0), read(store, key(i)).orElseThrow(), "entry " + i);
      }
    }
    assertFalse(Files.exists(stray), "the unreferenced file is deleted");
    assertEquals(files - 1, blobs().size(), "the entries' own files are kept");
    assertFalse(Files.exists(dir.resolve(SharedMap.BLOBS_UNCHECKED)), "and the marker removed");
  }

  private List<String> maps() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".cm3"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  private List<Path> blobs() throws IOException {
    try (Stream<Path> files = Files.walk(dir.resolve(SharedMap.BLOBS))) {
      return files.filter(Files::isRegularFile).collect(Collectors.toList());
    }
  }

  private static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }
}
