package dev.memo.spi;

import dev.memo.Signature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Keeps entries, opaque byte sequences, under a namespace (one per memoized function) and a key
 * (the call's signature). memo frames each entry itself (header, checksummed payload), so a store
 * only has to keep bytes faithfully and publish each entry atomically: a reader sees a whole old
 * entry, a whole new one, or none, never a mix. Thread-safe.
 *
 * <p>Namespaces are arbitrary user text; a store that maps them to file names must sanitize them
 * so that no name can leave its root.
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

  /** Releases the store's resources. Later calls fail with a {@link dev.memo.StoreException}. */
  @Override
  void close();

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
