package dev.memo.core.admin;

import dev.memo.core.admin.StoreAdmin.LastMiss;
import dev.memo.core.entry.EntryFormat;
import dev.memo.core.entry.EntryReader;
import dev.memo.core.entry.MissReasons;
import dev.memo.spi.Store;
import dev.memo.spi.StoreEntry;
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
 * the choice of the latest one per function. Records are read through the one entry reader, only
 * peeked at: one that cannot be read, or that was moved or copied to another key's place, is
 * skipped. Stateless; thread-safe as far as the store it reads is.
 */
final class LastMissReader {
  private LastMissReader() {}

  /**
   * Returns the latest miss of each function that has a readable record among {@code records}.
   *
   * @param store the store that holds the records
   * @param reader the entry reader that checks each record
   * @param records the entries of {@link MissReasons#NAMESPACE}, in the order to read them
   * @param progress told of each record read, and when all are read
   * @return by function name, sorted
   */
  static Map<String, LastMiss> latest(
      Store store, EntryReader reader, List<StoreEntry> records, Progress progress) {
    Map<String, LastMiss> found = new TreeMap<>();
    long done = 0;
    for (StoreEntry e : records) {
      read(store, reader, e)
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

  private static Optional<LastMiss> read(Store store, EntryReader reader, StoreEntry e) {
    try {
      Optional<InputStream> in = store.peek(MissReasons.NAMESPACE, e.key());
      if (in.isEmpty()) {
        return Optional.empty();
      }
      try (EntryReader.Reading r = reader.open(in.get(), MissReasons.NAMESPACE, e.key())) {
        EntryFormat.Header h = r.header();
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
