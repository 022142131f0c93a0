package dev.memo.core.store;

import static dev.memo.core.store.Entries.bytes;
import static dev.memo.core.store.Entries.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.Signature;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write path on real files with real symbolic links: a link planted at the name a write's
 * temporary file will take can neither redirect the write outside the store nor become the entry.
 */
@DisabledOnOs(OS.WINDOWS) // links as a user makes them need a POSIX system
final class EntryPublisherTest {
  private static final String NS = "publish";
  private static final long TEMP_NAME = 0x2a;

  @TempDir Path tempDir;
  private Path root;
  private Path outside;
  private DirectoryLayout layout;

  @BeforeEach
  void open() throws IOException {
    root = tempDir.resolve("store");
    outside = Files.createDirectories(tempDir.resolve("outside"));
    layout = new DirectoryLayout(root);
  }

  /** The temporary file a write of {@code key} takes, named as the store's layout says. */
  private Path tempOf(Signature key) {
    return layout
        .entryPath(NS, key)
        .resolveSibling("." + key.hex() + "." + Long.toHexString(TEMP_NAME) + ".tmp");
  }

  private void publish(EntryPublisher publisher, Signature key, byte[] bytes, List<Long> sizes)
      throws IOException {
    publisher.publish(layout.entryPath(NS, key), NS, key, out -> out.write(bytes), sizes::add);
  }

  @Test
  void publish_linkToAFileOutsideAtTheTemporaryName_failsAndLeavesTheTargetAlone()
      throws IOException {
    Signature key = key("planted");
    Path entry = layout.entryPath(NS, key);
    Files.createDirectories(entry.getParent());
    Path target = Files.write(outside.resolve("secret"), bytes("outside"));
    Path temp = Files.createSymbolicLink(tempOf(key), target);
    List<Long> sizes = new ArrayList<>();

    assertThrows(
        FileAlreadyExistsException.class,
        () -> publish(new EntryPublisher(layout, false, () -> TEMP_NAME), key, bytes("v"), sizes));

    assertArrayEquals(bytes("outside"), Files.readAllBytes(target));
    assertFalse(Files.exists(entry, LinkOption.NOFOLLOW_LINKS), "nothing was published");
    assertTrue(Files.isSymbolicLink(temp), "what was planted is not the write's to delete");
    assertEquals(List.of(), sizes);
  }

  @Test
  void publish_danglingLinkAtTheTemporaryName_createsNothingOutside() throws IOException {
    Signature key = key("dangling");
    Path entry = layout.entryPath(NS, key);
    Files.createDirectories(entry.getParent());
    Path target = outside.resolve("created-through-the-link");
    Files.createSymbolicLink(tempOf(key), target);

    assertThrows(
        FileAlreadyExistsException.class,
        () ->
            publish(
                new EntryPublisher(layout, true, () -> TEMP_NAME),
                key,
                bytes("v"),
                new ArrayList<>()));

    assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
    try (Stream<Path> files = Files.list(outside)) {
      assertEquals(0, files.count());
    }
    assertFalse(Files.exists(entry, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void publish_twiceUnderOneTemporaryName_replacesTheEntryAndLeavesNoTemporaryFile()
      throws IOException {
    Signature key = key("again");
    EntryPublisher publisher = new EntryPublisher(layout, true, () -> TEMP_NAME);
    List<Long> sizes = new ArrayList<>();

    publish(publisher, key, bytes("first"), sizes);
    publish(publisher, key, bytes("second!"), sizes);

    assertArrayEquals(bytes("second!"), Files.readAllBytes(layout.entryPath(NS, key)));
    assertEquals(List.of(5L, 7L), sizes);
    assertFalse(Files.exists(tempOf(key), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.isRegularFile(layout.entryPath(NS, key), LinkOption.NOFOLLOW_LINKS));
  }
}
