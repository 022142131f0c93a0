package dev.memo.core.store;

import static dev.memo.core.store.DirectoryStoreLayoutTest.list;
import static dev.memo.core.store.DirectoryStoreLayoutTest.open;
import static dev.memo.core.store.Entries.bytes;
import static dev.memo.core.store.Entries.key;
import static dev.memo.core.store.Entries.put;
import static dev.memo.core.store.Entries.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.spi.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

final class DirectoryStoreFailureTest {
  private static final String NS = "dev.memo.Fn#compute";

  @TempDir Path tempDir;

  @Test
  void put_writerFailsOverAnEntry_leavesOnlyThatEntry() throws IOException {
    try (DirectoryStore store = open(tempDir.resolve("store"))) {
      Signature key = key("k");
      put(store, NS, key, bytes("previous"));
      IOException failure = new IOException("disk full");
      IOException thrown =
          assertThrows(
              IOException.class,
              () ->
                  store.put(
                      NS,
                      key,
                      out -> {
                        out.write(Entries.random(300_000, 1));
                        throw failure;
                      }));
      assertSame(failure, thrown);
      Path shard = store.entryPath(NS, key).getParent();
      assertEquals(List.of(key.hex() + ".entry"), list(shard));
      assertArrayEquals(bytes("previous"), read(store, NS, key).orElseThrow());
    }
  }

  @Test
  void put_writerFailsWithoutAnEntry_leavesAnEmptyShard() throws IOException {
    try (DirectoryStore store = open(tempDir.resolve("store"))) {
      Signature key = key("k");
      assertThrows(
          IllegalStateException.class,
          () ->
              store.put(
                  NS,
                  key,
                  out -> {
                    out.write(Entries.random(300_000, 1));
                    throw new IllegalStateException("serde bug");
                  }));
      assertEquals(List.of(), list(store.entryPath(NS, key).getParent()));
    }
  }

  @Test
  void put_whenTheRenameFails_deletesTheTemporaryFileAndKeepsWhatWasThere() throws IOException {
    try (DirectoryStore store = open(tempDir.resolve("store"))) {
      Signature key = key("k");
      // A non-empty folder where the entry belongs: no rename can replace it.
      Path entry = store.entryPath(NS, key);
      Files.createDirectories(entry);
      Files.writeString(entry.resolve("keep"), "kept");
      assertThrows(IOException.class, () -> put(store, NS, key, Entries.random(100_000, 1)));
      assertEquals(List.of(key.hex() + ".entry"), list(entry.getParent()));
      assertEquals("kept", Files.readString(entry.resolve("keep")));
    }
  }

  @Test
  void put_withFsync_roundTripsAndLeavesNoTemporaryFile() throws IOException {
    Path root = tempDir.resolve("store");
    MemoConfig config =
        MemoConfig.of(
                "test",
                Map.of(
                    "memo.store.directory.path",
                    root.toString(),
                    "memo.store.directory.fsync",
                    "TRUE"))
            .scoped("memo.store.directory");
    try (Store store = new DirectoryStoreProvider().create(config)) {
      put(store, NS, key("k"), bytes("durable"));
      put(store, NS, key("k"), bytes("durable again"));
      assertArrayEquals(bytes("durable again"), read(store, NS, key("k")).orElseThrow());
      Path shard = ((DirectoryStore) store).entryPath(NS, key("k")).getParent();
      assertEquals(List.of(key("k").hex() + ".entry"), list(shard));
      assertTrue(store.toString().contains("fsync=true"), store::toString);
    }
  }

  @Test
  void operations_onARootThatIsARegularFile_throwStoreExceptionWithTheFix() throws IOException {
    Path root = Files.writeString(tempDir.resolve("store"), "not a folder");
    String message =
        "directory store root "
            + root
            + " is not a directory; move that file away or set memo.store.directory.path to a"
            + " directory";
    try (DirectoryStore store = open(root)) {
      assertStoreException(message, () -> put(store, NS, key("k"), bytes("x")));
      assertStoreException(message, () -> store.get(NS, key("k")));
      assertStoreException(message, () -> store.remove(NS, key("k")));
    }
    assertEquals("not a folder", Files.readString(root));
  }

  @Test
  void put_underARegularFile_throwsStoreExceptionWithTheFix() throws IOException {
    Path file = Files.writeString(tempDir.resolve("file"), "not a folder");
    Path root = file.resolve("sub").resolve("store");
    try (DirectoryStore store = open(root)) {
      assertStoreException(
          "cannot create directory store root "
              + root
              + " because "
              + file
              + " is not a directory; set memo.store.directory.path to a path under a directory",
          () -> put(store, NS, key("k"), bytes("x")));
    }
  }

  @Test
  void operations_afterClose_throwStoreExceptionNamingTheRoot() throws IOException {
    Path root = tempDir.resolve("store");
    DirectoryStore store = open(root);
    put(store, NS, key("k"), bytes("x"));
    store.close();
    store.close();
    String message = "directory store at " + root + " is closed";
    assertStoreException(message, () -> store.get(NS, key("k")));
    assertStoreException(message, () -> put(store, NS, key("k"), bytes("y")));
    assertStoreException(message, () -> store.remove(NS, key("k")));
    assertStoreException(message, () -> store.quarantine(NS, key("k"), "late"));
    assertEquals("directory", store.name());
    try (DirectoryStore reopened = open(root)) {
      assertArrayEquals(bytes("x"), read(reopened, NS, key("k")).orElseThrow());
    }
  }

  @Test
  void create_withoutPath_usesDotMemoInTheWorkingDirectoryAndTouchesNothing() {
    Path expected = Path.of("").toAbsolutePath().resolve(".memo");
    boolean existed = Files.exists(expected);
    try (DirectoryStore store =
        (DirectoryStore)
            new DirectoryStoreProvider()
                .create(MemoConfig.empty().scoped("memo.store.directory"))) {
      assertEquals(expected, store.root());
    }
    assertEquals(existed, Files.exists(expected));
  }

  @Test
  void create_relativePath_isResolvedAgainstTheWorkingDirectory() {
    try (DirectoryStore store = open(Path.of("build/../cache"))) {
      assertEquals(Path.of("").toAbsolutePath().resolve("cache"), store.root());
    }
  }

  @Test
  void create_fsyncNotABoolean_throwsMemoConfigurationException() {
    MemoConfig config =
        MemoConfig.of("test", Map.of("memo.store.directory.fsync", "sometimes"))
            .scoped("memo.store.directory");
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class, () -> new DirectoryStoreProvider().create(config));
    assertEquals(
        "memo.store.directory.fsync is \"sometimes\" (from test) but must be true or false",
        e.getMessage());
  }

  @Test
  void provider_isTheDefaultStoreAboveMemory() {
    DirectoryStoreProvider directory = new DirectoryStoreProvider();
    MemoryStoreProvider memory = new MemoryStoreProvider();
    assertEquals("directory", directory.name());
    assertEquals(-100, directory.priority());
    assertEquals("memory", memory.name());
    assertEquals(-200, memory.priority());
  }

  @Test
  void putAndGet_onAnInterruptedThread_workAndKeepTheInterrupt() throws IOException {
    Path root = tempDir.resolve("store");
    MemoConfig config =
        MemoConfig.of(
                "test",
                Map.of(
                    "memo.store.directory.path",
                    root.toString(),
                    "memo.store.directory.fsync",
                    "true"))
            .scoped("memo.store.directory");
    byte[] bytes = Entries.random(300_000, 1);
    try (Store store = new DirectoryStoreProvider().create(config)) {
      Thread.currentThread().interrupt();
      try {
        put(store, NS, key("k"), bytes);
        byte[] seen = read(store, NS, key("k")).orElseThrow();
        assertTrue(Thread.currentThread().isInterrupted());
        assertArrayEquals(bytes, seen);
      } finally {
        Thread.interrupted();
      }
    }
  }

  private static void assertStoreException(String message, Executable call) {
    StoreException e = assertThrows(StoreException.class, call);
    assertEquals(message, e.getMessage());
  }
}
