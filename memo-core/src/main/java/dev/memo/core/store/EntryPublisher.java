package dev.memo.core.store;

import dev.memo.Signature;
import dev.memo.core.config.LazyLogger;
import dev.memo.core.entry.CountingOutputStream;
import dev.memo.spi.Store.EntryWriter;
import dev.memo.spi.support.Namespaces;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Owns a {@link DirectoryStore}'s write path: it streams an entry's bytes into a hidden temporary
 * file in the entry's own folder (creating the folders and the namespace's name file on the first
 * write to them), forces it to the device when fsync is on, and renames it over the entry
 * atomically, so that readers see the old entry or the new one, whole. A failed write leaves no
 * temporary file behind.
 *
 * <p>The temporary file is created and opened in one call that fails if anything is at its name and
 * never follows a link there ({@code CREATE_NEW} with {@code NOFOLLOW_LINKS}, as {@link
 * dev.memo.spi.support.RegularFiles} opens entries), so a link planted at the name cannot redirect
 * the write outside the store. It is written through {@link Files#newOutputStream}, whose stream an
 * interrupt of the writing thread does not close on the default file system (a channel's would).
 *
 * <p>Thread-safe: it holds no mutable state, and every write has a temporary file of its own.
 */
final class EntryPublisher {
  private static final System.Logger LOG = LazyLogger.of(DirectoryStore.class.getName());

  /**
   * The write buffer: it gathers the entry format's small writes; writes of a buffer or more (a
   * large payload's chunks) pass straight through, so a larger one only costs its allocation.
   */
  private static final int BUFFER_BYTES = 8 * 1024;

  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

  private final DirectoryLayout layout;
  private final boolean fsync;
  private final LongSupplier tempNames;

  /**
   * Creates the write path of a store.
   *
   * @param layout the store's layout, which explains an unusable root
   * @param fsync whether to force each entry and its folder to the device before a write returns
   */
  EntryPublisher(DirectoryLayout layout, boolean fsync) {
    this(layout, fsync, () -> ThreadLocalRandom.current().nextLong());
  }

  /**
   * Creates the write path of a store whose temporary files are named by {@code tempNames}: for
   * tests that plant something at the name a write will use.
   *
   * @param layout the store's layout, which explains an unusable root
   * @param fsync whether to force each entry and its folder to the device before a write returns
   * @param tempNames gives the random part of each temporary file's name
   */
  EntryPublisher(DirectoryLayout layout, boolean fsync, LongSupplier tempNames) {
    this.layout = layout;
    this.fsync = fsync;
    this.tempNames = tempNames;
  }

  /**
   * Writes an entry and publishes it at {@code entry}, replacing what was there.
   *
   * @param entry the entry's file, whose folders {@link DirectoryLayout#checkFolders} accepted
   * @param namespace the entry's namespace, written beside its shards on the first write
   * @param key the entry's key, which names the temporary file
   * @param writer writes the entry's bytes
   * @param published told of the entry's size once it is in place, before its folder is forced
   * @throws java.nio.file.FileAlreadyExistsException if something (a file, a link) is at the
   *     temporary file's name; it is left alone
   * @throws IOException if the entry cannot be written or renamed; then nothing was published
   */
  void publish(
      Path entry, String namespace, Signature key, EntryWriter writer, LongConsumer published)
      throws IOException {
    Path folder = entry.getParent();
    Path temp = tempPath(folder, key);
    OutputStream file = openTemp(temp, namespace);
    boolean moved = false;
    try {
      long size;
      try (file) {
        size = write(writer, file);
      }
      if (fsync) {
        force(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      }
      Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      published.accept(size);
      if (fsync) {
        forceFolder(folder);
      }
    } catch (IOException e) {
      layout.checkRoot(e);
      throw e;
    } finally {
      if (!moved) {
        deleteQuietly(temp);
      }
    }
  }

  private static long write(EntryWriter writer, OutputStream file) throws IOException {
    LazyBufferedOutputStream out = new LazyBufferedOutputStream(file, BUFFER_BYTES);
    // Closing it only flushes: a writer that closes the stream it was handed leaves the file open,
    // so the store can still force and rename it.
    CountingOutputStream counted = new CountingOutputStream(out);
    writer.writeTo(counted);
    out.flush();
    return counted.count();
  }

  private Path tempPath(Path folder, Signature key) {
    // Hidden, so that listings of entries skip it; random, so that threads and processes never
    // share one.
    return folder.resolve(
        "."
            + key.hex()
            + "."
            + Long.toHexString(tempNames.getAsLong())
            + DirectoryStore.TEMP_SUFFIX);
  }

  /**
   * Creates and opens the temporary file, and its folders and the namespace's name file on the
   * first write to them. Files.newOutputStream rather than Files.createTempFile: the latter makes
   * files only the owner can read, which would lock other users out of a store they share.
   */
  private OutputStream openTemp(Path temp, String namespace) throws IOException {
    try {
      try {
        return newTemp(temp);
      } catch (NoSuchFileException e) {
        createFolders(temp.getParent());
        writeNamespaceFile(temp.getParent().getParent(), namespace);
        return newTemp(temp);
      }
    } catch (IOException e) {
      layout.checkRoot(e);
      throw e;
    }
  }

  /** Creates and opens a file in one call, failing if anything, a link included, is there. */
  private static OutputStream newTemp(Path temp) throws IOException {
    return Files.newOutputStream(
        temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
  }

  private void createFolders(Path folder) throws IOException {
    Path root = layout.root();
    boolean rootExisted = Files.isDirectory(root);
    Files.createDirectories(folder);
    if (fsync) {
      // New folders are durable only once their parents are forced too.
      for (Path p = folder.getParent(); p != null && p.startsWith(root); p = p.getParent()) {
        forceFolder(p);
      }
      if (!rootExisted && root.getParent() != null) {
        forceFolder(root.getParent());
      }
    }
  }

  /** Writes the namespace's name file beside its shards, once per folder. */
  private static void writeNamespaceFile(Path folder, String namespace) throws IOException {
    Namespaces.writeNameFile(folder.resolve(DirectoryStore.NAMESPACE_FILE), namespace);
  }

  private static void forceFolder(Path folder) throws IOException {
    if (WINDOWS || folder.getFileSystem() != FileSystems.getDefault()) {
      // Windows cannot open a folder as a channel; NTFS journals the rename itself. Other file
      // systems (test stand-ins, zip or memory file systems) need not support it either.
      return;
    }
    // Not NOFOLLOW_LINKS: the root itself may be a link (a user's choice), and it is forced too.
    force(folder, StandardOpenOption.READ);
  }

  /** Forces a file or folder to the device, keeping the thread's interrupt. */
  private static void force(Path path, OpenOption... options) throws IOException {
    // A channel refuses to work on an interrupted thread; keep the interrupt for the caller
    // instead.
    boolean interrupted = Thread.interrupted();
    try (FileChannel channel = FileChannel.open(path, options)) {
      channel.force(true);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void deleteQuietly(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot delete temporary file " + temp + "; delete it by hand", e);
    }
  }
}
