package dev.memo.spi.support;

import dev.memo.Signature;
import dev.memo.spi.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Where a store on a file system keeps broken entries for inspection, one layout for every store:
 *
 * <pre>
 * root/.quarantine/
 *   namespace-folder/                    {@link Namespaces#folderName} of the entry's namespace
 *     ab12…ef.1700000000000.entry        the broken entry's bytes (key hex, epoch millis)
 *     ab12…ef.1700000000000.reason       why, as UTF-8 text
 * </pre>
 *
 * <p>The reason file is created first and claims the name: an entry quarantined in the same
 * millisecond, by this process or another, takes the next free millisecond instead of replacing it.
 * Thread-safe, and safe for processes sharing the root.
 *
 * <p>Nothing here follows a symbolic link: a {@code .quarantine} folder, or a namespace folder in
 * it, that is a link is refused with a {@link dev.memo.StoreException} ({@link
 * RegularFiles#requireRealFolder}), so that no entry or reason is ever written, and no file
 * deleted, outside the store's root; an entry that is itself a link, FIFO or folder is moved as it
 * is (a rename), never opened.
 */
public final class Quarantine {
  /** The folder, under a store's root, that holds quarantined entries. */
  public static final String FOLDER = ".quarantine";

  /** A quarantined entry's file name ends with this. */
  public static final String ENTRY_SUFFIX = ".entry";

  /** A reason file's name ends with this. */
  public static final String REASON_SUFFIX = ".reason";

  private final Path folder;

  private Quarantine(Path folder) {
    this.folder = folder;
  }

  /** Refuses the quarantine folder, or one of its namespace folders, when it is a link. */
  private void requireRealFolders(Path namespaceFolder) throws IOException {
    Path root = folder.getParent();
    RegularFiles.requireRealFolder(folder, "quarantine folder", root);
    if (namespaceFolder != null) {
      RegularFiles.requireRealFolder(namespaceFolder, "quarantine folder", root);
    }
  }

  /**
   * Returns the quarantine of a store whose files are under {@code root}. Touches nothing on disk.
   *
   * @param root the store's root folder
   * @return the quarantine at {@code root/.quarantine}
   */
  public static Quarantine under(Path root) {
    return new Quarantine(root.resolve(FOLDER));
  }

  /**
   * Returns the quarantine's folder.
   *
   * @return {@code root/.quarantine}
   */
  public Path folder() {
    return folder;
  }

  /**
   * Moves an entry's file into quarantine, atomically, and writes the reason beside it.
   *
   * @param namespace the entry's namespace
   * @param key the entry's key
   * @param entry the entry's file, on the same file system as the quarantine
   * @param reason why, for whoever inspects it
   * @return where the entry now is; empty when the file was gone (another thread or process
   *     quarantined or removed it first)
   * @throws IOException if the quarantine cannot be written or the file cannot be moved
   * @throws dev.memo.StoreException if the quarantine's folders are links
   */
  public Optional<Path> move(String namespace, Signature key, Path entry, String reason)
      throws IOException {
    String base = claim(namespace, key);
    Path reasonFile = folder(namespace).resolve(base + REASON_SUFFIX);
    Path target = folder(namespace).resolve(base + ENTRY_SUFFIX);
    try {
      Files.move(entry, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      Files.deleteIfExists(reasonFile);
      if (!Files.exists(entry)) {
        return Optional.empty();
      }
      throw e;
    }
    writeReason(reasonFile, reason);
    return Optional.of(target);
  }

  /**
   * Keeps a copy of an entry's bytes in quarantine, with the reason beside it; for stores whose
   * entries are not files of their own. If the writer fails, nothing is kept.
   *
   * @param namespace the entry's namespace
   * @param key the entry's key
   * @param bytes writes the entry's bytes
   * @param reason why, for whoever inspects it
   * @return where the copy is
   * @throws IOException if the quarantine cannot be written, or the writer fails
   * @throws dev.memo.StoreException if the quarantine's folders are links
   */
  public Path keep(String namespace, Signature key, Store.EntryWriter bytes, String reason)
      throws IOException {
    String base = claim(namespace, key);
    Path reasonFile = folder(namespace).resolve(base + REASON_SUFFIX);
    Path target = folder(namespace).resolve(base + ENTRY_SUFFIX);
    boolean kept = false;
    try {
      // CREATE_NEW: a link planted under the new name fails the open instead of being followed.
      try (OutputStream out =
          Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        bytes.writeTo(out);
      }
      writeReason(reasonFile, reason);
      kept = true;
      return target;
    } finally {
      if (!kept) {
        Files.deleteIfExists(target);
        Files.deleteIfExists(reasonFile);
      }
    }
  }

  /** Writes into the reason file this quarantine created, never through a link put in its place. */
  private static void writeReason(Path reasonFile, String reason) throws IOException {
    try (OutputStream out =
        Files.newOutputStream(
            reasonFile,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING,
            LinkOption.NOFOLLOW_LINKS)) {
      out.write(reason.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Creates the reason file under the first free name and returns the name without suffix. */
  private String claim(String namespace, Signature key) throws IOException {
    Path dir = folder(namespace);
    requireRealFolders(dir);
    Files.createDirectories(dir);
    for (long millis = System.currentTimeMillis(); ; millis++) {
      String base = key.hex() + "." + millis;
      try {
        Files.createFile(dir.resolve(base + REASON_SUFFIX));
        return base;
      } catch (FileAlreadyExistsException e) {
        // Taken in this millisecond: try the next.
      }
    }
  }

  private Path folder(String namespace) {
    return folder.resolve(Namespaces.folderName(namespace));
  }

  /**
   * Deletes the entries, and their reasons, quarantined before a time: by the reason file's
   * modification time, which is when the entry was quarantined (the entry keeps the time it was
   * last used); an entry whose reason is gone counts by its own time.
   *
   * @param cutMillis the time, in epoch milliseconds
   * @return how many entries were deleted
   * @throws IOException if the quarantine cannot be listed
   * @throws dev.memo.StoreException if the quarantine folder is a link
   */
  public long removeOlderThan(long cutMillis) throws IOException {
    long count = 0;
    requireRealFolders(null);
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(folder)) {
      for (Path dir : folders) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
          for (Path file : files) {
            String n = file.getFileName().toString();
            boolean entry = n.endsWith(ENTRY_SUFFIX);
            Path reason =
                entry
                    ? file.resolveSibling(
                        n.substring(0, n.length() - ENTRY_SUFFIX.length()) + REASON_SUFFIX)
                    : file;
            try {
              long time =
                  Files.exists(reason, LinkOption.NOFOLLOW_LINKS)
                      ? Files.getLastModifiedTime(reason, LinkOption.NOFOLLOW_LINKS).toMillis()
                      : Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis();
              if (time < cutMillis && Files.deleteIfExists(file) && entry) {
                count++;
              }
            } catch (NoSuchFileException e) {
              // Deleted meanwhile.
            } catch (DirectoryNotEmptyException e) {
              // A folder quarantined where an entry belonged: left for whoever inspects it.
            }
          }
        }
      }
    } catch (NoSuchFileException e) {
      // No quarantine yet.
    }
    return count;
  }

  @Override
  public String toString() {
    return "Quarantine{" + folder + "}";
  }
}
