package dev.memo.spi;

import dev.memo.Signature;
import dev.memo.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Keeps entries, opaque byte sequences, under a namespace (one per memoized function) and a key
 * (the call's signature). memo frames each entry itself (header, checksummed payload), so a store
 * only has to keep bytes faithfully and publish each entry atomically: a reader sees a whole old
 * entry, a whole new one, or none, never a mix. Thread-safe.
 *
 * <p>Namespaces are arbitrary user text; a store that maps them to file names must sanitize them so
 * that no name can leave its root.
 *
 * <p>Only {@link #name}, {@link #get}, {@link #put}, {@link #remove} and {@link #close} are
 * required. Everything else is an optional {@linkplain Capability capability} that a store declares
 * in {@link #capabilities()}: {@link Capability#LISTING} ({@link #namespaces()}, {@link
 * #forEachEntry}, {@link #clear}), {@link Capability#CLAIMS} ({@link #claim}) and {@link
 * Capability#PRUNING} ({@link #prune}). memo lists and prunes only a store that declares the
 * capability, and otherwise says which capability the operation needs ({@link
 * Capability#unsupportedBy}); it calls {@link #claim} on any store. The defaults of the listing and
 * pruning methods throw {@link UnsupportedOperationException}, and the default {@link #claim}
 * returns empty.
 */
public interface Store extends AutoCloseable {
  /**
   * Returns the provider name this store was selected by, such as {@code directory}.
   *
   * @return the name
   */
  String name();

  /**
   * Returns the optional capabilities this store has: memo uses a capability's methods only when it
   * is declared here, and memo-testkit runs its contract only for stores that declare it. The
   * answer may depend on the store's configuration (the {@code directory} store claims entries only
   * with {@code claims=true}) but must not change while the store is open.
   *
   * @return the capabilities, never null; the default declares none
   */
  default Set<Capability> capabilities() {
    return Set.of();
  }

  /**
   * Returns the local folder this store keeps its files in, if it has one. memo keeps files of its
   * own there, in hidden subfolders that a store's listing already skips (the walked code of each
   * function, under {@code .code}), so that what a store holds lives in one place. The default, for
   * a store that is not a local folder (in memory, on a server), is empty.
   *
   * @return the folder, absolute; empty when the store has none
   */
  default Optional<Path> folder() {
    return Optional.empty();
  }

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
   * Opens an entry for reading without recording it as used: memo peeks at entries to list them,
   * check them ({@code contains}, {@code explain}, {@code verify}), never to hand out a value, and
   * a store that evicts the least recently used entries must not count a peek as a use. The default
   * calls {@link #get}, which is right for a store that does not track use.
   *
   * @param namespace the function's namespace
   * @param key the call's signature
   * @return the entry's bytes, to be closed by the caller; empty when absent
   * @throws IOException if the store cannot be read
   * @throws dev.memo.StoreException if the store is closed
   */
  default Optional<InputStream> peek(String namespace, Signature key) throws IOException {
    return get(namespace, key);
  }

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
   * Takes a broken entry out of use, keeping it for inspection where the store can: memo calls this
   * when an entry fails its checks. The default removes it.
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
   * correctness depends on: two processes may still compute one entry in rare races, and each then
   * stores the same value.
   *
   * @param namespace the function's namespace
   * @param key the call's signature
   * @return the claim, or empty when this store does not coordinate computations; always empty
   *     unless the store declares {@link Capability#CLAIMS}
   * @throws IOException if the claim cannot be read or written; memo then computes without one
   * @throws dev.memo.StoreException if the store is closed
   */
  default Optional<Claim> claim(String namespace, Signature key) throws IOException {
    return Optional.empty();
  }

  /**
   * Returns the namespaces that hold entries, or held them ({@link Capability#LISTING}): a
   * namespace whose entries were all removed may still be listed. Namespaces of memo's own (such as
   * its explain records) are included. Entries written or removed while the listing runs may or may
   * not count.
   *
   * @return the namespaces, as given to {@link #put}; a new set the caller may keep
   * @throws IOException if the store cannot be read
   * @throws UnsupportedOperationException if this store cannot list (the default)
   * @throws dev.memo.StoreException if the store is closed
   */
  default Set<String> namespaces() throws IOException {
    throw new UnsupportedOperationException(
        Capability.LISTING.unsupportedBy(this, "Store.namespaces()").getMessage());
  }

  /**
   * Lists the entries of a namespace ({@link Capability#LISTING}), one call of {@code action} per
   * entry, without reading them. Entries written or removed while the listing runs may or may not
   * be seen; an entry is seen at most once. The action may remove entries.
   *
   * @param namespace the namespace
   * @param action called with each entry, on the calling thread
   * @throws IOException if the store cannot be read
   * @throws UnsupportedOperationException if this store cannot list (the default)
   * @throws dev.memo.StoreException if the store is closed
   */
  default void forEachEntry(String namespace, Consumer<? super StoreEntry> action)
      throws IOException {
    throw new UnsupportedOperationException(
        Capability.LISTING.unsupportedBy(this, "Store.forEachEntry()").getMessage());
  }

  /**
   * Removes every entry of a namespace ({@link Capability#LISTING}). Entries written while it runs
   * may survive. The default lists the namespace with {@link #forEachEntry} and removes each entry.
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

  /**
   * Prunes the store to bounds, its own way ({@link Capability#PRUNING}): entries unused for longer
   * than {@code maxAge} go, then the least recently used until at most {@code maxBytes} remain, as
   * the store counts bytes. A store may also remove what it left behind (temporary files of writers
   * that died, old quarantined entries). Entries written while it runs may survive.
   *
   * @param maxBytes the most bytes of entries to keep, at least 0; {@link Long#MAX_VALUE} for no
   *     bound
   * @param maxAge the longest to keep an entry neither written nor read, zero or more (zero removes
   *     every entry); null for no bound
   * @return what was removed and what remains
   * @throws IOException if the store cannot be listed or written
   * @throws UnsupportedOperationException if this store cannot prune (the default), or cannot keep
   *     the bound given (a store that does not track time cannot prune by age), saying why
   * @throws dev.memo.StoreException if the store is closed
   */
  default Pruned prune(long maxBytes, @Nullable Duration maxAge) throws IOException {
    throw new UnsupportedOperationException(
        Capability.PRUNING.unsupportedBy(this, "Store.prune()").getMessage());
  }

  /**
   * What {@link #prune} did.
   *
   * @param entries entries kept
   * @param bytes bytes of the entries kept, as the store counts them
   * @param removedEntries entries removed
   * @param removedBytes bytes of the entries removed
   * @param removedTemporaryFiles files that writers which died left behind, removed; 0 for a store
   *     that leaves none
   */
  record Pruned(
      long entries,
      long bytes,
      long removedEntries,
      long removedBytes,
      long removedTemporaryFiles) {}

  /**
   * An optional part of the store SPI, which a store declares in {@link #capabilities()}. Like
   * Caffeine's {@code Policy}, it lets callers ask before they use a feature instead of catching a
   * failure; unlike a sub-interface, a store that wraps another can declare what it passes on.
   */
  enum Capability {
    /**
     * Lists what the store holds: {@link #namespaces()}, {@link #forEachEntry} and {@link #clear}.
     * {@code Memoizer.clear} and the {@code memo ls}, {@code stats}, {@code clear} and {@code
     * verify} commands need it.
     */
    LISTING(
        "list its entries",
        "Store.namespaces() and Store.forEachEntry()",
        "directory, chronicle or memory"),
    /**
     * Coordinates the computation of an entry between processes: {@link #claim} may return a claim.
     * Without it, memo computes a missing entry in each process that needs it.
     */
    CLAIMS(
        "claim the computation of an entry",
        "Store.claim()",
        "directory with memo.store.directory.claims=true"),
    /**
     * Prunes itself to bounds its own way: {@link #prune}. {@code memo prune} needs it, or {@link
     * #LISTING}, through which memo prunes a store by removing its entries one by one.
     */
    PRUNING("prune itself to bounds", "Store.prune()", "directory or chronicle");

    private final String ability;
    private final String methods;
    private final String stores;

    Capability(String ability, String methods, String stores) {
      this.ability = ability;
      this.methods = methods;
      this.stores = stores;
    }

    /**
     * Returns the error for an operation that needs this capability of a store that does not
     * declare it, saying what the operation needs and the two ways out, such as {@code memo ls
     * needs a store that can list its entries, but the map store does not declare
     * Store.Capability.LISTING; use a store that does, such as directory, chronicle or memory, or
     * implement Store.namespaces() and Store.forEachEntry() in the map store and add LISTING to its
     * Store.capabilities()}.
     *
     * @param store the store, for its name
     * @param operation what needed the capability, such as {@code memo ls} or {@code
     *     Memoizer.clear}
     * @return the exception, to throw
     */
    public StoreException unsupportedBy(Store store, String operation) {
      return new StoreException(
          operation
              + " needs a store that can "
              + ability
              + ", but the "
              + store.name()
              + " store does not declare Store.Capability."
              + name()
              + "; use a store that does, such as "
              + stores
              + ", or implement "
              + methods
              + " in the "
              + store.name()
              + " store and add "
              + name()
              + " to its"
              + " Store.capabilities()");
    }
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
     * Releases the claim if the caller holds it, so that another process may compute the entry if
     * it was not put.
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
