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
   * Returns whether memo may publish a store's entries behind the call ({@code
   * memo.write-behind.max-bytes}): a directory store that does not force its writes to the device.
   * With {@code fsync=true} the user asked that an entry be on the device when its call returns;
   * other stores publish on the caller's thread (a memory store's put is a copy already).
   *
   * @param store any store
   * @return true for a directory store without fsync
   */
  public static boolean writesBehind(Store store) {
    return store instanceof DirectoryStore directory && !directory.forcesWrites();
  }

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
   * Calls {@code action} with each regular entry file of a namespace folder until it returns true;
   * links, FIFOs and folders where entries belong are left out.
   *
   * @param folder a folder {@link #unnamedFolders} returned
   * @param action told of each entry file; returns true to stop
   * @throws IOException if the folder cannot be listed
   */
  public static void forEachEntryFile(Path folder, EntryFileAction action) throws IOException {
    boolean[] stop = {false};
    DirectoryListing.forEachEntryFile(
        folder,
        (file, attributes) -> {
          if (!stop[0] && attributes.isRegularFile()) {
            stop[0] = action.visit(file);
          }
        });
  }

  /**
   * Returns the space an entry of a store takes on disk: for a directory store, its size rounded up
   * to whole blocks of the file system that holds the store ({@link
   * java.nio.file.FileStore#getBlockSize()}). That approximates the blocks a file system allocates:
   * Java cannot read a file's allocated blocks, a file system that packs small files (inline data,
   * tail packing) or compresses them uses less, and metadata blocks are not counted. For other
   * stores, the size itself.
   *
   * @param store any store
   * @param size an entry's size in bytes, as its listing gives it
   * @return its bytes on disk
   */
  public static long onDisk(Store store, long size) {
    return store instanceof DirectoryStore directory ? directory.sweeper().onDisk(size) : size;
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
