package dev.memo.core.store;

import dev.memo.spi.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Gives memo's administration ({@code dev.memo.core.admin}) the namespace folders of a directory
 * store that have no name file (written before those files existed), so that it can name them from
 * an entry's header: the store itself never reads entries. Not exported.
 */
public final class DirectoryMaintenance {
  private DirectoryMaintenance() {}

  /**
   * Returns the namespace folders of a directory store that have no name file.
   *
   * @param store any store
   * @return the folders; empty if {@code store} is not a directory store
   * @throws IOException if the store cannot be listed
   */
  public static List<Path> unnamedFolders(Store store) throws IOException {
    return store instanceof DirectoryStore directory ? directory.unnamedFolders() : List.of();
  }

  /**
   * Calls {@code action} with each entry file of a namespace folder until it returns true.
   *
   * @param folder a folder {@link #unnamedFolders} returned
   * @param action told of each entry file; returns true to stop
   * @throws IOException if the folder cannot be listed
   */
  public static void forEachEntryFile(Path folder, EntryFileAction action) throws IOException {
    boolean[] stop = {false};
    DirectoryStore.forEachEntryFile(folder, (file, attributes) -> {
      if (!stop[0]) {
        stop[0] = action.visit(file);
      }
    });
  }

  /** What {@link #forEachEntryFile} calls with each file. */
  @FunctionalInterface
  public interface EntryFileAction {
    /**
     * Looks at an entry file.
     *
     * @param file the file
     * @return true to stop the listing
     */
    boolean visit(Path file);
  }
}
