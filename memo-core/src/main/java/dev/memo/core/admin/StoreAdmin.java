package dev.memo.core.admin;

import dev.memo.Explanation;
import dev.memo.MemoConfig;
import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.core.code.CodeSigner;
import dev.memo.core.config.ConfigLoader;
import dev.memo.core.config.Providers;
import dev.memo.core.entry.CorruptEntryException;
import dev.memo.core.entry.EntryFormat;
import dev.memo.core.entry.EntryIntegrity;
import dev.memo.core.entry.EntryReader;
import dev.memo.core.entry.MissReasons;
import dev.memo.core.entry.OutdatedEntryException;
import dev.memo.core.store.DirectoryMaintenance;
import dev.memo.spi.Store;
import dev.memo.spi.Store.Capability;
import dev.memo.spi.StoreEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Operates on a store: lists its entries with what their headers say, sums them up, prunes them to
 * bounds, clears a function's entries and verifies every entry. This is what the {@code memo}
 * command line runs; tests use it too.
 *
 * <pre>{@code
 * try (StoreAdmin admin = StoreAdmin.open("directory", Map.of("memo.store.directory.path", ".memo"))) {
 *   StoreAdmin.Verified v = admin.verify(Progress.NONE);
 *   System.out.println(v.checked() + " checked, " + v.bad().size() + " bad");
 * }
 * }</pre>
 *
 * <p>Works on any store that declares {@link Capability#LISTING} ({@code directory}, {@code
 * chronicle}, {@code memory}); pruning uses the store's own {@link Store#prune} where it declares
 * {@link Capability#PRUNING}. On a store without the capability an operation fails with a {@link
 * StoreException} that says which capability it needs ({@link Capability#unsupportedBy}). Functions
 * are namespaces; memo's own namespaces (whose names start with a control character, such as the
 * records {@code explain} reads) are left out of {@link #functions()}, {@link #list} and {@link
 * #stats}, but are verified and pruned like the rest. Entries written while an operation runs may
 * or may not be seen. Not thread-safe: use one instance per thread.
 */
public final class StoreAdmin implements AutoCloseable {
  private final Store store;
  private final boolean ownsStore;
  private final EntryReader reader;
  private final LongSupplier clock;

  private StoreAdmin(Store store, boolean ownsStore, EntryIntegrity integrity, LongSupplier clock) {
    this.store = store;
    this.ownsStore = ownsStore;
    this.reader = EntryReader.anySigner(integrity);
    this.clock = clock;
  }

  /**
   * Opens a store by provider name, configured as {@code Memo.create()} would be: the given values
   * first, then system properties, environment variables and {@code memo.properties}.
   *
   * @param storeName the provider name, such as {@code directory}; null to use {@code memo.store}
   *     or the highest priority, as memo does
   * @param config values under full keys, such as {@code memo.store.directory.path}
   * @return an admin that closes the store when closed
   * @throws dev.memo.MemoConfigurationException if the store is unknown or its configuration is
   *     invalid, naming the key or the module to add
   */
  public static StoreAdmin open(@Nullable String storeName, Map<String, String> config) {
    ClassLoader loader = StoreAdmin.class.getClassLoader();
    MemoConfig c = ConfigLoader.load(config, loader, System.getenv(), System.getProperties());
    Providers providers = Providers.discover(loader); // once: for the key check and the store
    ConfigLoader.checkKeys(c, providers);
    var stores = providers.stores();
    EntryIntegrity integrity = EntryIntegrity.of(c, System.getenv());
    Store store = stores.create(stores.select(storeName, c), c);
    return new StoreAdmin(store, true, integrity, System::currentTimeMillis);
  }

  /**
   * Operates on a store the caller opened and keeps ownership of.
   *
   * @param store the store
   * @param config the root configuration, read for the integrity key ({@code
   *     memo.integrity.key-file} or {@code memo.integrity.key-env})
   * @return an admin that leaves the store open when closed
   * @throws dev.memo.MemoConfigurationException if the integrity key cannot be read
   */
  public static StoreAdmin of(Store store, MemoConfig config) {
    return new StoreAdmin(
        Objects.requireNonNull(store, "store"),
        false,
        EntryIntegrity.of(config, System.getenv()),
        System::currentTimeMillis);
  }

  /**
   * Returns the store's provider name.
   *
   * @return the name, such as {@code directory}
   */
  public String storeName() {
    return store.name();
  }

  /**
   * Returns the functions that have entries, sorted; memo's own namespaces are left out.
   *
   * @return the function names
   * @throws StoreException if the store cannot list its namespaces, saying why
   */
  public List<String> functions() {
    List<String> names = new ArrayList<>();
    for (String n : namespaces("listing the functions of a store")) {
      if (!internal(n)) {
        names.add(n);
      }
    }
    return names;
  }

  private List<String> namespaces(String operation) {
    require(Capability.LISTING, operation);
    try {
      Set<String> found = new HashSet<>(store.namespaces());
      found.addAll(UnnamedFolders.namespaces(store));
      List<String> names = new ArrayList<>(found);
      names.sort(Comparator.naturalOrder());
      return names;
    } catch (IOException e) {
      throw new StoreException(
          "cannot list the " + store.name() + " store: " + e + "; check that it is readable", e);
    }
  }

  private void require(Capability capability, String operation) {
    if (!store.capabilities().contains(capability)) {
      throw capability.unsupportedBy(store, operation);
    }
  }

  private static boolean internal(String namespace) {
    return !namespace.isEmpty() && namespace.charAt(0) < 0x20;
  }

  /** One entry as a listing shows it. */
  public record Entry(
      String function,
      Signature key,
      long size,
      Optional<Instant> lastAccess,
      Optional<Instant> created,
      Optional<Duration> computeTime,
      Optional<String> serde,
      Optional<String> problem) {
    /**
     * Returns the time the entry was last used: its last access where the store tracks it, else its
     * creation time from its header.
     *
     * @return the time, or empty when neither is known
     */
    public Optional<Instant> lastUsed() {
      return lastAccess.isPresent() ? lastAccess : created;
    }
  }

  /**
   * Lists entries with what their headers say (creation time, compute time, serde), read through
   * the one entry reader: an entry whose header cannot be read, fails its integrity tag, or names
   * another namespace or key than the place it is stored at (moved or copied there) is listed with
   * the problem and nothing from its header. Nothing is changed, last access included: entries are
   * only peeked at ({@link Store#peek}), which eviction does not count as a use.
   *
   * @param function the function to list, or null for all
   * @param progress told of each entry read
   * @return the entries, by function then key
   * @throws StoreException if the store cannot be listed
   */
  public List<Entry> list(@Nullable String function, Progress progress) {
    List<Listed> listed = listed(function == null ? functions() : List.of(function));
    List<Entry> entries = new ArrayList<>(listed.size());
    long done = 0;
    for (Listed l : listed) {
      entries.add(describe(l));
      progress.update("reading headers", ++done, listed.size());
    }
    progress.done();
    return entries;
  }

  private record Listed(String namespace, StoreEntry entry) {}

  private List<Listed> listed(List<String> namespaces) {
    List<Listed> all = new ArrayList<>();
    for (String ns : namespaces) {
      List<Listed> mine = new ArrayList<>();
      try {
        store.forEachEntry(ns, e -> mine.add(new Listed(ns, e)));
      } catch (IOException e) {
        throw new StoreException(
            "cannot list the entries of \""
                + ns
                + "\" in the "
                + store.name()
                + " store: "
                + e
                + "; check that it is readable",
            e);
      }
      mine.sort(Comparator.comparing(l -> l.entry().key()));
      all.addAll(mine);
    }
    return all;
  }

  private Entry describe(Listed l) {
    StoreEntry e = l.entry();
    Optional<Instant> created = Optional.empty();
    Optional<Duration> compute = Optional.empty();
    Optional<String> serde = Optional.empty();
    Optional<String> problem = Optional.empty();
    try {
      Optional<InputStream> in = store.peek(l.namespace(), e.key());
      if (in.isEmpty()) {
        problem = Optional.of("removed while listed");
      } else {
        try (EntryReader.Reading r = reader.open(in.get(), l.namespace(), e.key())) {
          EntryFormat.Header h = r.header();
          serde = Optional.of(h.serde());
          created = number(h, "created").map(Instant::ofEpochMilli);
          compute = number(h, "compute-nanos").map(Duration::ofNanos);
        }
      }
    } catch (CorruptEntryException x) {
      problem = Optional.of(x.getMessage());
    } catch (IOException | RuntimeException x) {
      problem = Optional.of(x.toString());
    }
    return new Entry(
        l.namespace(), e.key(), e.size(), e.lastAccess(), created, compute, serde, problem);
  }

  static Optional<Long> number(EntryFormat.Header h, String key) {
    String v = h.metadata().get(key);
    if (v == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(v));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The entries and bytes of one function.
   *
   * @param function the function
   * @param entries how many entries
   * @param bytes their bytes in the store, as written
   * @param lastAccess the latest last access among them, where the store tracks it
   * @param diskBytes the space they take on disk: for the directory store each file's size rounded
   *     up to the file system's block size (an approximation: see {@link
   *     DirectoryMaintenance#onDisk}); for other stores the same as {@code bytes}
   */
  public record FunctionStats(
      String function, long entries, long bytes, Optional<Instant> lastAccess, long diskBytes) {}

  /**
   * What a store holds.
   *
   * @param functions per function, sorted by name
   * @param entries entries in all
   * @param bytes bytes in all, as written
   * @param diskBytes bytes in all on disk (see {@link FunctionStats#diskBytes})
   */
  public record Stats(List<FunctionStats> functions, long entries, long bytes, long diskBytes) {}

  /**
   * Sums up the store's entries per function from its listing, without reading them.
   *
   * @param progress told of each function listed
   * @return the sums
   * @throws StoreException if the store cannot be listed
   */
  public Stats stats(Progress progress) {
    List<String> functions = functions();
    List<FunctionStats> result = new ArrayList<>();
    long entries = 0;
    long bytes = 0;
    long diskBytes = 0;
    long done = 0;
    for (String f : functions) {
      long[] sums = {0, 0, 0};
      Instant[] latest = {null};
      for (Listed l : listed(List.of(f))) {
        sums[0]++;
        sums[1] += l.entry().size();
        sums[2] += DirectoryMaintenance.onDisk(store, l.entry().size());
        l.entry()
            .lastAccess()
            .ifPresent(
                t -> {
                  if (latest[0] == null || t.isAfter(latest[0])) {
                    latest[0] = t;
                  }
                });
      }
      result.add(new FunctionStats(f, sums[0], sums[1], Optional.ofNullable(latest[0]), sums[2]));
      entries += sums[0];
      bytes += sums[1];
      diskBytes += sums[2];
      progress.update("listing functions", ++done, functions.size());
    }
    progress.done();
    return new Stats(List.copyOf(result), entries, bytes, diskBytes);
  }

  /**
   * What a prune did.
   *
   * @param entries entries kept
   * @param bytes bytes of the entries kept
   * @param removedEntries entries removed
   * @param removedBytes bytes of the entries removed
   * @param removedTemporaryFiles temporary files of dead writers removed (directory store)
   */
  public record Pruned(
      long entries,
      long bytes,
      long removedEntries,
      long removedBytes,
      long removedTemporaryFiles) {}

  /**
   * Removes the entries unused for longer than {@code maxAge}, then the least recently used ones
   * until at most {@code maxBytes} remain. A store that declares {@link Capability#PRUNING} prunes
   * itself ({@link Store#prune}: the directory store by file times, also removing temporary files
   * of dead writers and old quarantined entries; the chronicle store by its eviction). Other stores
   * that declare {@link Capability#LISTING} are listed, and an entry without a last access counts
   * as used when it was created (read from its header; an unreadable header counts as oldest).
   *
   * @param maxBytes the most bytes to keep (the directory store counts them on disk), {@link
   *     Long#MAX_VALUE} for no bound
   * @param maxAge the longest to keep an unused entry, null for no bound; zero removes every entry
   * @param progress told of each entry looked at
   * @return what was removed and what remains
   * @throws IllegalArgumentException if {@code maxBytes} or {@code maxAge} is negative
   * @throws StoreException if the store cannot be listed or written, or can neither prune nor list,
   *     or cannot keep the bound given, saying why
   */
  public Pruned prune(long maxBytes, @Nullable Duration maxAge, Progress progress) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("max bytes " + maxBytes + " is negative");
    }
    if (maxAge != null && maxAge.isNegative()) {
      throw new IllegalArgumentException("max age " + maxAge + " is negative");
    }
    Set<Capability> capabilities = store.capabilities();
    if (capabilities.contains(Capability.PRUNING)) {
      try {
        Store.Pruned s = store.prune(maxBytes, maxAge);
        progress.done();
        return new Pruned(
            s.entries(),
            s.bytes(),
            s.removedEntries(),
            s.removedBytes(),
            s.removedTemporaryFiles());
      } catch (UnsupportedOperationException e) {
        throw new StoreException(e.getMessage(), e);
      } catch (IOException e) {
        throw new StoreException(
            "cannot prune the "
                + store.name()
                + " store: "
                + e
                + "; check that it is readable and writable",
            e);
      }
    }
    if (!capabilities.contains(Capability.LISTING)) {
      throw Capability.PRUNING.unsupportedBy(store, "pruning a store");
    }
    List<Listed> all = listed(namespaces("pruning a store"));
    List<Listed> kept = new ArrayList<>();
    Map<Listed, Long> times = new java.util.IdentityHashMap<>();
    long cut =
        maxAge == null
            ? Long.MIN_VALUE
            : maxAge.isZero() ? Long.MAX_VALUE : clock.getAsLong() - maxAge.toMillis();
    long removed = 0;
    long removedBytes = 0;
    long total = 0;
    long done = 0;
    for (Listed l : all) {
      long t =
          l.entry()
              .lastAccess()
              .or(() -> describe(l).created())
              .map(Instant::toEpochMilli)
              .orElse(Long.MIN_VALUE);
      times.put(l, t);
      progress.update("reading headers", ++done, all.size());
      if (t < cut && remove(l)) {
        removed++;
        removedBytes += l.entry().size();
      } else {
        kept.add(l);
        total += l.entry().size();
      }
    }
    if (total > maxBytes) {
      kept.sort(Comparator.comparingLong(times::get));
      for (Listed l : kept) {
        if (total <= maxBytes) {
          break;
        }
        if (remove(l)) {
          removed++;
          removedBytes += l.entry().size();
          total -= l.entry().size();
        }
      }
    }
    progress.done();
    return new Pruned(all.size() - removed, total, removed, removedBytes, 0);
  }

  private boolean remove(Listed l) {
    try {
      return store.remove(l.namespace(), l.entry().key());
    } catch (IOException e) {
      throw new StoreException(
          "cannot remove entry "
              + l.entry().key()
              + " of \""
              + l.namespace()
              + "\" from the "
              + store.name()
              + " store: "
              + e
              + "; check that it is writable",
          e);
    }
  }

  /**
   * Removes every entry of a function.
   *
   * @param function the function's name, as {@link #functions()} lists it
   * @return how many entries were removed; 0 if it had none
   * @throws StoreException if the store cannot list or remove entries
   */
  public long clear(String function) {
    require(Capability.LISTING, "clearing a function");
    try {
      return store.clear(function);
    } catch (IOException e) {
      throw new StoreException(
          "cannot clear \""
              + function
              + "\" in the "
              + store.name()
              + " store: "
              + e
              + "; check that it is readable and writable",
          e);
    }
  }

  /**
   * Removes every entry of the store: every function's, and memo's own records too (those {@code
   * explain} compares a miss with), and the walked code kept in the store's folder ({@code .code}),
   * so that the next run walks each function's code again. Entries written while it runs may
   * survive. Quarantined entries stay; {@code prune} with an age removes old ones.
   *
   * @return how many entries were removed (kept code is not counted)
   * @throws StoreException if the store cannot list or remove entries
   */
  public long clearAll() {
    long removed = 0;
    for (String namespace : namespaces("clearing a store")) {
      try {
        removed += store.clear(namespace);
      } catch (IOException e) {
        throw new StoreException(
            "cannot clear the "
                + store.name()
                + " store: "
                + e
                + "; check that it is readable and writable",
            e);
      }
    }
    Optional<Path> folder = store.folder();
    if (folder.isPresent()) {
      try {
        CodeSigner.clearKept(folder.get());
      } catch (IOException e) {
        throw new StoreException(
            "cannot remove the code kept in "
                + folder.get().resolve(CodeSigner.CACHE_FOLDER)
                + ": "
                + e
                + "; check that it is readable and writable",
            e);
      }
    }
    return removed;
  }

  /**
   * An entry verify found wrong, or could not check.
   *
   * @param function its function (memo's own namespaces included, as stored)
   * @param key its key, or null when a whole namespace could not be listed
   * @param reason what was wrong
   */
  public record Bad(String function, @Nullable Signature key, String reason) {}

  /**
   * What verify found.
   *
   * @param checked entries checked
   * @param bytes bytes of the entries checked
   * @param bad the bad entries, quarantined unless the reason says otherwise: damaged, or read from
   *     another key's place
   * @param unreadable entries (or namespaces, with a null key) that could not be read, left as they
   *     are: a file memo cannot open, a directory where an entry belongs
   * @param outdated entries of an older format, which memo computes again and rewrites on their
   *     next call; not damage, left as they are
   */
  public record Verified(
      long checked, long bytes, List<Bad> bad, List<Bad> unreadable, List<Bad> outdated) {
    /**
     * Returns whether verify found damage: a bad entry, or one it could not read.
     *
     * @return true if {@link #bad()} or {@link #unreadable()} is not empty
     */
    public boolean damaged() {
      return !bad.isEmpty() || !unreadable.isEmpty();
    }
  }

  /**
   * Reads every entry, memo's own included (the records {@code explain} reads are entries too,
   * checked by the same rules), through the one entry reader memo loads with: its header, that the
   * header names the namespace and key the entry was found under, every payload chunk's checksum,
   * its end marker and, with an integrity key configured, its tag, without deserializing it. Each
   * bad entry is quarantined (kept for inspection where the store can). Whatever it meets, verify
   * goes on to the next entry: an entry or namespace it cannot read is reported as unreadable, an
   * entry of an older format as outdated. Entries removed while verify runs are skipped.
   *
   * @param progress told of each entry checked
   * @return how many entries were checked, which were bad (with why one could not be quarantined,
   *     if so), unreadable or outdated
   * @throws StoreException if the store cannot be listed at all
   */
  public Verified verify(Progress progress) {
    List<Bad> unreadable = new ArrayList<>();
    List<Listed> all = new ArrayList<>();
    for (String ns : namespaces("verifying a store")) {
      try {
        all.addAll(listed(List.of(ns)));
      } catch (StoreException | UncheckedIOException e) {
        unreadable.add(new Bad(ns, null, "cannot list its entries: " + e.getCause()));
      }
    }
    List<Bad> bad = new ArrayList<>();
    List<Bad> outdated = new ArrayList<>();
    long checked = 0;
    long bytes = 0;
    long done = 0;
    for (Listed l : all) {
      progress.update("verifying", ++done, all.size());
      String ns = l.namespace();
      Signature key = l.entry().key();
      String reason = null;
      try {
        Optional<InputStream> found = store.peek(ns, key);
        if (found.isEmpty()) {
          continue;
        }
        checked++;
        bytes += l.entry().size();
        reader.check(found.get(), ns, key);
      } catch (OutdatedEntryException e) {
        outdated.add(new Bad(ns, key, e.getMessage()));
      } catch (CorruptEntryException e) {
        reason = e.getMessage();
      } catch (IOException | UncheckedIOException e) {
        unreadable.add(new Bad(ns, key, "cannot be read: " + e));
      }
      if (reason != null) {
        try {
          store.quarantine(ns, key, "memo verify: " + reason);
        } catch (IOException | UncheckedIOException e) {
          reason += "; not quarantined (" + e + "): check that the store is writable";
        }
        bad.add(new Bad(ns, key, reason));
      }
    }
    progress.done();
    return new Verified(
        checked, bytes, List.copyOf(bad), List.copyOf(unreadable), List.copyOf(outdated));
  }

  /**
   * The latest miss of a function, as its latest-entry record keeps it.
   *
   * @param function the function
   * @param at when the entry the miss computed was stored, if the record says
   * @param reason why it missed: compared with the function's entry before it; empty for a record
   *     written by a memo that kept no reasons, or when no reason could be computed
   */
  public record LastMiss(String function, Optional<Instant> at, Optional<Explanation> reason) {}

  /**
   * Returns the latest miss of each function that has a record of one, read from the records memo
   * keeps in its own namespace (one per function, replaced at each miss).
   *
   * @param progress told of each record read
   * @return by function name, sorted
   * @throws StoreException if the store cannot be listed
   */
  public Map<String, LastMiss> lastMisses(Progress progress) {
    require(Capability.LISTING, "reading the latest misses");
    List<StoreEntry> records =
        listed(List.of(MissReasons.NAMESPACE)).stream().map(Listed::entry).toList();
    return LastMissReader.latest(store, reader, records, progress);
  }

  /**
   * Returns the latest miss of one function.
   *
   * @param function the function, as {@link #functions()} names it
   * @return the miss; empty when the store holds no record of one
   * @throws StoreException if the store cannot be listed
   */
  public Optional<LastMiss> lastMiss(String function) {
    return Optional.ofNullable(lastMisses(Progress.NONE).get(function));
  }

  /** Closes the store if {@link #open} opened it. */
  @Override
  public void close() {
    if (ownsStore) {
      store.close();
    }
  }

  @Override
  public String toString() {
    return "StoreAdmin{" + store + "}";
  }
}
