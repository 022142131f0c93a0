package dev.memo.core.admin;

import dev.memo.core.admin.StoreAdmin.LastMiss;
import dev.memo.core.entry.EntryFormat;
import dev.memo.core.entry.MissReasons;
import dev.memo.spi.Store;
import dev.memo.spi.StoreEntry;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads the latest-entry records memo keeps in its own namespace ({@link MissReasons#NAMESPACE})
 * into {@link LastMiss}es for {@link StoreAdmin#lastMisses}. Owns the decoding of those records and
 * the choice of the latest one per function; a record that cannot be read is skipped. Stateless;
 * thread-safe as far as the store it reads is.
 */
final class LastMissReader {
  private LastMissReader() {}

  /**
   * Returns the latest miss of each function that has a readable record among {@code records}.
   *
   * @param store the store that holds the records
   * @param records the entries of {@link MissReasons#NAMESPACE}, in the order to read them
   * @param progress told of each record read, and when all are read
   * @return by function name, sorted
   */
  static Map<String, LastMiss> latest(Store store, List<StoreEntry> records, Progress progress) {
    Map<String, LastMiss> found = new TreeMap<>();
    long done = 0;
    for (StoreEntry e : records) {
      read(store, e)
          .ifPresent(
              m ->
                  found.merge(
                      m.function(),
                      m,
                      (a, b) ->
                          b.at().orElse(Instant.MIN).isAfter(a.at().orElse(Instant.MIN)) ? b : a));
      progress.update("reading records", ++done, records.size());
    }
    progress.done();
    return found;
  }

  private static Optional<LastMiss> read(Store store, StoreEntry e) {
    try {
      Optional<InputStream> in = store.get(MissReasons.NAMESPACE, e.key());
      if (in.isEmpty()) {
        return Optional.empty();
      }
      try (InputStream stream = new BufferedInputStream(in.get(), 8192)) {
        EntryFormat.Header h = EntryFormat.readHeader(stream);
        String function = h.metadata().get("function");
        // Code manifests share the namespace; only a latest-entry record has both of these.
        if (!h.serde().equals(MissReasons.SERDE)
            || function == null
            || !h.metadata().containsKey("signature.code")) {
          return Optional.empty();
        }
        return Optional.of(
            new LastMiss(
                function,
                StoreAdmin.number(h, "created").map(Instant::ofEpochMilli),
                MissReasons.decode(function, h.metadata())));
      }
    } catch (IOException | RuntimeException x) {
      return Optional.empty(); // a record is a hint; a broken one tells nothing
    }
  }
}
