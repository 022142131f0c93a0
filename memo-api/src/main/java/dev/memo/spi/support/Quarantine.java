package dev.memo.spi.support;

import dev.memo.Signature;
import dev.memo.spi.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * millisecond, by this process or another, takes the next free millisecond instead of replacing
 * it. Thread-safe, and safe for processes sharing the root.
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
    Files.writeString(reasonFile, reason, StandardCharsets.UTF_8);
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
   */
  public Path keep(String namespace, Signature key, Store.EntryWriter bytes, String reason)
      throws IOException {
    String base = claim(namespace, key);
    Path reasonFile = folder(namespace).resolve(base + REASON_SUFFIX);
    Path target = folder(namespace).resolve(base + ENTRY_SUFFIX);
    boolean kept = false;
    try {
      try (OutputStream out = Files.newOutputStream(target)) {
        bytes.writeTo(out);
      }
      Files.writeString(reasonFile, reason, StandardCharsets.UTF_8);
      kept = true;
      return target;
    } finally {
      if (!kept) {
        Files.deleteIfExists(target);
        Files.deleteIfExists(reasonFile);
      }
    }
  }

  /** Creates the reason file under the first free name and returns the name without suffix. */
  private String claim(String namespace, Signature key) throws IOException {
    Path dir = folder(namespace);
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
   */
  public long removeOlderThan(long cutMillis) throws IOException {
    long count = 0;
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(folder)) {
      for (Path dir : folders) {
        if (!Files.isDirectory(dir)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
          for (Path file : files) {
            String n = file.getFileName().toString();
            boolean entry = n.endsWith(ENTRY_SUFFIX);
            Path reason = entry
                ? file.resolveSibling(
                    n.substring(0, n.length() - ENTRY_SUFFIX.length()) + REASON_SUFFIX)
                : file;
            try {
              long time = Files.exists(reason)
                  ? Files.getLastModifiedTime(reason).toMillis()
                  : Files.getLastModifiedTime(file).toMillis();
              if (time < cutMillis && Files.deleteIfExists(file) && entry) {
                count++;
              }
            } catch (NoSuchFileException e) {
              // Deleted meanwhile.
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
