package dev.memo.core.store;

import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.spi.support.Namespaces;
import dev.memo.spi.support.RegularFiles;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Owns where a {@link DirectoryStore}'s files lie under its root (the layout the store's class
 * comment draws): the path of an entry, the folder of a namespace, the guard that no path leaves
 * the root, the refusal of linked namespace and shard folders, and the explanation of a root that
 * cannot be used. Reads no entries and writes nothing.
 *
 * <p>Thread-safe: its caches are concurrent, and a folder found real stays so for this process.
 */
final class DirectoryLayout {
  /** Longer keys would overflow the common 255-byte limit on file names. */
  static final int MAX_KEY_BYTES = 100;

  /** Most namespaces whose folder name is kept; beyond that a namespace is hashed at every call. */
  private static final int MAX_CACHED_FOLDERS = 10_000;

  private final Path root;

  /**
   * Shard folders by namespace: a namespace is hashed once, and each of its 256 shard folders is
   * resolved and checked to lie inside the root once, not at every get and put.
   */
  private final Map<String, AtomicReferenceArray<Path>> shards = new ConcurrentHashMap<>();

  /** Shard folders found to be real folders, not links: see {@link #requireRealFolders}. */
  private final Set<Path> realFolders = ConcurrentHashMap.newKeySet();

  /**
   * Creates the layout of a store.
   *
   * @param root the root folder, absolute and normalized
   */
  DirectoryLayout(Path root) {
    this.root = root;
  }

  /** Returns the root folder, absolute and normalized. */
  Path root() {
    return root;
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
    AtomicReferenceArray<Path> folders = shards.get(namespace);
    if (folders == null) {
      folders = new AtomicReferenceArray<>(256);
      if (shards.size() < MAX_CACHED_FOLDERS) {
        AtomicReferenceArray<Path> raced = shards.putIfAbsent(namespace, folders);
        folders = raced != null ? raced : folders;
      }
    }
    int shard = Character.digit(hex.charAt(0), 16) * 16 + Character.digit(hex.charAt(1), 16);
    Path folder = folders.get(shard);
    if (folder == null) {
      // Two threads may both resolve it: the same path either way.
      folder = inside(root.resolve(folderName(namespace)).resolve(hex.substring(0, 2)));
      folders.set(shard, folder);
    }
    // The file's name is hex digits and a suffix, so it stays inside its checked shard folder.
    return folder.resolve(hex + DirectoryStore.ENTRY_SUFFIX);
  }

  /** Returns the folder of a namespace, checked to lie inside the root. */
  Path namespaceFolder(String namespace) {
    return inside(root.resolve(folderName(namespace)));
  }

  /** Returns the folder name of a namespace: {@link Namespaces#folderName}. */
  static String folderName(String namespace) {
    return Namespaces.folderName(namespace);
  }

  /**
   * Returns the path if it lies strictly below the root once normalized. The folder names are built
   * to guarantee this; the check stays so that a future change to them cannot open a way out.
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

  /**
   * Refuses an entry's namespace and shard folders when they are symbolic links, so that nothing is
   * read or written through them outside the root. A folder is checked once per process: the root's
   * owner could swap one for a link later, but whoever can write the root can write the entries
   * too.
   */
  void requireRealFolders(Path entry) throws IOException {
    Path shard = entry.getParent();
    if (realFolders.contains(shard)) {
      return;
    }
    Path folder = shard.getParent();
    RegularFiles.requireRealFolder(folder, "namespace folder", root);
    RegularFiles.requireRealFolder(shard, "shard folder", root);
    if (realFolders.size() < MAX_CACHED_FOLDERS
        && Files.isDirectory(shard, LinkOption.NOFOLLOW_LINKS)) {
      realFolders.add(shard);
    }
  }

  /** {@link #requireRealFolders}, with an unusable root explained. */
  void checkFolders(Path entry) throws IOException {
    try {
      requireRealFolders(entry);
    } catch (IOException e) {
      checkRoot(e);
      throw e;
    }
  }

  /**
   * Throws a StoreException that says how to fix the root when the failure comes from an unusable
   * root; returns when the failure has another cause, which the caller then rethrows.
   */
  void checkRoot(IOException e) {
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
}
