package dev.memo.core.store;

import static dev.memo.core.store.Entries.bytes;
import static dev.memo.core.store.Entries.key;
import static dev.memo.core.store.Entries.put;
import static dev.memo.core.store.Entries.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory store's bound on entries, age zero, and sizes counted on disk. */
final class DirectoryStoreEntryBoundsTest {
  private static final String NS = "bounded";

  /** A namespace of memo's own, as explain's records are: its name starts with a control char. */
  private static final String OWN = "\u0001records";

  private static final long NOW = 1_700_000_000_000L;
  private static final long HOUR = 3_600_000L;

  @TempDir Path tempDir;
  private final AtomicLong clock = new AtomicLong(NOW);

  private DirectoryStore store(long blockSize) {
    return new DirectoryStore(
        DirectoryStore.Options.of(tempDir.resolve("store"))
            .blockSize(blockSize)
            .clock(clock::get)
            .background(false));
  }

  private static void used(DirectoryStore store, String ns, String name, long millis)
      throws IOException {
    Files.setLastModifiedTime(store.entryPath(ns, key(name)), FileTime.fromMillis(millis));
  }

  private static List<String> present(DirectoryStore store, String ns, String... names) {
    List<String> kept = new ArrayList<>();
    for (String n : names) {
      if (Files.exists(store.entryPath(ns, key(n)))) {
        kept.add(n);
      }
    }
    return kept;
  }

  @Test
  void sweep_maxEntries_keepsTheMostRecentlyUsed_andMemosOwnRecordsDoNotCount() throws IOException {
    try (DirectoryStore store = store(1)) {
      for (int i = 0; i < 5; i++) {
        put(store, NS, key("e" + i), bytes("v" + i));
        used(store, NS, "e" + i, NOW - (i % 2 == 0 ? i : 10 + i) * HOUR);
      }
      for (String r : List.of("r0", "r1")) {
        put(store, OWN, key(r), bytes(r));
        used(store, OWN, r, NOW - 100 * HOUR); // the oldest of all, and still kept
      }
      DirectorySweeper.Result r =
          store.sweeper().sweep(DirectorySweeper.UNBOUNDED, null, DirectorySweeper.UNBOUNDED, 3, 3);
      assertEquals(List.of("e0", "e2", "e4"), present(store, NS, "e0", "e1", "e2", "e3", "e4"));
      assertEquals(List.of("r0", "r1"), present(store, OWN, "r0", "r1"));
      assertEquals(2, r.removedEntries());
      assertEquals(5, r.entries(), "three entries of calls and memo's two records remain");
    }
  }

  @Test
  void sweep_maxAgeZero_removesEveryEntry_evenOnesStampedInTheFuture() throws IOException {
    try (DirectoryStore store = store(1)) {
      for (String n : List.of("a", "b", "c")) {
        put(store, NS, key(n), bytes(n));
      }
      used(store, NS, "b", NOW + 10 * HOUR); // a clock ahead of this one
      used(store, NS, "c", NOW);
      DirectorySweeper.Result r =
          store
              .sweeper()
              .sweep(DirectorySweeper.UNBOUNDED, Duration.ZERO, DirectorySweeper.UNBOUNDED);
      assertEquals(List.of(), present(store, NS, "a", "b", "c"));
      assertEquals(3, r.removedEntries());
      assertEquals(0, r.entries());
    }
  }

  @Test
  void sizes_areRoundedUpToWholeBlocks_andAnEmptyFileTakesNone() throws IOException {
    try (DirectoryStore store = store(4096)) {
      put(store, NS, key("one"), bytes("x"));
      put(store, NS, key("big"), random(5000, 1));
      put(store, NS, key("empty"), new byte[0]);
      DirectorySweeper.Result r =
          store.sweeper().sweep(DirectorySweeper.UNBOUNDED, null, DirectorySweeper.UNBOUNDED);
      assertEquals(3, r.entries());
      assertEquals(4096 + 8192, r.bytes());
    }
  }

  @Test
  void sweep_maxBytes_countsBlocks_soManySmallEntriesAreBoundByWhatTheyTakeOnDisk()
      throws IOException {
    try (DirectoryStore store = store(4096)) {
      for (int i = 0; i < 4; i++) {
        put(store, NS, key("s" + i), bytes("tiny" + i));
        used(store, NS, "s" + i, NOW - (4 - i) * HOUR);
      }
      // 4 entries of 5 bytes: 20 bytes as written, 16 KiB on disk.
      DirectorySweeper.Result r = store.sweeper().sweep(8192, null, 8192);
      assertEquals(List.of("s2", "s3"), present(store, NS, "s0", "s1", "s2", "s3"));
      assertEquals(8192, r.bytes());
    }
  }

  @Test
  void blockSize_unlessGiven_comesFromTheFileStore() throws IOException {
    try (DirectoryStore store = store(0)) {
      put(store, NS, key("k"), bytes("v"));
      long block = Files.getFileStore(tempDir).getBlockSize();
      assertEquals(block, store.sweeper().blockSize());
      assertEquals(block, store.sweeper().onDisk(1));
      assertEquals(0, store.sweeper().onDisk(0));
    }
  }

  @Test
  void maxEntries_fromConfiguration_boundsTheStore() {
    MemoConfig config =
        MemoConfig.of(
                "test",
                Map.of(
                    "memo.store.directory.path",
                    tempDir.resolve("c").toString(),
                    "memo.store.directory.max-entries",
                    "1000"))
            .scoped("memo.store.directory");
    try (DirectoryStore store = (DirectoryStore) new DirectoryStoreProvider().create(config)) {
      assertEquals(1000, store.sweeper().maxEntries());
      assertTrue(store.sweeper().bounded());
      assertTrue(store.toString().contains(", maxEntries=1000"), store.toString());
    }
  }

  @Test
  void maxEntries_zero_isAConfigurationError() {
    MemoConfig config =
        MemoConfig.of("test", Map.of("memo.store.directory.max-entries", "0"))
            .scoped("memo.store.directory");
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class, () -> new DirectoryStoreProvider().create(config));
    assertEquals(
        "memo.store.directory.max-entries is \"0\" (from test) but must be a whole number"
            + " of at least 1, such as 100000",
        e.getMessage());
    assertFalse(e.getMessage().isEmpty());
  }
}
