package dev.memo.core.admin;

import dev.memo.core.entry.EntryFormat;
import dev.memo.core.store.DirectoryMaintenance;
import dev.memo.spi.Store;
import dev.memo.spi.support.Namespaces;
import dev.memo.spi.support.RegularFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The directory store's namespace folders written by an earlier memo, before each folder had a file
 * naming its namespace: {@link StoreAdmin} lists them by what their entries' headers say.
 */
final class UnnamedFolders {
  private UnnamedFolders() {}

  /**
   * Names the directory store's namespace folders written before their name files existed: a memo
   * entry's header names its function, which is the namespace when its folder name matches.
   */
  static Set<String> namespaces(Store store) throws IOException {
    Set<String> names = new HashSet<>();
    for (Path folder : DirectoryMaintenance.unnamedFolders(store)) {
      String folderName = folder.getFileName().toString();
      DirectoryMaintenance.forEachEntryFile(
          folder,
          file -> {
            // Never through a link, never on a FIFO: RegularFiles opens regular files only.
            Optional<InputStream> opened;
            try {
              opened = RegularFiles.open(file);
            } catch (IOException | RuntimeException e) {
              return false;
            }
            if (opened.isEmpty()) {
              return false;
            }
            try (InputStream in = new BufferedInputStream(opened.get())) {
              String function = EntryFormat.readHeader(in).metadata().get("function");
              if (function != null && Namespaces.folderName(function).equals(folderName)) {
                names.add(function);
                return true;
              }
            } catch (IOException | RuntimeException ignored) {
              // Not a memo entry, or a broken one: try the next.
            }
            return false;
          });
    }
    return names;
  }
}
