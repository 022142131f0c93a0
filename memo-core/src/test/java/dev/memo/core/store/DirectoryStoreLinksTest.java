package dev.memo.core.store;

import static dev.memo.core.store.Entries.bytes;
import static dev.memo.core.store.Entries.key;
import static dev.memo.core.store.Entries.put;
import static dev.memo.core.store.Entries.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.core.entry.CorruptEntryException;
import dev.memo.spi.StoreEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real symbolic links, FIFOs and folders where the directory store expects its files: none is
 * followed, opened or waited on, and nothing outside the root is changed. Each test has a time
 * limit, so that a store that waits on a FIFO fails instead of hanging the build.
 */
@DisabledOnOs(OS.WINDOWS) // FIFOs and links as a user makes them need a POSIX system
final class DirectoryStoreLinksTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private static final String NS = "links";
  private static final long OLD = 1_600_000_000_000L;

  @TempDir Path tempDir;
  private Path root;
  private Path outside;
  private DirectoryStore store;

  @BeforeEach
  void open() throws IOException {
    root = tempDir.resolve("store");
    outside = Files.createDirectories(tempDir.resolve("outside"));
    store = new DirectoryStore(DirectoryStore.Options.of(root).background(false));
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** Makes a real FIFO with the system's mkfifo. */
  static void mkfifo(Path path) throws IOException {
    try {
      Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
      assertEquals(0, p.waitFor(), "mkfifo " + path);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** Writes an entry so that its folders exist, then takes its file away. */
  private Path emptySlot(Signature key) throws IOException {
    put(store, NS, key, bytes("first"));
    Path entry = store.entryPath(NS, key);
    Files.delete(entry);
    return entry;
  }

  private static String readFailure(Optional<InputStream> in) {
    assertTrue(in.isPresent(), "something is at the entry's path: it is reported, not missed");
    try (InputStream stream = in.get()) {
      CorruptEntryException e = assertThrows(CorruptEntryException.class, stream::read);
      return e.getMessage();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void get_fifoWhereAnEntryBelongs_isABrokenEntryAndNeverWaitedOn() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Signature key = key("fifo");
          Path entry = emptySlot(key);
          mkfifo(entry);
          assertEquals(
              "entry file " + entry + " is a FIFO, not a regular file",
              readFailure(store.get(NS, key)));
          assertEquals(
              "entry file " + entry + " is a FIFO, not a regular file",
              readFailure(store.peek(NS, key)));
        });
  }

  @Test
  void get_directoryWhereAnEntryBelongs_isABrokenEntry() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Signature key = key("dir");
          Path entry = emptySlot(key);
          Files.createDirectory(entry);
          assertEquals(
              "entry file " + entry + " is a directory, not a regular file",
              readFailure(store.get(NS, key)));
        });
  }

  @Test
  void get_symlinkToAFileOutside_isNotFollowedAndTheTargetKeepsItsTime() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Signature key = key("link");
          Path entry = emptySlot(key);
          Path target = Files.write(outside.resolve("secret"), bytes("outside"));
          Files.setLastModifiedTime(target, FileTime.fromMillis(OLD));
          Files.createSymbolicLink(entry, target);
          assertEquals(
              "entry file " + entry + " is a symbolic link, not a regular file",
              readFailure(store.get(NS, key)));
          assertEquals(OLD, Files.getLastModifiedTime(target).toMillis());
        });
  }

  @Test
  void get_symlinkToAnotherEntry_isNotFollowed() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Signature other = key("other");
          put(store, NS, other, bytes("other's value"));
          Signature key = key("linked");
          Path entry = emptySlot(key);
          Files.createSymbolicLink(entry, store.entryPath(NS, other));
          assertEquals(
              "entry file " + entry + " is a symbolic link, not a regular file",
              readFailure(store.get(NS, key)));
        });
  }

  @Test
  void quarantine_ofAFifo_movesItAway_andAPutThenWorks() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Signature key = key("fifo-q");
          Path entry = emptySlot(key);
          mkfifo(entry);
          store.quarantine(NS, key, "a FIFO");
          assertFalse(Files.exists(entry, LinkOption.NOFOLLOW_LINKS));
          put(store, NS, key, bytes("value"));
          assertArrayEquals(bytes("value"), read(store, NS, key).orElseThrow());
        });
  }

  @Test
  void quarantine_ofADanglingLink_movesTheLinkItself() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Signature key = key("dangling");
          Path entry = emptySlot(key);
          Files.createSymbolicLink(entry, outside.resolve("nothing-here"));
          store.quarantine(NS, key, "a link");
          assertFalse(Files.exists(entry, LinkOption.NOFOLLOW_LINKS));
          assertFalse(Files.exists(outside.resolve("nothing-here"), LinkOption.NOFOLLOW_LINKS));
        });
  }

  @Test
  void listingAndPeeking_neverOpenAFifo_norChangeLastAccess() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Signature good = key("good");
          put(store, NS, good, bytes("good"));
          Files.setLastModifiedTime(store.entryPath(NS, good), FileTime.fromMillis(OLD));
          Signature key = key("fifo-listed");
          mkfifo(emptySlot(key));
          List<StoreEntry> listed = new ArrayList<>();
          store.forEachEntry(NS, listed::add);
          assertEquals(2, listed.size());
          try (InputStream in = store.peek(NS, good).orElseThrow()) {
            assertArrayEquals(bytes("good"), in.readAllBytes());
          }
          assertEquals(
              OLD,
              Files.getLastModifiedTime(store.entryPath(NS, good)).toMillis(),
              "a peek is not a use");
          try (DirectoryStore other =
              new DirectoryStore(DirectoryStore.Options.of(root).background(false))) {
            read(other, NS, good); // another store: this one remembers touching it at the put
          }
          assertTrue(
              Files.getLastModifiedTime(store.entryPath(NS, good)).toMillis() > OLD,
              "a get is a use");
        });
  }

  @Test
  void namespaceFolderThatIsALink_isRefused_andNothingIsWrittenOutside() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Path folder = root.resolve(DirectoryStore.folderName(NS));
          Files.createDirectories(root);
          Files.createSymbolicLink(folder, outside);
          String message =
              "namespace folder "
                  + folder
                  + " of the store at "
                  + root
                  + " is a symbolic link, not a folder; memo never writes or reads through it, so that"
                  + " nothing leaves the store: remove it (memo creates the folder again) or point the"
                  + " store's path at the folder it links to";
          Signature key = key("k");
          assertEquals(
              message,
              assertThrows(StoreException.class, () -> put(store, NS, key, bytes("v")))
                  .getMessage());
          assertEquals(
              message, assertThrows(StoreException.class, () -> store.get(NS, key)).getMessage());
          assertEquals(
              message,
              assertThrows(StoreException.class, () -> store.forEachEntry(NS, e -> {}))
                  .getMessage());
          assertEquals(
              message, assertThrows(StoreException.class, () -> store.clear(NS)).getMessage());
          try (var files = Files.list(outside)) {
            assertEquals(0, files.count(), "nothing was written outside the store");
          }
        });
  }

  @Test
  void quarantineFolderThatIsALink_isRefused_andNoReasonIsWrittenOutside() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Signature key = key("q");
          put(store, NS, key, bytes("broken"));
          Path quarantine = root.resolve(DirectoryStore.QUARANTINE);
          Files.createSymbolicLink(quarantine, outside);
          StoreException e =
              assertThrows(StoreException.class, () -> store.quarantine(NS, key, "broken"));
          assertEquals(
              "quarantine folder "
                  + quarantine
                  + " of the store at "
                  + root
                  + " is a symbolic link, not a folder; memo never writes or reads through it, so that"
                  + " nothing leaves the store: remove it (memo creates the folder again) or point the"
                  + " store's path at the folder it links to",
              e.getMessage());
          try (var files = Files.list(outside)) {
            assertEquals(0, files.count(), "nothing was written outside the store");
          }
          assertTrue(Files.exists(store.entryPath(NS, key)), "the entry stays where it was");
        });
  }

  @Test
  void sweep_neverDeletesThroughALinkedNamespaceFolder() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Path shard = Files.createDirectories(outside.resolve("ab"));
          Path victim = Files.write(shard.resolve("ab" + "0".repeat(62) + ".entry"), bytes("mine"));
          Files.setLastModifiedTime(victim, FileTime.fromMillis(OLD));
          Files.createDirectories(root);
          Files.createSymbolicLink(root.resolve("elsewhere-0000abcd"), outside);
          store.prune(0, Duration.ofMillis(1));
          assertTrue(Files.exists(victim), "a file outside the store is never removed");
        });
  }
}
