package dev.memo.spi.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.Signature;
import dev.memo.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Real FIFOs, links and folders: each test has a time limit, so a wait on a FIFO fails it. */
@DisabledOnOs(OS.WINDOWS)
final class RegularFilesTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private static final long OLD = 1_600_000_000_000L;

  @TempDir Path dir;

  private static void mkfifo(Path path) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assertEquals(0, p.waitFor(), "mkfifo " + path);
  }

  @Test
  void open_regularFile_readsIt_andAbsentIsEmpty() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Path file = Files.writeString(dir.resolve("f"), "bytes");
          try (InputStream in = RegularFiles.open(file).orElseThrow()) {
            assertArrayEquals("bytes".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
          }
          assertEquals(Optional.empty(), RegularFiles.open(dir.resolve("absent")));
        });
  }

  @Test
  void open_fifo_isRefusedWithoutWaiting() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Path fifo = dir.resolve("fifo");
          mkfifo(fifo);
          RegularFiles.NotRegularFileException e =
              assertThrows(
                  RegularFiles.NotRegularFileException.class, () -> RegularFiles.open(fifo));
          assertEquals(fifo + ": is a FIFO, not a regular file", e.getMessage());
          assertEquals("a FIFO", e.kind());
        });
  }

  @Test
  void openGuarded_fifoSwappedInAfterTheCheck_isReleasedAndEndsAtOnce() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          // The open itself, as if the check had seen a regular file: without the guard it would
          // wait for a writer forever.
          Path fifo = dir.resolve("swapped");
          mkfifo(fifo);
          try (InputStream in = RegularFiles.openGuarded(fifo)) {
            assertEquals(-1, in.read());
          }
        });
  }

  @Test
  void open_symlinkAndDirectory_areRefused_andTheTargetIsNotRead() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Path target = Files.writeString(dir.resolve("target"), "secret");
          Path link = Files.createSymbolicLink(dir.resolve("link"), target);
          assertEquals(
              "a symbolic link",
              assertThrows(
                      RegularFiles.NotRegularFileException.class, () -> RegularFiles.open(link))
                  .kind());
          Path folder = Files.createDirectory(dir.resolve("folder"));
          assertEquals(
              "a directory",
              assertThrows(
                      RegularFiles.NotRegularFileException.class, () -> RegularFiles.open(folder))
                  .kind());
        });
  }

  @Test
  void open_linkSwappedInAfterTheAttributesWereRead_isRefusedAsALink() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Path target = Files.writeString(dir.resolve("target"), "secret");
          Path entry = Files.writeString(dir.resolve("entry"), "entry");
          BasicFileAttributes before = RegularFiles.attributes(entry).orElseThrow();
          // The open with NOFOLLOW_LINKS meets the link: ELOOP, which the JDK reports as a plain
          // IOException; it must come out as the link it is, so that the entry is quarantined.
          Files.delete(entry);
          Files.createSymbolicLink(entry, target);
          assertEquals(
              "a symbolic link",
              assertThrows(
                      RegularFiles.NotRegularFileException.class,
                      () -> RegularFiles.open(entry, before))
                  .kind());
          assertEquals(
              "a symbolic link",
              assertThrows(
                      RegularFiles.NotRegularFileException.class,
                      () -> RegularFiles.openChannel(entry, before))
                  .kind());
        });
  }

  @Test
  void setLastModifiedTime_ofALink_isRefused_andTheTargetKeepsItsTime() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Path target = Files.writeString(dir.resolve("target"), "x");
          Files.setLastModifiedTime(target, FileTime.fromMillis(OLD));
          Path link = Files.createSymbolicLink(dir.resolve("link"), target);
          assertThrows(
              RegularFiles.NotRegularFileException.class,
              () -> RegularFiles.setLastModifiedTime(link, FileTime.fromMillis(OLD + 1000)));
          assertEquals(OLD, Files.getLastModifiedTime(target).toMillis());
          Path fifo = dir.resolve("fifo");
          mkfifo(fifo);
          assertThrows(
              RegularFiles.NotRegularFileException.class,
              () -> RegularFiles.setLastModifiedTime(fifo, FileTime.fromMillis(OLD)));
          RegularFiles.setLastModifiedTime(target, FileTime.fromMillis(OLD + 1000));
          assertEquals(OLD + 1000, Files.getLastModifiedTime(target).toMillis());
        });
  }

  @Test
  void readNameFile_thatIsAFifoOrALink_isNoName() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Path fifo = dir.resolve("fifo.name");
          mkfifo(fifo);
          assertEquals(Optional.empty(), Namespaces.readNameFile(fifo));
          Path real = dir.resolve("real.name");
          Namespaces.writeNameFile(real, "ns");
          Path link = Files.createSymbolicLink(dir.resolve("link.name"), real);
          assertEquals(Optional.empty(), Namespaces.readNameFile(link));
          assertEquals(Optional.of("ns"), Namespaces.readNameFile(real));
        });
  }

  @Test
  void writeNameFile_inALinkedFolder_isRefused() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Path outside = Files.createDirectory(dir.resolve("outside"));
          Path root = Files.createDirectory(dir.resolve("root"));
          Path folder = Files.createSymbolicLink(root.resolve("namespaces"), outside);
          StoreException e =
              assertThrows(
                  StoreException.class,
                  () -> Namespaces.writeNameFile(folder.resolve("x.name"), "ns"));
          assertEquals(
              "folder "
                  + folder
                  + " of the store at "
                  + root
                  + " is a symbolic link, not a"
                  + " folder; memo never writes or reads through it, so that nothing leaves the store:"
                  + " remove it (memo creates the folder again) or point the store's path at the folder"
                  + " it links to",
              e.getMessage());
          try (var files = Files.list(outside)) {
            assertEquals(0, files.count());
          }
        });
  }

  @Test
  void quarantineKeep_underALinkedQuarantineFolder_isRefused_andNothingIsWrittenOutside() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Path outside = Files.createDirectory(dir.resolve("outside"));
          Path root = Files.createDirectory(dir.resolve("root"));
          Files.createSymbolicLink(root.resolve(Quarantine.FOLDER), outside);
          Quarantine q = Quarantine.under(root);
          Signature key = Signature.of(new byte[] {1, 2});
          StoreException e =
              assertThrows(
                  StoreException.class, () -> q.keep("ns", key, out -> out.write(1), "why"));
          assertTrue(
              e.getMessage()
                  .startsWith(
                      "quarantine folder "
                          + root.resolve(".quarantine")
                          + " of the store at "
                          + root
                          + " is a symbolic link"),
              e.getMessage());
          assertThrows(StoreException.class, () -> q.removeOlderThan(Long.MAX_VALUE));
          try (var files = Files.list(outside)) {
            assertEquals(0, files.count());
          }
        });
  }
}
