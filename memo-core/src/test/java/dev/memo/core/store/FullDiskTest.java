package dev.memo.core.store;

import static dev.memo.core.store.Entries.bytes;
import static dev.memo.core.store.Entries.key;
import static dev.memo.core.store.Entries.put;
import static dev.memo.core.store.Entries.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.NotSigned;
import dev.memo.core.Memo;
import dev.memo.core.fakes.LogCapture;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes to a directory store whose disk fills up: the writes fail with "No space left on device"
 * part-way through an entry, on a {@link FullDiskFileSystem} (a container may not mount a small
 * tmpfs).
 */
final class FullDiskTest {
  private static final String NS = "dev.memo.Fn#compute";

  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();

  @TempDir Path tempDir;

  @BeforeEach
  void reset() {
    CALLS.set(0);
  }

  private Path realRoot() {
    return tempDir.resolve("store").toAbsolutePath();
  }

  static byte[] blob(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + n);
    }
    return b;
  }

  @Test
  void put_diskFullsMidEntry_throwsNoSpace_keepsThePreviousEntry_andLeavesNoTemporaryFile()
      throws IOException {
    Path root = FullDiskFileSystem.of(realRoot(), 16 * 1024);
    try (DirectoryStore store = new DirectoryStore(DirectoryStore.Options.of(root))) {
      put(store, NS, key("k"), bytes("previous"));
      IOException e =
          assertThrows(IOException.class, () -> put(store, NS, key("k"), blob(100_000)));
      assertEquals(FullDiskFileSystem.NO_SPACE, e.getMessage());
      assertArrayEquals(bytes("previous"), read(store, NS, key("k")).orElseThrow());
      assertEquals(List.of(key("k").hex() + ".entry"), files(".entry", ".tmp"));
    }
  }

  @Test
  void memo_onAFullDisk_returnsEveryResult_storesNoPartialEntry_andWarnsOnce() throws IOException {
    Path root = FullDiskFileSystem.of(realRoot(), 64 * 1024);
    try (LogCapture log = new LogCapture();
        DirectoryStore store = new DirectoryStore(DirectoryStore.Options.of(root));
        Memo memo =
            Memo.builder()
                .store(store)
                .config("memo.object-tier.max-entries", "0")
                // Published as the calls return, so that each failure is counted by then.
                .config("memo.write-behind.max-bytes", "0")
                .build()) {
      Function<Integer, byte[]> f =
          memo.function(
              "blob",
              n -> {
                CALLS.incrementAndGet();
                return blob(n);
              });
      // While there is room, entries are stored and reused.
      assertArrayEquals(blob(100), f.apply(100));
      assertArrayEquals(blob(100), f.apply(100));
      assertEquals(1, CALLS.get());
      // Then the disk fills up in the middle of an entry, at every call.
      for (int i = 1; i <= 5; i++) {
        assertArrayEquals(blob(200_000 + i), f.apply(200_000 + i));
      }
      assertEquals(6, CALLS.get());
      assertEquals(5, memo.stats().storeFailureCount());
      List<String> warnings =
          log.records.stream()
              .filter(r -> r.level() == Level.WARNING)
              .map(LogCapture.Entry::message)
              .collect(Collectors.toList());
      assertEquals(1, warnings.size(), warnings::toString);
      assertTrue(
          warnings
              .get(0)
              .startsWith(
                  "cannot store the result of \"blob\" in the directory"
                      + " store; it was returned but will be computed again next time: java.io.IOException: "
                      + FullDiskFileSystem.NO_SPACE),
          warnings.get(0));
      // No partial entry: the failed calls miss cleanly (nothing broken to detect) and compute.
      assertArrayEquals(blob(200_001), f.apply(200_001));
      assertEquals(7, CALLS.get());
      assertEquals(0, memo.stats().loadFailureCount());
      assertTrue(files(".tmp").isEmpty(), () -> "temporary files left: " + files(".tmp"));
      assertTrue(memo.contains(f, 100));
    }
  }

  /** Names of the files under the real root that end with one of the suffixes. */
  private List<String> files(String... suffixes) {
    try (Stream<Path> files = Files.walk(realRoot())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> Stream.of(suffixes).anyMatch(n::endsWith))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
