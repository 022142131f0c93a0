package dev.memo.core.store;

import dev.memo.spi.Store;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Gives memo's administration ({@code dev.memo.core.admin}) the directory store's own sweep, which
 * also removes the temporary files of dead writers and old quarantined entries. Not exported.
 */
public final class DirectoryMaintenance {
  private DirectoryMaintenance() {}

  /**
   * What a sweep found and did.
   *
   * @param entries entries kept
   * @param bytes bytes of the entries kept
   * @param removedEntries entries removed
   * @param removedBytes bytes of the entries removed
   * @param removedTemporaryFiles temporary files of dead writers removed
   * @param removedQuarantined quarantined entries removed
   */
  public record Swept(long entries, long bytes, long removedEntries, long removedBytes,
      long removedTemporaryFiles, long removedQuarantined) {}

  /**
   * Sweeps a directory store now, on the calling thread, to the given bounds: entries unused for
   * longer than {@code maxAge} go, then the least recently used until at most {@code maxBytes}
   * remain.
   *
   * @param store any store
   * @param maxBytes the most bytes of entries to keep, {@link Long#MAX_VALUE} for no bound
   * @param maxAge the longest to keep an unused entry, null for no bound
   * @return what the sweep did; empty if {@code store} is not a directory store
   * @throws IOException if the store cannot be listed
   */
  public static Optional<Swept> sweep(Store store, long maxBytes, Duration maxAge)
      throws IOException {
    if (!(store instanceof DirectoryStore directory)) {
      return Optional.empty();
    }
    DirectorySweeper.Result r = directory.sweeper().sweep(maxBytes, maxAge, maxBytes);
    return Optional.of(new Swept(r.entries(), r.bytes(), r.removedEntries(), r.removedBytes(),
        r.removedTemporaryFiles(), r.removedQuarantined()));
  }
}
