package dev.memo.core.store;

import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.core.config.LazyLogger;
import dev.memo.core.entry.CorruptEntryException;
import dev.memo.spi.Store;
import dev.memo.spi.StoreEntry;
import dev.memo.spi.support.Namespaces;
import dev.memo.spi.support.Quarantine;
import dev.memo.spi.support.RegularFiles;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Keeps each entry in its own file under a root folder:
 *
 * <pre>
 * root/
 *   namespace-folder/          Namespaces.folderName: sanitized namespace + '-' + 8 hex digits
 *     .namespace               Namespaces.writeNameFile: the namespace itself, for listings
 *     ab/                      first two hex digits of the key
 *       ab12…ef.entry          the entry's bytes
 *       .ab12…ef.5f3c….tmp     an entry being written (hidden; renamed or deleted when done)
 *       .ab12…ef.claim         a process computing the entry (only with claims on; hidden)
 *   .quarantine/               Quarantine: the layout every store on a file system shares
 *     namespace-folder/
 *       ab12…ef.1700000000000.entry    a broken entry taken out of use
 *       ab12…ef.1700000000000.reason   why, as UTF-8 text
 *   .code/                     the walked code of each function, kept across runs ({@link #folder()})
 *     3f9a…c1.code             one function's walk: named by the digest of its key
 *     .3f9a…c1.code.5f3c….tmp  a walk being written (hidden; renamed or deleted when done)
 * </pre>
 *
 * <p>A put streams the writer's bytes into a hidden temporary file in the entry's own folder and
 * then renames it over the entry atomically, so readers, in this process or another, see the old
 * entry or the new one, whole. A reader that has opened an entry keeps reading the version it
 * opened even when the entry is replaced or removed meanwhile: that is the POSIX rename and unlink
 * semantics, which Linux and macOS give. On Windows a replace can fail while a reader holds the
 * entry open; the put then fails and the old entry stays. An interrupt of the reading or writing
 * thread does not break the streams.
 *
 * <p>Last access: a file's modification time is its entry's last write or read. A read sets it to
 * the current time, but at most once per {@linkplain #touchInterval() touch interval} per entry in
 * this process (an in-memory record of the entries touched recently decides, so most hits pay no
 * system call). Access times are never read, so file systems mounted {@code noatime} work.
 *
 * <p>Bounds ({@code max-bytes}, {@code max-age}, {@code max-entries}): see {@link
 * DirectorySweeper}, which keeps them on a daemon thread, never on the caller's; {@link #prune}
 * sweeps at once, on the caller's thread. Listings ({@link #namespaces()}, {@link #forEachEntry},
 * {@link #clear}) read folders and file attributes only, never entries: a namespace folder written
 * before {@value #NAMESPACE_FILE} files existed is not listed here (memo's administration finds its
 * name in an entry's header, through {@link DirectoryMaintenance}).
 *
 * <p>Links and special files: the root itself may be a link (a user's choice); below it, nothing is
 * followed. An entry is opened only as a regular file, never through a link and never waiting on a
 * FIFO ({@link RegularFiles}); a link, FIFO, device or folder where an entry belongs is a broken
 * entry, which memo counts and quarantines (moving the thing itself, never its target). A
 * namespace, shard or {@code .quarantine} folder that is a link is refused with a {@link
 * StoreException} naming it, so nothing is ever written, touched or deleted outside the root. A
 * temporary file is created exclusively and without following links, so a link planted at its name
 * fails the put instead of redirecting it ({@link EntryPublisher}).
 *
 * <p>The root may be on any {@link java.nio.file.FileSystem}; on the default one, an interrupt of
 * the reading or writing thread does not break the streams.
 *
 * <p>Where files lie is {@link DirectoryLayout}'s concern, walking the tree {@link
 * DirectoryListing}'s, and the write path (temporary file, atomic publish) {@link
 * EntryPublisher}'s; this class ties them to the {@link Store} contract and keeps last access.
 *
 * <p>Thread-safe, and safe to share between processes on one host. On a network file system it is
 * only as atomic as that file system's rename.
 */
final class DirectoryStore implements Store {
  /** The folder, under the root, that broken entries are moved to. */
  static final String QUARANTINE = Quarantine.FOLDER;

  /** Every entry file's name ends with this. */
  static final String ENTRY_SUFFIX = ".entry";

  /** The file, in a namespace folder, that holds the namespace's text. */
  static final String NAMESPACE_FILE = ".namespace";

  /** Every temporary file's name ends with this. */
  static final String TEMP_SUFFIX = ".tmp";

  /** The longest a read waits before it refreshes an entry's last access again: one hour. */
  static final Duration MAX_TOUCH_INTERVAL = Duration.ofHours(1);

  /** How many entries' recent touches are remembered; beyond it a hit may touch again early. */
  private static final int TOUCHED_ENTRIES = 16_384;

  private static final System.Logger LOG = LazyLogger.of(DirectoryStore.class.getName());

  private final DirectoryLayout layout;
  private final Path root;
  private final Quarantine quarantine;
  private final boolean fsync;
  private final EntryPublisher publisher;
  private final LongSupplier clock;
  private final Duration touchInterval;

  /** Entries whose last access this process set recently: a hit on them sets nothing. */
  private final RecentTouches touched;

  private final DirectorySweeper sweeper;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Null when claims are off. */
  private final @Nullable DirectoryClaims claims;

  /**
   * How a directory store is set up: {@link DirectoryStoreProvider} reads these from the
   * configuration; tests set them directly.
   *
   * @param root the root folder, absolute and normalized, on any file system
   * @param fsync whether to force each entry and its folder to the device before put returns
   * @param maxBytes the most bytes of entries to keep on disk, {@link DirectorySweeper#UNBOUNDED}
   *     for no bound
   * @param maxAge the longest an entry is kept without being read or written, null for no bound
   * @param maxEntries the most entries to keep, {@link DirectorySweeper#UNBOUNDED} for no bound;
   *     memo's own records (explain's) do not count
   * @param blockSize the unit of allocation that sizes on disk are rounded up to; 0 to ask the
   *     root's file store ({@link DirectorySweeper#blockSize}), 1 to count bytes as they are
   * @param clock the time in epoch milliseconds
   * @param background whether a daemon thread keeps the bounds; without it only {@code
   *     sweeper().sweep} and {@link #prune} do (for tests that sweep at chosen moments)
   * @param claims the claims, or null to leave {@link #claim} off
   */
  record Options(
      Path root,
      boolean fsync,
      long maxBytes,
      @Nullable Duration maxAge,
      long maxEntries,
      long blockSize,
      LongSupplier clock,
      boolean background,
      @Nullable DirectoryClaims claims) {
    /**
     * Returns the options of an unbounded store at {@code root}, without fsync and claims, on the
     * system clock, with a background sweeper, sizing entries by the file store's blocks.
     */
    static Options of(Path root) {
      return new Options(
          root,
          false,
          DirectorySweeper.UNBOUNDED,
          null,
          DirectorySweeper.UNBOUNDED,
          0,
          System::currentTimeMillis,
          true,
          null);
    }

    Options fsync(boolean on) {
      return new Options(
          root, on, maxBytes, maxAge, maxEntries, blockSize, clock, background, claims);
    }

    Options bounds(long most, Duration age) {
      return new Options(root, fsync, most, age, maxEntries, blockSize, clock, background, claims);
    }

    Options maxEntries(long most) {
      return new Options(root, fsync, maxBytes, maxAge, most, blockSize, clock, background, claims);
    }

    Options blockSize(long unit) {
      return new Options(
          root, fsync, maxBytes, maxAge, maxEntries, unit, clock, background, claims);
    }

    Options clock(LongSupplier time) {
      return new Options(
          root, fsync, maxBytes, maxAge, maxEntries, blockSize, time, background, claims);
    }

    Options background(boolean on) {
      return new Options(root, fsync, maxBytes, maxAge, maxEntries, blockSize, clock, on, claims);
    }

    Options claims(DirectoryClaims on) {
      return new Options(
          root, fsync, maxBytes, maxAge, maxEntries, blockSize, clock, background, on);
    }
  }

  /**
   * Creates a store; touches nothing on disk until the first get or put, which start the sweeper
   * when a bound is set and a background sweeper is asked for.
   *
   * @param options the root, bounds, clock and claims
   */
  DirectoryStore(Options options) {
    Path root = options.root();
    Duration maxAge = options.maxAge();
    LongSupplier clock = options.clock();
    DirectoryClaims claims = options.claims();
    boolean fsync = options.fsync();
    this.layout = new DirectoryLayout(root);
    this.root = root;
    this.quarantine = Quarantine.under(root);
    this.fsync = fsync;
    this.publisher = new EntryPublisher(layout, fsync);
    this.claims = claims;
    this.clock = clock;
    Duration interval = MAX_TOUCH_INTERVAL;
    if (maxAge != null && maxAge.dividedBy(8).compareTo(interval) < 0) {
      // Last access must be much finer than the age bound, or entries in use would age out.
      interval = maxAge.dividedBy(8).isZero() ? Duration.ofMillis(1) : maxAge.dividedBy(8);
    }
    this.touchInterval = interval;
    this.touched = new RecentTouches(interval.toNanos(), TOUCHED_ENTRIES);
    this.sweeper =
        new DirectorySweeper(
            this,
            options.maxBytes(),
            maxAge,
            options.maxEntries(),
            options.blockSize(),
            clock,
            options.background());
  }

  @Override
  public String name() {
    return DirectoryStoreProvider.NAME;
  }

  /** Listing and pruning always; claims when they are on. */
  @Override
  public Set<Capability> capabilities() {
    Set<Capability> all = EnumSet.of(Capability.LISTING, Capability.PRUNING);
    if (claims != null) {
      all.add(Capability.CLAIMS);
    }
    return all;
  }

  /**
   * Sweeps now, on the calling thread, to the given bounds: see {@link DirectorySweeper#sweep},
   * which also removes the temporary files of dead writers and, with {@code maxAge}, entries
   * quarantined longer ago than that and the walks of code under {@code .code} unused for longer
   * than that.
   */
  @Override
  public Pruned prune(long maxBytes, Duration maxAge) throws IOException {
    checkOpen();
    DirectorySweeper.Result r = sweeper.sweep(maxBytes, maxAge, maxBytes);
    return new Pruned(
        r.entries(), r.bytes(), r.removedEntries(), r.removedBytes(), r.removedTemporaryFiles());
  }

  /** Returns where broken entries are kept. */
  Quarantine quarantineFolder() {
    return quarantine;
  }

  /** Returns the root folder, absolute and normalized. */
  Path root() {
    return root;
  }

  /**
   * Returns the root: memo keeps the walked code of each function under {@code .code} there, which
   * listings skip (a hidden folder) and the sweeper ages out with the entries ({@link
   * DirectorySweeper}).
   */
  @Override
  public Optional<Path> folder() {
    return Optional.of(root);
  }

  /**
   * Opens an entry and records it as used (see the class comment on last access). Something other
   * than a regular file where the entry belongs (a symbolic link, FIFO, device or folder) is never
   * followed, opened or waited on ({@link RegularFiles#open}): it comes back as a stream whose
   * first read fails with a {@link CorruptEntryException} naming it, so that memo counts it as a
   * broken entry and quarantines it.
   *
   * @throws StoreException if the entry's namespace or shard folder is a symbolic link
   */
  @Override
  public Optional<InputStream> get(String namespace, Signature key) throws IOException {
    checkOpen();
    Path entry = entryPath(namespace, key);
    Optional<InputStream> in = open(entry, true);
    if (in.isPresent() && !(in.get() instanceof NotAnEntry)) {
      sweeper.start();
      touch(entry);
    }
    return in;
  }

  /**
   * Opens an entry like {@link #get} without recording it as used: for listings and checks, which
   * often read no more than the header, so the entry is never read whole ahead.
   */
  @Override
  public Optional<InputStream> peek(String namespace, Signature key) throws IOException {
    checkOpen();
    return open(entryPath(namespace, key), false);
  }

  /**
   * Opens an entry file: read whole into memory ({@link WholeEntries}) when {@code whole} and its
   * size suits, else as the file's stream.
   */
  private Optional<InputStream> open(Path entry, boolean whole) throws IOException {
    try {
      layout.requireRealFolders(entry);
      Optional<BasicFileAttributes> before = RegularFiles.attributes(entry);
      if (before.isEmpty()) {
        return Optional.empty();
      }
      BasicFileAttributes a = before.get();
      if (whole
          && a.isRegularFile()
          && WholeEntries.readsWhole(a.size())
          && !Thread.currentThread().isInterrupted()) {
        Optional<InputStream> read = WholeEntries.read(entry, a);
        if (read != null) {
          return read;
        }
      }
      // RegularFiles opens through Files.newInputStream, whose stream an interrupt of the reading
      // thread does not close (which would look like a broken entry); a test guards it.
      Optional<InputStream> in = RegularFiles.open(entry, a);
      if (whole && in.isPresent() && a.size() < WholeEntries.MIN_BYTES) {
        // A small entry is read at once into an array of its size: the reader then needs no
        // buffer of its own (8 KiB per hit, which a default heap pays for in fresh pages).
        return Optional.of(WholeEntries.small(in.get(), a.size()));
      }
      // Not buffered here: memo reads entries through a buffer of its own.
      return in;
    } catch (RegularFiles.NotRegularFileException e) {
      return Optional.of(new NotAnEntry(entry, e.kind()));
    } catch (IOException e) {
      layout.checkRoot(e);
      throw e;
    }
  }

  /**
   * What {@link #get} returns for something other than a regular file where an entry belongs: its
   * first read fails, naming what is there, so that memo quarantines it as a broken entry.
   */
  private static final class NotAnEntry extends InputStream {
    private final String reason;

    NotAnEntry(Path entry, String kind) {
      this.reason = "entry file " + entry + " is " + kind + ", not a regular file";
    }

    @Override
    public int read() throws IOException {
      throw new CorruptEntryException(reason);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      throw new CorruptEntryException(reason);
    }
  }

  /**
   * Sets the entry's last access to now unless this process did so within the touch interval. A
   * failure (a read-only store, the entry removed or replaced meanwhile) only leaves the entry
   * looking older; the time is set without following links and never on anything but a regular file
   * ({@link RegularFiles#setLastModifiedTime}), so a read never changes a file outside the store.
   */
  private void touch(Path entry) {
    long now = System.nanoTime();
    if (touched.recent(entry, now)) {
      return;
    }
    touched.record(entry, now);
    try {
      RegularFiles.setLastModifiedTime(entry, FileTime.fromMillis(clock.getAsLong()));
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, () -> "cannot record the last access of " + entry + ": " + e);
    }
  }

  /** Returns how often at most a read refreshes one entry's last access. */
  Duration touchInterval() {
    return touchInterval;
  }

  /** Returns the sweeper that keeps the bounds. */
  DirectorySweeper sweeper() {
    return sweeper;
  }

  @Override
  public void put(String namespace, Signature key, EntryWriter writer) throws IOException {
    checkOpen();
    Path entry = entryPath(namespace, key);
    sweeper.start();
    layout.checkFolders(entry); // never write through a linked folder outside the root
    publisher.publish(
        entry,
        namespace,
        key,
        writer,
        size -> {
          // Just written: its modification time is fresh, so a hit soon after need not touch it.
          touched.record(entry, System.nanoTime());
          sweeper.added(size);
        });
  }

  @Override
  public boolean remove(String namespace, Signature key) throws IOException {
    checkOpen();
    try {
      Path entry = entryPath(namespace, key);
      layout.requireRealFolders(entry);
      return Files.deleteIfExists(entry);
    } catch (IOException e) {
      layout.checkRoot(e);
      throw e;
    }
  }

  /**
   * Moves the entry to {@code <root>/.quarantine/<namespace folder>/<key>.<epoch millis>.entry} and
   * writes the reason beside it in {@code <key>.<epoch millis>.reason} (see {@link Quarantine}).
   * Does nothing when the entry is absent, for instance because another thread quarantined it
   * first.
   */
  @Override
  public void quarantine(String namespace, Signature key, String reason) throws IOException {
    checkOpen();
    Path entry = entryPath(namespace, key);
    if (!Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    layout.checkFolders(entry);
    inside(quarantine.folder().resolve(folderName(namespace)));
    try {
      quarantine
          .move(namespace, key, entry, reason)
          .ifPresent(
              target ->
                  LOG.log(
                      Level.DEBUG, () -> "quarantined " + entry + " to " + target + ": " + reason));
    } catch (IOException e) {
      layout.checkRoot(e);
      throw e;
    }
  }

  /**
   * With claims on ({@code memo.store.directory.claims=true}), claims the entry through the marker
   * file {@code .<key>.claim} beside it; see {@link DirectoryClaims}. Empty otherwise.
   */
  @Override
  public Optional<Claim> claim(String namespace, Signature key) throws IOException {
    checkOpen();
    if (claims == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          claims.claim(DirectoryClaims.markerOf(entryPath(namespace, key), key.hex())));
    } catch (IOException e) {
      layout.checkRoot(e);
      throw e;
    }
  }

  /**
   * Lists the namespace folders that name their namespace in a {@value #NAMESPACE_FILE} file.
   * Folders written before those files existed are left out: {@link #unnamedFolders()} lists them.
   */
  @Override
  public Set<String> namespaces() throws IOException {
    checkOpen();
    return DirectoryListing.namespaces(root);
  }

  /**
   * Returns the namespace folders that have no {@value #NAMESPACE_FILE} file: written before those
   * files existed, or by a writer that died before writing it.
   */
  List<Path> unnamedFolders() throws IOException {
    checkOpen();
    return DirectoryListing.unnamedFolders(root);
  }

  @Override
  public void forEachEntry(String namespace, Consumer<? super StoreEntry> action)
      throws IOException {
    checkOpen();
    Path folder = layout.namespaceFolder(namespace);
    RegularFiles.requireRealFolder(folder, "namespace folder", root);
    DirectoryListing.forEachEntry(folder, action);
  }

  /** Removes every entry file of the namespace, each with one unlink. */
  @Override
  public long clear(String namespace) throws IOException {
    checkOpen();
    Path folder = layout.namespaceFolder(namespace);
    RegularFiles.requireRealFolder(folder, "namespace folder", root);
    long[] removed = {0};
    IOException[] failure = {null};
    DirectoryListing.forEachEntryFile(
        folder,
        (file, attributes) -> {
          try {
            if (Files.deleteIfExists(file)) {
              removed[0]++;
            }
          } catch (IOException e) {
            failure[0] = e;
          }
        });
    if (failure[0] != null) {
      layout.checkRoot(failure[0]);
      throw failure[0];
    }
    return removed[0];
  }

  /**
   * Marks the store closed and stops its sweeper; calls in flight finish, later ones fail. Closing
   * twice is fine.
   */
  @Override
  public void close() {
    closed.set(true);
    sweeper.close();
  }

  /** Returns whether each entry is forced to the device before put returns ({@code fsync}). */
  boolean forcesWrites() {
    return fsync;
  }

  /** Returns whether {@link #close()} was called. */
  boolean closed() {
    return closed.get();
  }

  @Override
  public String toString() {
    return "DirectoryStore{root="
        + root
        + ", fsync="
        + fsync
        + sweeper.describe()
        + (claims == null ? "" : ", claim-timeout=" + claims.timeout())
        + "}";
  }

  /**
   * Returns the file that holds an entry.
   *
   * @throws StoreException if the key is too long for a file name
   */
  Path entryPath(String namespace, Signature key) {
    return layout.entryPath(namespace, key);
  }

  /** Returns the folder name of a namespace: {@link Namespaces#folderName}. */
  static String folderName(String namespace) {
    return DirectoryLayout.folderName(namespace);
  }

  /** See {@link DirectoryLayout#inside}. */
  Path inside(Path path) {
    return layout.inside(path);
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new StoreException("directory store at " + root + " is closed");
    }
  }
}
