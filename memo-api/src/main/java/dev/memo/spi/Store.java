package dev.memo.spi;

import dev.memo.Signature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Keeps entries, opaque byte sequences, under a namespace (one per memoized function) and a key
 * (the call's signature). memo frames each entry itself (header, checksummed payload), so a store
 * only has to keep bytes faithfully and publish each entry atomically: a reader sees a whole old
 * entry, a whole new one, or none, never a mix. Thread-safe.
 *
 * <p>Namespaces are arbitrary user text; a store that maps them to file names must sanitize them
 * so that no name can leave its root.
 *
 * <p>Stores that can list what they hold implement {@link #namespaces()} and {@link
 * #forEachEntry}; memo's administration ({@code memo ls}, {@code prune}, {@code clear}, {@code
 * verify}) and {@code Memoizer.clear} need them. The defaults throw {@link
 * UnsupportedOperationException}, so that a store written before they existed keeps compiling.
 */
public interface Store extends AutoCloseable {
  /**
   * Returns the provider name this store was selected by, such as {@code directory}.
   *
   * @return the name
   */
  String name();

  /**
   * Opens an entry for reading.
   *
   * @param namespace the function's namespace
   * @param key the call's signature
   * @return the entry's bytes, to be closed by the caller; empty when absent
   * @throws IOException if the store cannot be read
   * @throws dev.memo.StoreException if the store is closed
   */
  Optional<InputStream> get(String namespace, Signature key) throws IOException;

  /**
   * Writes an entry, replacing any entry under the key, atomically: the writer's bytes become
   * visible only once it has returned normally. If the writer or the store fails, no partial entry
   * remains.
   *
   * @param namespace the function's namespace
   * @param key the call's signature
   * @param writer writes the entry's bytes
   * @throws IOException if the store or the writer fails
   * @throws dev.memo.StoreException if the store is closed
   */
  void put(String namespace, Signature key, EntryWriter writer) throws IOException;

  /**
   * Removes an entry.
   *
   * @param namespace the function's namespace
   * @param key the call's signature
   * @return true if an entry was removed
   * @throws IOException if the store cannot be written
   * @throws dev.memo.StoreException if the store is closed
   */
  boolean remove(String namespace, Signature key) throws IOException;

  /**
   * Takes a broken entry out of use, keeping it for inspection where the store can: memo calls
   * this when an entry fails its checks. The default removes it.
   *
   * @param namespace the function's namespace
   * @param key the call's signature
   * @param reason why, for whoever inspects it
   * @throws IOException if the store cannot be written
   */
  default void quarantine(String namespace, Signature key, String reason) throws IOException {
    remove(namespace, key);
  }

  /**
   * Claims the computation of an entry for the caller, so that processes sharing the store compute
   * it once: memo calls this on a miss, after its own threads have agreed on which of them
   * computes, and before computing. A store that coordinates processes returns a claim that is
   * either {@linkplain Claim#held() held} (compute, put, then close it) or held elsewhere (another
   * process is computing the entry: wait for it to appear, or claim again). The default, and a
   * store whose claims are switched off, returns empty: memo then computes without waiting.
   *
   * <p>A claim whose holder died or that is older than the store's timeout is taken over, so a
   * crash delays the others at most until then. Claims are a way to save work, not a lock that
   * correctness depends on: two processes may still compute one entry in rare races, and each
   * then stores the same value.
   *
   * @param namespace the function's namespace
   * @param key the call's signature
   * @return the claim, or empty when this store does not coordinate computations
   * @throws IOException if the claim cannot be read or written; memo then computes without one
   * @throws dev.memo.StoreException if the store is closed
   */
  default Optional<Claim> claim(String namespace, Signature key) throws IOException {
    return Optional.empty();
  }

  /**
   * Returns the namespaces that hold entries, or held them: a namespace whose entries were all
   * removed may still be listed. Namespaces of memo's own (such as its explain records) are
   * included. Entries written or removed while the listing runs may or may not count.
   *
   * @return the namespaces, as given to {@link #put}; a new set the caller may keep
   * @throws IOException if the store cannot be read
   * @throws UnsupportedOperationException if this store cannot list its namespaces (the default)
   * @throws dev.memo.StoreException if the store is closed
   */
  default Set<String> namespaces() throws IOException {
    throw new UnsupportedOperationException(
        "the " + name() + " store cannot list its namespaces; it implements Store.namespaces()"
            + " only from a version that supports listing");
  }

  /**
   * Lists the entries of a namespace, one call of {@code action} per entry, without reading them.
   * Entries written or removed while the listing runs may or may not be seen; an entry is seen at
   * most once. The action may remove entries.
   *
   * @param namespace the namespace
   * @param action called with each entry, on the calling thread
   * @throws IOException if the store cannot be read
   * @throws UnsupportedOperationException if this store cannot list its entries (the default)
   * @throws dev.memo.StoreException if the store is closed
   */
  default void forEachEntry(String namespace, Consumer<? super StoreEntry> action)
      throws IOException {
    throw new UnsupportedOperationException(
        "the " + name() + " store cannot list its entries; it implements Store.forEachEntry()"
            + " only from a version that supports listing");
  }

  /**
   * Removes every entry of a namespace. Entries written while it runs may survive. The default
   * lists the namespace with {@link #forEachEntry} and removes each entry.
   *
   * @param namespace the namespace
   * @return how many entries were removed
   * @throws IOException if the store cannot be read or written
   * @throws UnsupportedOperationException if this store cannot list its entries
   * @throws dev.memo.StoreException if the store is closed
   */
  default long clear(String namespace) throws IOException {
    List<StoreEntry> entries = new ArrayList<>();
    forEachEntry(namespace, entries::add);
    long removed = 0;
    for (StoreEntry e : entries) {
      if (remove(namespace, e.key())) {
        removed++;
      }
    }
    return removed;
  }

  /** Releases the store's resources. Later calls fail with a {@link dev.memo.StoreException}. */
  @Override
  void close();

  /**
   * The outcome of {@link #claim}: held by the caller, who closes it once the entry is put (or the
   * computation failed), or held by another process. Closing a claim not held does nothing; closing
   * twice does nothing. Not thread-safe: one thread takes and closes it.
   */
  interface Claim extends AutoCloseable {
    /**
     * Returns whether the caller holds the claim and should compute the entry.
     *
     * @return true if held by the caller; false if another process is computing the entry
     */
    boolean held();

    /**
     * Releases the claim if the caller holds it, so that another process may compute the entry
     * if it was not put.
     *
     * @throws IOException if the claim cannot be released; it then expires like a dead holder's
     */
    @Override
    void close() throws IOException;
  }

  /** Writes the bytes of one entry. */
  @FunctionalInterface
  interface EntryWriter {
    /**
     * Writes the entry's bytes. Do not close the stream.
     *
     * @param out where to write
     * @throws IOException if writing fails
     */
    void writeTo(OutputStream out) throws IOException;
  }
}
