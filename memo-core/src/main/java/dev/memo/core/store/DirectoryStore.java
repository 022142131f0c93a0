package dev.memo.core.store;

import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.spi.Store;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps each entry in its own file under a root folder:
 *
 * <pre>
 * root/
 *   namespace-folder/          sanitized namespace + '-' + 8 hex digits of its SHA-256
 *     ab/                      first two hex digits of the key
 *       ab12…ef.entry          the entry's bytes
 *       .ab12…ef.5f3c….tmp     an entry being written (hidden; renamed or deleted when done)
 *   .quarantine/
 *     namespace-folder/
 *       ab12…ef.1700000000000.entry    a broken entry taken out of use
 *       ab12…ef.1700000000000.reason   why, as UTF-8 text
 * </pre>
 *
 * <p>A put streams the writer's bytes into a hidden temporary file in the entry's own folder and
 * then renames it over the entry atomically, so readers, in this process or another, see the old
 * entry or the new one, whole. A reader that has opened an entry keeps reading the version it
 * opened even when the entry is replaced or removed meanwhile: that is the POSIX rename and unlink
 * semantics, which Linux and macOS give. On Windows a replace can fail while a reader holds the
 * entry open; the put then fails and the old entry stays. An interrupt of the reading or writing
 * thread does not break the streams.
 *
 * <p>Thread-safe, and safe to share between processes on one host. On a network file system it is
 * only as atomic as that file system's rename.
 */
final class DirectoryStore implements Store {
  /** The folder, under the root, that broken entries are moved to. */
  static final String QUARANTINE = ".quarantine";
  /** Every entry file's name ends with this. */
  static final String ENTRY_SUFFIX = ".entry";
  /** The longest sanitized namespace kept in a folder name, before the hash suffix. */
  static final int MAX_NAME_CHARS = 100;
  /** Longer keys would overflow the common 255-byte limit on file names. */
  static final int MAX_KEY_BYTES = 100;

  private static final System.Logger LOG = System.getLogger(DirectoryStore.class.getName());
  private static final HexFormat HEX = HexFormat.of();
  /**
   * The write buffer: it gathers the entry format's small writes; writes of a buffer or more (a
   * large payload's chunks) pass straight through, so a larger one only costs its allocation.
   */
  private static final int BUFFER_BYTES = 8 * 1024;
  /** Most namespaces whose folder name is kept; beyond that a namespace is hashed at every call. */
  private static final int MAX_CACHED_FOLDERS = 10_000;
  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

  private final Path root;
  private final boolean fsync;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Folder names by namespace: a namespace is hashed once, not at every get and put. */
  private final Map<String, String> folders = new ConcurrentHashMap<>();

  /**
   * Creates a store; touches nothing on disk until the first write.
   *
   * @param root the root folder, absolute and normalized
   * @param fsync whether to force each entry and its folder to the device before put returns
   */
  DirectoryStore(Path root, boolean fsync) {
    this.root = root;
    this.fsync = fsync;
  }

  @Override
  public String name() {
    return DirectoryStoreProvider.NAME;
  }

  /** Returns the root folder, absolute and normalized. */
  Path root() {
    return root;
  }

  @Override
  public Optional<InputStream> get(String namespace, Signature key) throws IOException {
    checkOpen();
    Path entry = entryPath(namespace, key);
    InputStream in;
    try {
      // Unlike FileChannel.open, Files.newInputStream gives a stream that an interrupt of the
      // reading thread does not close (which would look like a broken entry); a test guards it.
      in = Files.newInputStream(entry);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      checkRoot(e);
      throw e;
    }
    // Not buffered here: memo reads entries through a buffer of its own, and a 64 KiB buffer
    // allocated per get cost more than the whole read of a small entry.
    return Optional.of(in);
  }

  @Override
  public void put(String namespace, Signature key, EntryWriter writer) throws IOException {
    checkOpen();
    Path entry = entryPath(namespace, key);
    Path folder = entry.getParent();
    Path temp = tempPath(folder, key);
    createTemp(temp);
    boolean published = false;
    try {
      // java.io rather than FileChannel, which an interrupt of the writing thread would close.
      try (FileOutputStream file = new FileOutputStream(temp.toFile())) {
        BufferedOutputStream out = new BufferedOutputStream(file, BUFFER_BYTES);
        writer.writeTo(new UnclosableOutputStream(out));
        out.flush();
        if (fsync) {
          file.getFD().sync();
        }
      }
      Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      published = true;
      if (fsync) {
        forceFolder(folder);
      }
    } catch (IOException e) {
      checkRoot(e);
      throw e;
    } finally {
      if (!published) {
        deleteQuietly(temp);
      }
    }
  }

  @Override
  public boolean remove(String namespace, Signature key) throws IOException {
    checkOpen();
    try {
      return Files.deleteIfExists(entryPath(namespace, key));
    } catch (IOException e) {
      checkRoot(e);
      throw e;
    }
  }

  /**
   * Moves the entry to {@code <root>/.quarantine/<namespace folder>/<key>.<epoch millis>.entry} and
   * writes the reason beside it in {@code <key>.<epoch millis>.reason}. Does nothing when the entry
   * is absent, for instance because another thread quarantined it first.
   */
  @Override
  public void quarantine(String namespace, Signature key, String reason) throws IOException {
    checkOpen();
    Path entry = entryPath(namespace, key);
    if (!Files.exists(entry)) {
      return;
    }
    Path folder = inside(root.resolve(QUARANTINE).resolve(folderName(namespace)));
    try {
      createFolders(folder);
      // The reason file claims the name: a rename would silently replace an entry quarantined
      // in the same millisecond, so the next free millisecond is taken instead.
      for (long millis = System.currentTimeMillis(); ; millis++) {
        String base = key.hex() + "." + millis;
        Path reasonFile = folder.resolve(base + ".reason");
        try {
          Files.createFile(reasonFile);
        } catch (FileAlreadyExistsException e) {
          continue;
        }
        Path target = folder.resolve(base + ENTRY_SUFFIX);
        try {
          Files.move(entry, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
          Files.deleteIfExists(reasonFile);
          if (!Files.exists(entry)) {
            return;
          }
          throw e;
        }
        Files.writeString(reasonFile, reason, StandardCharsets.UTF_8);
        LOG.log(Level.DEBUG, () -> "quarantined " + entry + " to " + target + ": " + reason);
        return;
      }
    } catch (IOException e) {
      checkRoot(e);
      throw e;
    }
  }

  /** Marks the store closed; calls in flight finish, later ones fail. Closing twice is fine. */
  @Override
  public void close() {
    closed.set(true);
  }

  @Override
  public String toString() {
    return "DirectoryStore{root=" + root + ", fsync=" + fsync + "}";
  }

  /**
   * Returns the file that holds an entry.
   *
   * @throws StoreException if the key is too long for a file name
   */
  Path entryPath(String namespace, Signature key) {
    if (key.length() > MAX_KEY_BYTES) {
      throw new StoreException(
          "signature of "
              + key.length()
              + " bytes is too long for the directory store at "
              + root
              + ": keys of at most "
              + MAX_KEY_BYTES
              + " bytes fit in a file name; use a signer with a shorter digest");
    }
    String hex = key.hex();
    String folder = folders.get(namespace);
    if (folder == null) {
      folder = folderName(namespace);
      if (folders.size() < MAX_CACHED_FOLDERS) {
        folders.put(namespace, folder);
      }
    }
    return inside(root.resolve(folder).resolve(hex.substring(0, 2)).resolve(hex + ENTRY_SUFFIX));
  }

  /**
   * Returns the folder name of a namespace: the namespace with every character outside {@code
   * [A-Za-z0-9._-]} replaced by {@code _}, cut to {@value #MAX_NAME_CHARS} characters, a leading
   * {@code .} or {@code -} replaced by {@code _} ({@code _} alone for the empty namespace), then
   * {@code -} and the first 8 hex digits of the SHA-256 of the namespace's UTF-16BE code units. The readable part makes the folder easy to find; the hash keeps
   * namespaces that sanitize alike apart. Code units rather than UTF-8 are hashed so that strings
   * with unpaired surrogates, which UTF-8 encoding would merge with {@code ?}, stay distinct.
   *
   * @param namespace any string
   * @return a single path segment, never {@code .} or {@code ..}, at most 109 ASCII characters
   */
  static String folderName(String namespace) {
    StringBuilder name = new StringBuilder(Math.min(namespace.length(), MAX_NAME_CHARS) + 9);
    namespace
        .codePoints()
        .limit(MAX_NAME_CHARS)
        .forEach(c -> name.append(isSafe(c) ? (char) c : '_'));
    if (name.length() == 0) {
      name.append('_');
    } else if (name.charAt(0) == '.' || name.charAt(0) == '-') {
      // A leading dot would hide the folder (and "." or ".." would mean something); a leading dash
      // reads as an option to command-line tools.
      name.setCharAt(0, '_');
    }
    byte[] units = new byte[namespace.length() * 2];
    for (int i = 0; i < namespace.length(); i++) {
      char c = namespace.charAt(i);
      units[2 * i] = (byte) (c >>> 8);
      units[2 * i + 1] = (byte) c;
    }
    return name.append('-').append(HEX.formatHex(sha256(units), 0, 4)).toString();
  }

  private static boolean isSafe(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-';
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * Returns the path if it lies strictly below the root once normalized. The folder names are
   * built to guarantee this; the check stays so that a future change to them cannot open a way out.
   *
   * @throws StoreException if the path leaves the root
   */
  Path inside(Path path) {
    Path normal = path.normalize();
    if (!normal.startsWith(root) || normal.equals(root)) {
      throw new StoreException(
          "path "
              + normal
              + " is outside the directory store at "
              + root
              + "; this is a bug in memo's namespace sanitizing, please report it");
    }
    return normal;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new StoreException("directory store at " + root + " is closed");
    }
  }

  private static Path tempPath(Path folder, Signature key) {
    // Hidden, so that listings of entries skip it; random, so that threads and processes never
    // share one.
    return folder.resolve(
        "." + key.hex() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
  }

  /** Creates the temporary file, and its folders on the first write to them. */
  private void createTemp(Path temp) throws IOException {
    // Files.createFile rather than Files.createTempFile: the latter makes files only the owner can
    // read, which would lock other users out of a store they share.
    try {
      try {
        Files.createFile(temp);
      } catch (NoSuchFileException e) {
        createFolders(temp.getParent());
        Files.createFile(temp);
      }
    } catch (IOException e) {
      checkRoot(e);
      throw e;
    }
  }

  private void createFolders(Path folder) throws IOException {
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

  private static void forceFolder(Path folder) throws IOException {
    if (WINDOWS) {
      // Windows cannot open a folder as a channel; NTFS journals the rename itself.
      return;
    }
    // A channel refuses to work on an interrupted thread; keep the interrupt for the caller instead.
    boolean interrupted = Thread.interrupted();
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
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

  /**
   * Throws a StoreException that says how to fix the root when the failure comes from an unusable
   * root; returns when the failure has another cause, which the caller then rethrows.
   */
  private void checkRoot(IOException e) {
    if (e instanceof NoSuchFileException || !(e instanceof FileSystemException)) {
      return;
    }
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new StoreException(
          "directory store root "
              + root
              + " is not a directory; move that file away or set memo.store.directory.path to a"
              + " directory",
          e);
    }
    Path ancestor = root.getParent();
    while (ancestor != null && !Files.exists(ancestor)) {
      ancestor = ancestor.getParent();
    }
    if (!Files.exists(root) && ancestor != null && !Files.isDirectory(ancestor)) {
      throw new StoreException(
          "cannot create directory store root "
              + root
              + " because "
              + ancestor
              + " is not a directory; set memo.store.directory.path to a path under a directory",
          e);
    }
    if (e instanceof AccessDeniedException) {
      throw new StoreException(
          "permission denied on "
              + ((FileSystemException) e).getFile()
              + " in the directory store at "
              + root
              + "; give this user read and write access to "
              + root
              + " or set memo.store.directory.path to a directory it can write",
          e);
    }
  }

  /**
   * Shields the temporary file from a writer that closes the stream it was handed: closing flushes
   * and leaves the file open, so the store can still force and rename it.
   */
  private static final class UnclosableOutputStream extends OutputStream {
    private final OutputStream out;

    UnclosableOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
