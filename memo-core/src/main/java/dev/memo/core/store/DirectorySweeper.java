package dev.memo.core.store;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
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
 * Keeps a {@link DirectoryStore} within its bounds: at most {@code max-bytes} of entry files, and
 * no entry unused (neither written nor read) for longer than {@code max-age}; the least recently
 * used entries, by their files' modification times, go first.
 *
 * <p>The work is off the caller's path. The first get or put of a bounded store starts one daemon
 * thread, which scans the store at once, then again every {@link #period()} (to see what other
 * processes wrote, and to age entries out), and whenever this process's puts push the running
 * count of bytes past {@code max-bytes}; a put only adds its size to that count. A sweep that
 * finds too many bytes removes entries down to nine tenths of the bound, so the next sweep is not
 * due at the next put.
 *
 * <p>A sweep also deletes temporary files older than {@link #TEMP_MAX_AGE} (left by writers that
 * were killed) and, with {@code max-age}, quarantined entries quarantined longer ago than that.
 * Quarantined entries do not count against {@code max-bytes}.
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

  private static final System.Logger LOG = System.getLogger(DirectorySweeper.class.getName());

  private final DirectoryStore store;
  private final long maxBytes;
  private final Duration maxAge;
  private final LongSupplier clock;
  /** Bytes of entries as of the last sweep plus this process's puts since; -1 before a sweep. */
  private final AtomicLong bytes = new AtomicLong(-1);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean requested = new AtomicBoolean();
  private final AtomicBoolean warned = new AtomicBoolean();
  private final boolean background;
  private volatile ScheduledExecutorService executor;

  DirectorySweeper(DirectoryStore store, long maxBytes, Duration maxAge, LongSupplier clock,
      boolean background) {
    this.store = store;
    this.background = background;
    this.maxBytes = maxBytes;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /** Returns whether a bound is set. */
  boolean bounded() {
    return maxBytes != UNBOUNDED || maxAge != null;
  }

  /** Returns the most bytes of entries kept, {@link #UNBOUNDED} for no bound. */
  long maxBytes() {
    return maxBytes;
  }

  /** Returns the longest an unused entry is kept, or null for no bound. */
  @Nullable Duration maxAge() {
    return maxAge;
  }

  /** Returns the time between two sweeps: a quarter of {@code max-age}, at most {@link #MAX_PERIOD}. */
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
    ScheduledExecutorService e = Executors.newSingleThreadScheduledExecutor(r -> {
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

  /** Counts a put's bytes; asks for a sweep when the count passes the bound. */
  void added(long size) {
    if (maxBytes == UNBOUNDED) {
      return;
    }
    long total = bytes.updateAndGet(b -> b < 0 ? b : b + size);
    if (total > maxBytes && requested.compareAndSet(false, true)) {
      ScheduledExecutorService e = executor;
      if (e == null) {
        requested.set(false);
        return;
      }
      try {
        e.execute(() -> {
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
      Result r = sweep(maxBytes, maxAge, maxBytes == UNBOUNDED ? UNBOUNDED : maxBytes - maxBytes / 10);
      LOG.log(Level.DEBUG, () -> "swept the directory store at " + store.root() + ": " + r);
    } catch (IOException | RuntimeException e) {
      String message = "cannot keep the directory store at " + store.root()
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
  record Result(long entries, long bytes, long removedEntries, long removedBytes,
      long removedTemporaryFiles, long removedQuarantined) {}

  /**
   * Sweeps the store now, on the calling thread: removes the temporary files of dead writers, the
   * entries unused for longer than {@code maxAge}, then, if more than {@code maxBytes} of entries
   * remain, the least recently used ones until at most {@code targetBytes} remain.
   *
   * @param maxBytes the most bytes of entries to keep, {@link #UNBOUNDED} for no bound
   * @param maxAge the longest to keep an unused entry, null for no bound
   * @param targetBytes what to evict down to once {@code maxBytes} is exceeded
   * @return what the sweep found and removed
   * @throws IOException if the store cannot be listed
   */
  synchronized Result sweep(long maxBytes, @Nullable Duration maxAge, long targetBytes) throws IOException {
    long now = clock.getAsLong();
    long ageCut = maxAge == null ? Long.MIN_VALUE : now - maxAge.toMillis();
    long tempCut = now - TEMP_MAX_AGE.toMillis();
    Path root = store.root();
    List<Candidate> candidates = new ArrayList<>();
    long[] temps = {0};
    long quarantined = 0;
    if (!Files.isDirectory(root)) {
      bytes.set(0);
      return new Result(0, 0, 0, 0, 0, 0);
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
        if (name.startsWith(".") || !Files.isDirectory(folder)) {
          continue;
        }
        sweepTemporaryFiles(folder, tempCut, temps);
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(folder)) {
          for (Path shard : shards) {
            if (!shard.getFileName().toString().startsWith(".") && Files.isDirectory(shard)) {
              sweepTemporaryFiles(shard, tempCut, temps);
            }
          }
        } catch (NoSuchFileException e) {
          continue;
        }
        DirectoryStore.forEachEntryFile(folder, (file, a) ->
            candidates.add(new Candidate(file, a.size(), a.lastModifiedTime().toMillis())));
      }
    }
    long total = 0;
    long removed = 0;
    long removedBytes = 0;
    List<Candidate> kept = new ArrayList<>(candidates.size());
    for (Candidate c : candidates) {
      if (c.lastAccess < ageCut && removeIfUnused(c)) {
        removed++;
        removedBytes += c.size;
      } else {
        kept.add(c);
        total += c.size;
      }
    }
    if (total > maxBytes) {
      kept.sort(Comparator.comparingLong(Candidate::lastAccess));
      for (Candidate c : kept) {
        if (total <= targetBytes || stopped()) {
          break;
        }
        if (removeIfUnused(c)) {
          removed++;
          removedBytes += c.size;
          total -= c.size;
        }
      }
    }
    bytes.set(total);
    return new Result(candidates.size() - removed, total, removed, removedBytes, temps[0],
        quarantined);
  }

  private boolean stopped() {
    return Thread.currentThread().isInterrupted();
  }

  /** Removes the entry unless it was read or replaced since it was listed. */
  private static boolean removeIfUnused(Candidate c) {
    try {
      BasicFileAttributes now = Files.readAttributes(c.file, BasicFileAttributes.class);
      if (now.lastModifiedTime().toMillis() != c.lastAccess) {
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

  private static void sweepTemporaryFiles(Path folder, long cut, long[] count) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, p -> {
      String n = p.getFileName().toString();
      return n.startsWith(".") && n.endsWith(DirectoryStore.TEMP_SUFFIX);
    })) {
      for (Path temp : files) {
        try {
          if (Files.getLastModifiedTime(temp).toMillis() < cut && Files.deleteIfExists(temp)) {
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
        + (maxAge == null ? "" : ", maxAge=" + maxAge);
  }

  private record Candidate(Path file, long size, long lastAccess) {}
}
