package dev.memo.core.store;

import dev.memo.spi.Store;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the local folder of a store, where memo keeps files of its own ({@link Store#folder()}),
 * for core's directory store too, which keeps its root package-private. Stateless; thread-safe.
 */
public final class StoreFolder {
  private StoreFolder() {}

  /**
   * Returns the local folder a store keeps its files in.
   *
   * @param store any store
   * @return its folder, absolute; empty when it has none
   */
  public static Optional<Path> of(Store store) {
    if (store instanceof DirectoryStore directory) {
      return Optional.of(directory.root());
    }
    return store.folder();
  }
}
