package dev.memo.core.store;

import dev.memo.core.code.CodeSigner;
import dev.memo.core.config.LazyLogger;
import dev.memo.spi.support.Namespaces;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a {@link DirectoryStore} within its bounds: at most {@code max-bytes} of entry files on
 * disk, at most {@code max-entries} entries, and no entry unused (neither written nor read) for
 * longer than {@code max-age}; the least recently used entries, by their files' modification times,
 * go first.
 *
 * <p>Bytes are counted as the entries take them on disk: each file's size rounded up to the file
 * store's block size ({@link java.nio.file.FileStore#getBlockSize()}), as a file system allocates
 * whole blocks. That is an approximation, and says so: Java reads no file's allocated blocks (the
 * {@code unix:} attribute view has no {@code st_blocks}), a file system that packs small files or
 * their tails (inline data, tail packing) or compresses them uses less, and indirect blocks are not
 * counted. An empty file counts 0. memo's own records (those {@code explain} reads, in namespaces
 * whose names start with a control character) count towards {@code max-bytes} but not {@code
 * max-entries}, which bounds the entries of calls.
 *
 * <p>The work is off the caller's path. The first get or put of a bounded store starts one daemon
 * thread, which scans the store at once, then again every {@link #period()} (to see what other
 * processes wrote, and to age entries out), and whenever this process's puts push the running count
 * of bytes past {@code max-bytes}; a put only adds its size to that count. A sweep that finds too
 * many bytes removes entries down to nine tenths of the bound, so the next sweep is not due at the
 * next put. Puts made while a sweep runs are added to the count it leaves, and ask for another
 * sweep if that passes a bound.
 *
 * <p>A sweep also deletes temporary files older than {@link #TEMP_MAX_AGE} (left by writers that
 * were killed, of entries and of {@code .code}) and, with {@code max-age}, quarantined entries
 * quarantined longer ago than that and the kept walks of code ({@code .code/*.code}, see {@link
 * CodeSigner#CACHE_FOLDER}) neither written nor used for longer than that. Quarantined entries do
 * not count against {@code max-bytes}.
 *
 * <p>Safe with other processes on the store: an entry is removed by one unlink, so a reader that
 * has it open keeps reading it whole, and a later reader misses. Just before removing an entry the
 * sweep reads its modification time again and keeps it if that changed (it was read or replaced
 * meanwhile). Processes sweeping one store at once only repeat each other's work. Thread-safe.
 */
final class DirectorySweeper implements AutoCloseable {
  /** The value of {@code max-bytes} that means no bound. */
  static final long UNBOUNDED = Long.MAX_VALUE;

  /** Temporary files older than this belong to writers that died: 15 minutes. */
  static final Duration TEMP_MAX_AGE = Duration.ofMinutes(15);

  /** The longest time between two sweeps of a bounded store: 10 minutes. */
  static final Duration MAX_PERIOD = Duration.ofMinutes(10);

  private static final System.Logger LOG = LazyLogger.of(DirectorySweeper.class.getName());

  private final DirectoryStore store;
  private final long maxBytes;
  private final Duration maxAge;
  private final long maxEntries;

  /** The unit sizes on disk are rounded to; 0 until the file store was asked. */
  private volatile long blockSize;

  private final LongSupplier clock;

  /** Bytes of entries as of the last sweep plus this process's puts since; -1 before a sweep. */
  private final AtomicLong bytes = new AtomicLong(-1);

  /** Entries (of calls) as of the last sweep plus this process's puts since; -1 before a sweep. */
  private final AtomicLong entries = new AtomicLong(-1);

  /**
   * Bytes and entries this process put since the running sweep began: its listing may have missed
   * them, and its count replaces the running one, so it adds them back (see {@link #sweep}).
   */
  private final AtomicLong bytesSinceSweep = new AtomicLong();

  private final AtomicLong entriesSinceSweep = new AtomicLong();

  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean requested = new AtomicBoolean();
  private final AtomicBoolean warned = new AtomicBoolean();
  private final boolean background;
  private volatile ScheduledExecutorService executor;

  DirectorySweeper(
      DirectoryStore store,
      long maxBytes,
      Duration maxAge,
      long maxEntries,
      long blockSize,
      LongSupplier clock,
      boolean background) {
    this.store = store;
    this.background = background;
    this.maxBytes = maxBytes;
    this.maxAge = maxAge;
    this.maxEntries = maxEntries;
    this.blockSize = blockSize;
    this.clock = clock;
  }

  /** Returns whether a bound is set. */
  boolean bounded() {
    return maxBytes != UNBOUNDED || maxAge != null || maxEntries != UNBOUNDED;
  }

  /** Returns the most entries kept, {@link #UNBOUNDED} for no bound. */
  long maxEntries() {
    return maxEntries;
  }

  /**
   * Returns the unit sizes on disk are rounded up to: the one given, else the block size of the
   * file store that holds the root (or its nearest existing ancestor), else 1 where the file store
   * does not say.
   */
  long blockSize() {
    long b = blockSize;
    if (b > 0) {
      return b;
    }
    Path p = store.root();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    try {
      b = p == null ? 1 : Math.max(1, Files.getFileStore(p).getBlockSize());
    } catch (IOException | RuntimeException e) {
      b = 1;
    }
    if (p != null && p.equals(store.root())) {
      blockSize = b; // the root's own file store: it will not change
    }
    return b;
  }

  /** Returns the bytes a file of this size takes on disk: its size rounded up to whole blocks. */
  long onDisk(long size) {
    long unit = blockSize();
    return size <= 0 ? 0 : ((size + unit - 1) / unit) * unit;
  }

  /** Returns the most bytes of entries kept, {@link #UNBOUNDED} for no bound. */
  long maxBytes() {
    return maxBytes;
  }

  /** Returns the longest an unused entry is kept, or null for no bound. */
  @Nullable Duration maxAge() {
    return maxAge;
  }

  /**
   * Returns the time between two sweeps: a quarter of {@code max-age}, at most {@link #MAX_PERIOD}.
   */
  Duration period() {
    Duration period = MAX_PERIOD;
    if (maxAge != null && maxAge.dividedBy(4).compareTo(period) < 0) {
      period = maxAge.dividedBy(4);
    }
    return period.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : period;
  }

  /** Returns the running count of bytes of entries, -1 before the first sweep. */
  long bytes() {
    return bytes.get();
  }

  /** Starts the sweeping thread on the first call, if a bound is set. Cheap after that. */
  void start() {
    if (!background || !bounded() || started.get() || !started.compareAndSet(false, true)) {
      return;
    }
    ScheduledExecutorService e =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "memo-directory-sweeper " + store.root());
              t.setDaemon(true);
              return t;
            });
    executor = e;
    long periodMillis = period().toMillis();
    e.scheduleWithFixedDelay(this::sweepQuietly, 0, periodMillis, TimeUnit.MILLISECONDS);
    if (store.closed()) {
      e.shutdownNow();
    }
  }

  /** Counts a put's bytes; asks for a sweep when the count passes a bound. */
  void added(long size) {
    if (maxBytes == UNBOUNDED && maxEntries == UNBOUNDED) {
      return;
    }
    long disk = onDisk(size);
    bytesSinceSweep.addAndGet(disk);
    entriesSinceSweep.incrementAndGet();
    long total = bytes.updateAndGet(b -> b < 0 ? b : b + disk);
    // A put may replace an entry rather than add one: the count of entries is an upper bound.
    long count = entries.updateAndGet(n -> n < 0 ? n : n + 1);
    if (total > maxBytes || count > maxEntries) {
      requestSweep();
    }
  }

  /** Has the sweeping thread sweep soon, unless a sweep is asked for already. */
  private void requestSweep() {
    if (requested.compareAndSet(false, true)) {
      ScheduledExecutorService e = executor;
      if (e == null) {
        requested.set(false);
        return;
      }
      try {
        e.execute(
            () -> {
              requested.set(false);
              sweepQuietly();
            });
      } catch (RuntimeException rejected) {
        // Closed meanwhile.
        requested.set(false);
      }
    }
  }

  private void sweepQuietly() {
    if (store.closed()) {
      return;
    }
    try {
      Result r =
          sweep(
              maxBytes,
              maxAge,
              maxBytes == UNBOUNDED ? UNBOUNDED : maxBytes - maxBytes / 10,
              maxEntries,
              maxEntries == UNBOUNDED ? UNBOUNDED : maxEntries - maxEntries / 10);
      LOG.log(Level.DEBUG, () -> "swept the directory store at " + store.root() + ": " + r);
    } catch (IOException | RuntimeException e) {
      String message =
          "cannot keep the directory store at "
              + store.root()
              + " within its bounds; check that this user can list and delete its files";
      if (warned.compareAndSet(false, true)) {
        LOG.log(Level.WARNING, message + " (further failures are logged at DEBUG): " + e);
      } else {
        LOG.log(Level.DEBUG, message + ": " + e);
      }
    }
  }

  /** Stops the thread; a sweep in progress stops at its next file. */
  @Override
  public void close() {
    ScheduledExecutorService e = executor;
    if (e != null) {
      e.shutdownNow();
    }
  }

  /** What a sweep found and did. */
  record Result(
      long entries,
      long bytes,
      long removedEntries,
      long removedBytes,
      long removedTemporaryFiles,
      long removedQuarantined,
      long removedCodeFiles) {}

  /** {@link #sweep(long, Duration, long, long, long)} without a bound on entries. */
  Result sweep(long maxBytes, Duration maxAge, long targetBytes) throws IOException {
    return sweep(maxBytes, maxAge, targetBytes, UNBOUNDED, UNBOUNDED);
  }

  /**
   * Sweeps the store now, on the calling thread: removes the temporary files of dead writers, the
   * entries unused for longer than {@code maxAge}, then, if more than {@code maxBytes} (on disk) or
   * more than {@code maxEntries} entries remain, the least recently used ones until at most {@code
   * targetBytes} and {@code targetEntries} remain.
   *
   * @param maxBytes the most bytes of entries to keep on disk, {@link #UNBOUNDED} for no bound
   * @param maxAge the longest to keep an unused entry, null for no bound; zero removes every entry
   * @param targetBytes what to evict down to once {@code maxBytes} is exceeded
   * @param maxEntries the most entries of calls to keep, {@link #UNBOUNDED} for no bound
   * @param targetEntries what to evict down to once {@code maxEntries} is exceeded
   * @return what the sweep found and removed
   * @throws IOException if the store cannot be listed
   */
  synchronized Result sweep(
      long maxBytes,
      @Nullable Duration maxAge,
      long targetBytes,
      long maxEntries,
      long targetEntries)
      throws IOException {
    SweepEvent event = new SweepEvent();
    event.begin();
    bytesSinceSweep.set(0);
    entriesSinceSweep.set(0);
    Result r = sweepFiles(maxBytes, maxAge, targetBytes, maxEntries, targetEntries);
    // Puts made while the sweep ran: its listing may have missed them, and its count replaced the
    // running one, which they had added to (or not at all, before the first sweep). Counted again,
    // a put the listing did see is counted twice: the count errs high, costing at most one more
    // sweep, never a bound left exceeded until the next period.
    long putBytes = bytesSinceSweep.get();
    long putEntries = entriesSinceSweep.get();
    if (putBytes > 0 || putEntries > 0) {
      long total = bytes.addAndGet(putBytes);
      long count = entries.addAndGet(putEntries);
      if (total > this.maxBytes || count > this.maxEntries) {
        requestSweep();
      }
    }
    event.commit(store.root(), r);
    return r;
  }

  private Result sweepFiles(
      long maxBytes,
      @Nullable Duration maxAge,
      long targetBytes,
      long maxEntries,
      long targetEntries)
      throws IOException {
    long now = clock.getAsLong();
    // Age zero means everything, an entry written this very millisecond (or stamped in the future
    // by a clock ahead of this one) included.
    long ageCut =
        maxAge == null
            ? Long.MIN_VALUE
            : maxAge.isZero() ? Long.MAX_VALUE : now - maxAge.toMillis();
    long tempCut = now - TEMP_MAX_AGE.toMillis();
    Path root = store.root();
    List<Candidate> candidates = new ArrayList<>();
    long[] temps = {0};
    long quarantined = 0;
    long codeFiles = 0;
    if (!Files.isDirectory(root)) {
      bytes.set(0);
      entries.set(0);
      return new Result(0, 0, 0, 0, 0, 0, 0);
    }
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(root)) {
      for (Path folder : folders) {
        if (stopped()) {
          break;
        }
        String name = folder.getFileName().toString();
        if (name.equals(DirectoryStore.QUARANTINE)) {
          if (maxAge != null) {
            quarantined += store.quarantineFolder().removeOlderThan(ageCut);
          }
          continue;
        }
        if (name.equals(CodeSigner.CACHE_FOLDER)) {
          // Never through a link, as below; memo never writes through one either.
          if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            sweepTemporaryFiles(folder, tempCut, temps);
            codeFiles += removeCodeFilesOlderThan(folder, ageCut);
          }
          continue;
        }
        // Never through a link: a linked namespace folder would have the sweep delete files
        // outside the root. get and put refuse such a folder, saying so.
        if (name.startsWith(".") || !Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        sweepTemporaryFiles(folder, tempCut, temps);
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(folder)) {
          for (Path shard : shards) {
            if (!shard.getFileName().toString().startsWith(".")
                && Files.isDirectory(shard, LinkOption.NOFOLLOW_LINKS)) {
              sweepTemporaryFiles(shard, tempCut, temps);
            }
          }
        } catch (NoSuchFileException e) {
          continue;
        }
        boolean internal =
            Namespaces.readNameFile(folder.resolve(DirectoryStore.NAMESPACE_FILE))
                .map(DirectorySweeper::internal)
                .orElse(false);
        DirectoryListing.forEachEntryFile(
            folder,
            (file, a) ->
                candidates.add(
                    new Candidate(
                        file, onDisk(a.size()), a.lastModifiedTime().toMillis(), internal)));
      }
    }
    long total = 0;
    long count = 0;
    long removed = 0;
    long removedBytes = 0;
    List<Candidate> kept = new ArrayList<>(candidates.size());
    for (Candidate c : candidates) {
      if (c.lastAccess < ageCut && removeIfUnused(c, maxAge != null && maxAge.isZero())) {
        removed++;
        removedBytes += c.size;
      } else {
        kept.add(c);
        total += c.size;
        count += c.internal ? 0 : 1;
      }
    }
    if (total > maxBytes || count > maxEntries) {
      kept.sort(Comparator.comparingLong(Candidate::lastAccess));
      for (Candidate c : kept) {
        boolean overBytes = total > targetBytes;
        boolean overEntries = count > targetEntries;
        if ((!overBytes && !overEntries) || stopped()) {
          break;
        }
        if (!overBytes && c.internal) {
          continue; // only the count of entries is over, which memo's own records are not in
        }
        if (removeIfUnused(c, false)) {
          removed++;
          removedBytes += c.size;
          total -= c.size;
          count -= c.internal ? 0 : 1;
        }
      }
    }
    bytes.set(total);
    entries.set(count);
    return new Result(
        candidates.size() - removed,
        total,
        removed,
        removedBytes,
        temps[0],
        quarantined,
        codeFiles);
  }

  private boolean stopped() {
    return Thread.currentThread().isInterrupted();
  }

  /**
   * Removes the entry unless it was read or replaced since it was listed ({@code regardless}: even
   * then, for a sweep that removes everything).
   */
  private static boolean removeIfUnused(Candidate c, boolean regardless) {
    try {
      BasicFileAttributes now =
          Files.readAttributes(c.file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!regardless && now.lastModifiedTime().toMillis() != c.lastAccess) {
        return false;
      }
      return Files.deleteIfExists(c.file);
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      LOG.log(Level.DEBUG, () -> "cannot remove " + c.file + ": " + e);
      return false;
    }
  }

  /**
   * Removes the kept walks of code ({@link CodeSigner#CACHE_FOLDER}) last written or used before
   * {@code cut}: {@code max-age} bounds them as it bounds entries. A walk used meanwhile and
   * removed costs its function one walk of its code in the next process, never a wrong signature.
   */
  private static long removeCodeFilesOlderThan(Path folder, long cut) throws IOException {
    if (cut == Long.MIN_VALUE) {
      return 0; // no age bound
    }
    long removed = 0;
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(
            folder,
            p -> {
              String n = p.getFileName().toString();
              return !n.startsWith(".") && n.endsWith(CodeSigner.CACHE_SUFFIX);
            })) {
      for (Path file : files) {
        try {
          BasicFileAttributes a =
              Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (a.isRegularFile()
              && a.lastModifiedTime().toMillis() < cut
              && Files.deleteIfExists(file)) {
            removed++;
          }
        } catch (NoSuchFileException e) {
          // Replaced or removed by another process meanwhile.
        }
      }
    } catch (NoSuchFileException e) {
      // The folder vanished meanwhile.
    }
    return removed;
  }

  private static void sweepTemporaryFiles(Path folder, long cut, long[] count) throws IOException {
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(
            folder,
            p -> {
              String n = p.getFileName().toString();
              return n.startsWith(".") && n.endsWith(DirectoryStore.TEMP_SUFFIX);
            })) {
      for (Path temp : files) {
        try {
          if (Files.getLastModifiedTime(temp, LinkOption.NOFOLLOW_LINKS).toMillis() < cut
              && Files.deleteIfExists(temp)) {
            count[0]++;
          }
        } catch (NoSuchFileException e) {
          // Renamed or deleted by its writer meanwhile.
        }
      }
    } catch (NoSuchFileException e) {
      // The folder vanished meanwhile.
    }
  }

  /** Returns the bounds for {@code toString}. */
  String describe() {
    return (maxBytes == UNBOUNDED ? "" : ", maxBytes=" + maxBytes)
        + (maxEntries == UNBOUNDED ? "" : ", maxEntries=" + maxEntries)
        + (maxAge == null ? "" : ", maxAge=" + maxAge);
  }

  /** Whether a namespace is one of memo's own: its name starts with a control character. */
  private static boolean internal(String namespace) {
    return !namespace.isEmpty() && namespace.charAt(0) < 0x20;
  }

  private record Candidate(Path file, long size, long lastAccess, boolean internal) {}
}
