package dev.memo.spi.support;

import dev.memo.MemoConfig;
import java.nio.file.Path;

/**
 * The option every store kept in a folder reads the same way: {@code memo.store.<name>.path}, its
 * root folder. Stateless and thread-safe.
 */
public final class StoreFolders {
  /** Option {@code memo.store.<name>.path}: the store's root folder. */
  public static final String PATH = "path";

  private StoreFolders() {}

  /**
   * Returns the root folder a store's configuration names, absolute and normalized; relative paths
   * are taken from the working directory. Touches nothing on disk.
   *
   * @param config the configuration scoped to {@code memo.store.<name>}
   * @param defaultPath the folder unless {@value #PATH} is set, such as {@code .memo}
   * @return the root folder
   * @throws dev.memo.MemoConfigurationException if {@value #PATH} is not a valid path, quoting it
   */
  public static Path root(MemoConfig config, String defaultPath) {
    return config.getPath(PATH, Path.of(defaultPath)).toAbsolutePath().normalize();
  }
}
