package dev.memo.core.store;

import dev.memo.Signature;
import dev.memo.spi.StoreEntry;
import dev.memo.spi.support.Namespaces;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Walks a {@link DirectoryStore}'s tree: its namespace folders, named or not, and the entry files
 * in a namespace's shards. Reads folders and file attributes only, never entries, and follows no
 * link below the root.
 *
 * <p>Stateless, so thread-safe; a listing is not a snapshot: files that come or go while it runs
 * may or may not be seen, and files that vanish while listed are skipped.
 */
final class DirectoryListing {
  private DirectoryListing() {}

  /** What a listing calls for each entry file. */
  @FunctionalInterface
  interface EntryFileVisitor {
    void visit(Path file, BasicFileAttributes attributes);
  }

  /**
   * Returns the namespaces whose folders under {@code root} name them in a {@value
   * DirectoryStore#NAMESPACE_FILE} file that matches the folder's name.
   *
   * @param root the store's root; absent means no namespaces
   * @return the namespaces, a new mutable set
   * @throws IOException if the root cannot be listed
   */
  static Set<String> namespaces(Path root) throws IOException {
    Set<String> names = new HashSet<>();
    if (!Files.isDirectory(root)) {
      return names;
    }
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(root)) {
      for (Path folder : folders) {
        String folderName = folder.getFileName().toString();
        if (folderName.startsWith(".") || !Files.isDirectory(folder)) {
          continue;
        }
        Namespaces.readNameFile(folder.resolve(DirectoryStore.NAMESPACE_FILE))
            .filter(n -> Namespaces.folderName(n).equals(folderName))
            .ifPresent(names::add);
      }
    }
    return names;
  }

  /**
   * Returns the namespace folders under {@code root} that have no {@value
   * DirectoryStore#NAMESPACE_FILE} file: written before those files existed, or by a writer that
   * died before writing it.
   *
   * @param root the store's root; absent means none
   * @return the folders
   * @throws IOException if the root cannot be listed
   */
  static List<Path> unnamedFolders(Path root) throws IOException {
    List<Path> unnamed = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return unnamed;
    }
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(root)) {
      for (Path folder : folders) {
        if (!folder.getFileName().toString().startsWith(".")
            && Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)
            && !Files.exists(
                folder.resolve(DirectoryStore.NAMESPACE_FILE), LinkOption.NOFOLLOW_LINKS)) {
          unnamed.add(folder);
        }
      }
    }
    return unnamed;
  }

  /**
   * Tells {@code action} of each entry in a namespace folder, by key, size and last access; files
   * whose names are not hex keys are not entries this store wrote and are left out.
   *
   * @param namespaceFolder the namespace's folder; absent means no entries
   * @param action told of each entry
   * @throws IOException if the folder cannot be listed
   */
  static void forEachEntry(Path namespaceFolder, Consumer<? super StoreEntry> action)
      throws IOException {
    forEachEntryFile(
        namespaceFolder,
        (file, attributes) -> {
          String name = file.getFileName().toString();
          Signature key;
          try {
            key =
                Signature.fromHex(
                    name.substring(0, name.length() - DirectoryStore.ENTRY_SUFFIX.length()));
          } catch (IllegalArgumentException e) {
            // Not a file this store wrote (its names are hex keys): not an entry.
            return;
          }
          action.accept(
              new StoreEntry(
                  key, attributes.size(), Optional.of(attributes.lastModifiedTime().toInstant())));
        });
  }

  /**
   * Calls the visitor for each entry file in a namespace folder's shards; files that vanish while
   * listed are skipped. Does nothing when the folder is absent. Nothing is followed: a shard that
   * is a link is skipped, and an entry's attributes are its own (a link, FIFO or folder where an
   * entry belongs is listed as what it is, so that verify and the sweeper can take it away).
   */
  static void forEachEntryFile(Path namespaceFolder, EntryFileVisitor visitor) throws IOException {
    DirectoryStream<Path> shards;
    try {
      shards = Files.newDirectoryStream(namespaceFolder);
    } catch (NoSuchFileException e) {
      return;
    }
    try (shards) {
      for (Path shard : shards) {
        if (shard.getFileName().toString().startsWith(".")
            || !Files.isDirectory(shard, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        DirectoryStream<Path> files;
        try {
          files = Files.newDirectoryStream(shard);
        } catch (NoSuchFileException e) {
          continue;
        }
        try (files) {
          for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.startsWith(".") || !name.endsWith(DirectoryStore.ENTRY_SUFFIX)) {
              continue;
            }
            BasicFileAttributes attributes;
            try {
              attributes =
                  Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
              continue;
            }
            visitor.visit(file, attributes);
          }
        }
      }
    }
  }
}
