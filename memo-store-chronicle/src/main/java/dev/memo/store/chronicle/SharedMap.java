package dev.memo.store.chronicle;

import dev.memo.StoreException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * One store folder as this JVM uses it: the current map generation, the control file and the locks,
 * shared by every {@link ChronicleStore} open on the folder in this JVM (file locks belong to the
 * JVM, and one mapping per file is enough). Reference-counted; the last close releases it.
 *
 * <p>Files in the folder:
 *
 * <pre>
 * control          generation, clock and counts, memory-mapped by every process
 * store.lock       locked exclusively while a process opens, closes, rolls or sweeps
 * users.lock       locked shared by every process that has the store open
 * map-N.cm3        the Chronicle Map of generation N; only the newest is in use
 * map-N.cm3.broken a map that could not be opened, set aside for inspection
 * blobs/ab/….blob  entries larger than max-inline-bytes, named by a random 128-bit id
 * blobs.unchecked  present while blobs/ may hold files no entry refers to (see start())
 * .quarantine/     broken entries taken out of use, with the reason, for inspection
 * quarantine/      the same, as versions before the shared layout kept them (never written now)
 * </pre>
 */
final class SharedMap {
  private static final System.Logger LOG = System.getLogger(SharedMap.class.getName());
  private static final Map<Path, SharedMap> OPEN = new HashMap<>();
  private static final HexFormat HEX = HexFormat.of();
  static final String BLOBS = "blobs";

  /**
   * Present while {@code blobs/} may hold files that no entry refers to, left by a roll (a write
   * lost in the copy) or a file that could not be deleted: the next process to open the store alone
   * deletes them and removes this marker. A crash needs no marker: the control file says it.
   */
  static final String BLOBS_UNCHECKED = "blobs.unchecked";

  /** The average key: a 32-byte namespace digest and a 32-byte signature. */
  private static final int AVERAGE_KEY_BYTES = 64;

  final Options options;
  final Path root;
  final Control control;
  private final FileChannel storeLockChannel;
  private final FileChannel usersChannel;
  private final ReentrantLock jvmStoreLock = new ReentrantLock();

  /** Read-held by every operation on the map; write-held to replace the map by a newer one. */
  private final ReentrantReadWriteLock mapLock = new ReentrantReadWriteLock();

  private final AtomicBoolean sweeping = new AtomicBoolean();
  private FileLock usersLock;
  private ChronicleMap<byte[], byte[]> map;
  private long generation;
  private int references;

  private SharedMap(
      Options options, FileChannel storeLockChannel, FileChannel usersChannel, Control control) {
    this.options = options;
    this.root = options.root();
    this.storeLockChannel = storeLockChannel;
    this.usersChannel = usersChannel;
    this.control = control;
  }

  // ---------------------------------------------------------------- open and close

  /** Returns the folder's shared state, opening it on first use in this JVM. */
  static SharedMap acquire(Options options) {
    synchronized (OPEN) {
      SharedMap shared = OPEN.get(options.root());
      if (shared == null) {
        shared = open(options);
        OPEN.put(options.root(), shared);
      }
      shared.references++;
      return shared;
    }
  }

  /**
   * Drops a reference; the last one closes the map and, if no other process uses it, marks it
   * clean.
   */
  void release() {
    synchronized (OPEN) {
      if (--references > 0) {
        return;
      }
      OPEN.remove(root);
    }
    mapLock.writeLock().lock();
    try {
      withStoreLock(
          () -> {
            map.close();
            usersLock.release();
            // Alone now: no process has the store open, and this one leaves it consistent.
            try (FileLock alone = usersChannel.tryLock()) {
              if (alone != null) {
                control.inUse(false);
              }
            }
            return null;
          });
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot close the chronicle store at " + root + " cleanly", e);
    } finally {
      mapLock.writeLock().unlock();
      closeQuietly(control);
      closeQuietly(usersChannel);
      closeQuietly(storeLockChannel);
    }
  }

  private static SharedMap open(Options options) {
    // Before the first map: Chronicle then finds the class it would otherwise compile with javac.
    PrecompiledValues.define();
    Path root = options.root();
    FileChannel storeLock = null;
    FileChannel users = null;
    Control control = null;
    // A file channel used on an interrupted thread closes itself; keep the interrupt for later.
    boolean interrupted = Thread.interrupted();
    try {
      if (Files.exists(root) && !Files.isDirectory(root)) {
        throw new StoreException(
            "chronicle store path "
                + root
                + " is a file, not a folder; move"
                + " the file away or set memo.store.chronicle.path to a folder");
      }
      Files.createDirectories(root.resolve(BLOBS));
      storeLock = channel(root.resolve("store.lock"));
      users = channel(root.resolve("users.lock"));
      try (FileLock held = storeLock.lock()) {
        control = Control.open(root);
        SharedMap shared = new SharedMap(options, storeLock, users, control);
        shared.start();
        return shared;
      }
    } catch (IOException e) {
      closeQuietly(control);
      closeQuietly(users);
      closeQuietly(storeLock);
      throw new StoreException(
          "cannot open the chronicle store at "
              + root
              + ": "
              + e
              + "; make sure the folder is writable or set memo.store.chronicle.path to one that is",
          e);
    } catch (RuntimeException e) {
      closeQuietly(control);
      closeQuietly(users);
      closeQuietly(storeLock);
      throw e;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Opens the current generation, recovering it first if a process died while using it alone.
   * Alone, it also deletes the files under {@code blobs/} that no entry refers to and recounts the
   * entries, which reads every entry: only when something may have left such files (a process that
   * died, a map replaced, or the {@link #BLOBS_UNCHECKED} marker), so that a store closed cleanly
   * opens without reading its entries.
   */
  private void start() throws IOException {
    generation = control.generation();
    File file = mapFile(generation);
    try {
      try (FileLock alone = usersChannel.tryLock()) {
        if (alone != null) {
          Path unchecked = root.resolve(BLOBS_UNCHECKED);
          boolean check = control.inUse() || Files.exists(unchecked);
          deleteOtherGenerations();
          check |= openAlone(file);
          if (check) {
            deleteUnreferencedBlobs();
            Files.deleteIfExists(unchecked);
          }
          control.inUse(true);
        }
      }
      if (map == null) {
        map = builder(options.entries(), options.averageValueSize()).createPersistedTo(file);
      }
      usersLock = usersChannel.lock(0, Long.MAX_VALUE, true);
    } catch (IOException | RuntimeException e) {
      if (map != null) {
        map.close();
      }
      throw e;
    }
  }

  /**
   * Opens the map as its only user: recovers it if a process died using it, and sets a map that
   * cannot be opened aside as {@code map-N.cm3.broken}, starting empty, so that no damage to the
   * file keeps memo from working; its entries are computed again.
   *
   * @return true when the map is new: there was none, or it was set aside
   */
  private boolean openAlone(File file) throws IOException {
    boolean created = !file.exists();
    try {
      if (file.exists() && !headerComplete(file.toPath())) {
        // Chronicle would wait a minute for a creator to finish it; alone, there is none.
        throw new IOException("its header is incomplete");
      }
      if (control.inUse() && file.exists()) {
        // Every process that used the store is gone, and one did not close it: it may have died
        // holding a segment lock or in the middle of a write. Chronicle's recovery resets the
        // locks and drops entries whose checksums fail; it is safe only when no one else maps
        // the file, which holding users.lock exclusively guarantees.
        LOG.log(
            Level.WARNING,
            "recovering the chronicle store at {0}: a process using it ended"
                + " without closing it",
            root);
        map = builder(options.entries(), options.averageValueSize()).recoverPersistedTo(file, true);
        removeDuplicateKeys();
      } else {
        map = builder(options.entries(), options.averageValueSize()).createPersistedTo(file);
      }
      return created;
    } catch (IOException | RuntimeException e) {
      if (map != null) {
        map.close();
      }
      Path broken = file.toPath().resolveSibling(file.getName() + ".broken");
      LOG.log(
          Level.WARNING,
          "the chronicle store's map "
              + file
              + " cannot be opened; moved to "
              + broken
              + ", starting empty",
          e);
      Files.move(file.toPath(), broken, StandardCopyOption.REPLACE_EXISTING);
      map = builder(options.entries(), options.averageValueSize()).createPersistedTo(file);
      return true;
    }
  }

  /**
   * Returns whether a map file's self-bootstrapping header is complete, as Chronicle Map's data
   * structure specification defines it: a little-endian size word at offset 8 that is positive (the
   * ready bit clear) once the header is written, followed by that many header bytes.
   */
  static boolean headerComplete(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      if (channel.size() < 12 || channel.read(word, 8) != 4) {
        return false;
      }
      int size = word.getInt(0);
      return size > 0 && 12L + (size & 0x3FFF_FFFF) <= channel.size();
    }
  }

  private ChronicleMapBuilder<byte[], byte[]> builder(long entries, int averageValueSize) {
    return ChronicleMapBuilder.of(byte[].class, byte[].class)
        .name("memo-" + root.getFileName())
        .entries(entries)
        .averageKeySize(AVERAGE_KEY_BYTES)
        .averageValueSize(Records.HEADER + averageValueSize)
        // A generous estimate must not cost disk up front: pages are allocated as entries land.
        .sparseFile(true);
  }

  File mapFile(long generation) {
    return root.resolve("map-" + generation + ".cm3").toFile();
  }

  // ---------------------------------------------------------------- map access

  /**
   * Runs an operation on the current map; a map replaced by another process is swapped first. The
   * thread's interrupt is set aside meanwhile and restored after: Chronicle extends its file
   * through a file channel, which an interrupt would close for good, breaking the map for every
   * thread.
   */
  <T> T withMap(Function<ChronicleMap<byte[], byte[]>, T> operation) {
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        mapLock.readLock().lock();
        try {
          if (control.generation() == generation) {
            return operation.apply(map);
          }
        } finally {
          mapLock.readLock().unlock();
        }
        follow();
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Returns the generation this JVM uses now. */
  long generation() {
    mapLock.readLock().lock();
    try {
      return generation;
    } finally {
      mapLock.readLock().unlock();
    }
  }

  /** Switches to the generation another process rolled to. */
  private void follow() {
    mapLock.writeLock().lock();
    try {
      withStoreLock(
          () -> {
            switchToCurrent();
            return null;
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      mapLock.writeLock().unlock();
    }
  }

  /** Opens the generation the control file names, if this JVM uses another; under both locks. */
  private void switchToCurrent() throws IOException {
    long current = control.generation();
    if (current != generation) {
      // The sizing passed here is ignored: an existing map keeps the one it was created with.
      ChronicleMap<byte[], byte[]> newer =
          builder(options.entries(), options.averageValueSize())
              .createPersistedTo(mapFile(current));
      map.close();
      map = newer;
      generation = current;
    }
  }

  /**
   * Replaces a full map by a generation twice the size of its live entries (at least), sized for
   * the average entry actually seen, copying every entry over. Does nothing but follow when another
   * process rolled already.
   *
   * @param full the generation whose map refused an entry
   */
  void roll(long full) {
    mapLock.writeLock().lock();
    try {
      withStoreLock(
          () -> {
            if (control.generation() != full || generation != full) {
              switchToCurrent();
              return null;
            }
            long next = full + 1;
            Copy copy = copyTo(next);
            LOG.log(
                Level.INFO,
                "chronicle store at {0} outgrew generation {1}; generation {2} is sized"
                    + " for {3} entries of {4} bytes",
                root,
                full,
                next,
                copy.entries(),
                copy.average());
            install(next, copy.map());
            return null;
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      mapLock.writeLock().unlock();
    }
  }

  /** A new generation's map with the entries copied over, and what it was sized for. */
  private record Copy(ChronicleMap<byte[], byte[]> map, long entries, int average) {}

  /**
   * Creates generation {@code next}, sized for twice the live entries of the current map (at least)
   * and the average entry actually seen, and copies every entry over, one per key: where the
   * current map holds a key twice, the record with the newer stamp is kept. Under both locks.
   */
  private Copy copyTo(long next) throws IOException {
    long[] sizes = new long[2];
    map.forEachEntry(
        e -> {
          sizes[0]++;
          sizes[1] += e.value().size();
        });
    long live = sizes[0];
    int average =
        (int)
            Math.min(
                Integer.MAX_VALUE / 2,
                Math.max(options.averageValueSize(), live == 0 ? 0 : (sizes[1] / live) * 5 / 4));
    long entries = Math.max(options.entries(), 2 * live + 1024);
    while (true) {
      Files.deleteIfExists(mapFile(next).toPath());
      ChronicleMap<byte[], byte[]> candidate =
          builder(entries, average).createPersistedTo(mapFile(next));
      try {
        map.forEachEntry(
            e -> {
              byte[] k = e.key().get();
              byte[] r = e.value().get();
              byte[] kept = candidate.get(k);
              if (kept == null || newer(r, kept)) {
                candidate.put(k, r);
              }
            });
        return new Copy(candidate, entries, average);
      } catch (IllegalStateException e) {
        candidate.close();
        if (!isFull(e)) {
          throw e;
        }
        entries *= 2;
      } catch (RuntimeException e) {
        candidate.close();
        throw e;
      }
    }
  }

  /** Whether record a should replace record b of the same key: b is not one of ours, or older. */
  private static boolean newer(byte[] a, byte[] b) {
    return !Records.valid(b) || (Records.valid(a) && Records.stamp(a) > Records.stamp(b));
  }

  /**
   * Makes generation {@code next}, whose map is {@code newer}, the current one and deletes the
   * current one's file. Under both locks.
   */
  private void install(long next, ChronicleMap<byte[], byte[]> newer) {
    // A write another process made to the old map during the copy is lost, its file with it.
    blobsUnchecked();
    control.generation(next);
    ChronicleMap<byte[], byte[]> old = map;
    map = newer;
    generation = next;
    old.close();
    // Other processes still mapping it keep their mapping until they follow; on Windows the
    // delete fails while they do, and the next process to open the store alone retries it.
    if (!old.file().delete()) {
      LOG.log(Level.DEBUG, "cannot delete {0} yet", old.file());
    }
  }

  // ---------------------------------------------------------------- repair after a crash

  /**
   * Replaces a recovered map that holds some key more than once by a new generation with one entry
   * per key. A process killed in the middle of a write can leave a key twice in the map, and
   * Chronicle's recovery does not always catch it; a key held twice is counted twice, and a
   * removal, quarantine or eviction takes out one copy and leaves the other readable. Only while
   * alone, under the store lock.
   *
   * @return the number of keys that were held more than once; 0 if the map was left as it was
   */
  long removeDuplicateKeys() throws IOException {
    long duplicated = duplicateKeys(map);
    if (duplicated > 0) {
      long next = generation + 1;
      Copy copy = copyTo(next);
      LOG.log(
          Level.INFO,
          "chronicle store at {0}: {1} keys were held more than once in generation"
              + " {2} after a process ended without closing it; copied to generation {3} with one"
              + " entry per key",
          root,
          duplicated,
          generation,
          next);
      install(next, copy.map());
    }
    return duplicated;
  }

  /**
   * Returns how many keys iterating the map yields more than once. A 64-bit hash of every key is
   * collected (eight bytes per entry) and sorted; only keys whose hashes repeat are compared whole.
   */
  static long duplicateKeys(ChronicleMap<byte[], byte[]> m) {
    long[][] hashes = {
      new long[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, m.longSize() + 16))]
    };
    int[] count = {0};
    m.forEachEntry(
        e -> {
          if (count[0] == hashes[0].length) {
            hashes[0] = Arrays.copyOf(hashes[0], count[0] * 2);
          }
          hashes[0][count[0]++] = hash(e.key().get());
        });
    long[] sorted = Arrays.copyOf(hashes[0], count[0]);
    Arrays.sort(sorted);
    Set<Long> repeated = new HashSet<>();
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1]) {
        repeated.add(sorted[i]);
      }
    }
    if (repeated.isEmpty()) {
      return 0;
    }
    Map<ByteBuffer, Integer> seen = new HashMap<>();
    m.forEachEntry(
        e -> {
          byte[] k = e.key().get();
          if (repeated.contains(hash(k))) {
            seen.merge(ByteBuffer.wrap(k.clone()), 1, Integer::sum);
          }
        });
    return seen.values().stream().filter(n -> n > 1).count();
  }

  private static long hash(byte[] key) {
    long h = 0xcbf2_9ce4_8422_2325L;
    for (byte b : key) {
      h = (h ^ (b & 0xff)) * 0x100_0000_01b3L;
    }
    return h;
  }

  /** Whether Chronicle refused a put because every segment tier it may allocate is full. */
  static boolean isFull(IllegalStateException e) {
    String m = e.getMessage();
    return m != null && m.contains("extra segment tier");
  }

  /** Whether Chronicle refused a put because the entry alone exceeds a segment's chunks. */
  static boolean isTooLarge(IllegalArgumentException e) {
    String m = e.getMessage();
    return m != null && m.contains("Entry is too large");
  }

  // ---------------------------------------------------------------- eviction

  /**
   * Evicts the least recently stamped entries until both budgets are met with a tenth to spare,
   * when the counts say one is exceeded. One process sweeps at a time; others skip meanwhile.
   */
  void sweepIfOverBudget() {
    if (control.entries() <= options.maxEntries() && control.bytes() <= options.maxBytes()) {
      return;
    }
    if (!sweeping.compareAndSet(false, true)) {
      return;
    }
    // Lock order as everywhere: the map lock, then the store lock.
    boolean interrupted = Thread.interrupted();
    mapLock.readLock().lock();
    try {
      if (control.generation() != generation || !jvmStoreLock.tryLock()) {
        return;
      }
      try (FileLock held = storeLockChannel.tryLock()) {
        if (held != null) {
          long maxEntries = options.maxEntries();
          long maxBytes = options.maxBytes();
          sweep(map, maxEntries - maxEntries / 10, maxBytes - maxBytes / 10);
        }
      } finally {
        jvmStoreLock.unlock();
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot evict from the chronicle store at " + root, e);
    } finally {
      mapLock.readLock().unlock();
      sweeping.set(false);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Evicts the least recently stamped entries now, waiting for the locks, until at most {@code
   * maxBytes} remain; the entry budget stays as configured.
   *
   * @param maxBytes the most bytes to keep, counted as the {@code max-bytes} option counts them
   * @return what was removed and what remains
   */
  dev.memo.spi.Store.Pruned prune(long maxBytes) {
    return withMap(
        m -> {
          try {
            return withStoreLock(() -> sweep(m, options.maxEntries(), maxBytes));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /**
   * Evicts the least recently stamped entries until at most {@code targetEntries} and {@code
   * targetBytes} remain. Under both locks.
   */
  private dev.memo.spi.Store.Pruned sweep(
      ChronicleMap<byte[], byte[]> m, long targetEntries, long targetBytes) {
    int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, m.longSize() + 16));
    long[][] stamps = {new long[capacity]};
    long[][] weights = {new long[capacity]};
    int[] count = {0};
    long[] total = {0};
    m.forEachEntry(
        e -> {
          byte[] k = e.key().get();
          byte[] r = e.value().get();
          if (!Records.valid(r)) {
            return;
          }
          if (count[0] == stamps[0].length) {
            stamps[0] = Arrays.copyOf(stamps[0], count[0] * 2);
            weights[0] = Arrays.copyOf(weights[0], count[0] * 2);
          }
          stamps[0][count[0]] = Records.stamp(r);
          weights[0][count[0]] = Records.weight(k, r);
          total[0] += weights[0][count[0]];
          count[0]++;
        });
    int n = count[0];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    long[] s = stamps[0];
    long[] w = weights[0];
    Arrays.sort(order, (a, b) -> Long.compare(s[a], s[b]));
    long entries = n;
    long bytes = total[0];
    long cutoff = Long.MIN_VALUE;
    for (int i = 0; i < n && (entries > targetEntries || bytes > targetBytes); i++) {
      cutoff = s[order[i]];
      entries--;
      bytes -= w[order[i]];
    }
    long limit = cutoff;
    long[] kept = {0, 0};
    if (limit != Long.MIN_VALUE) {
      m.forEachEntry(
          e -> {
            byte[] r = e.value().get();
            if (Records.valid(r) && Records.stamp(r) <= limit) {
              e.doRemove();
              if (Records.isBlob(r)) {
                deleteBlob(Records.blobId(r));
              }
            } else if (Records.valid(r)) {
              kept[0]++;
              kept[1] += Records.weight(e.key().get(), r);
            }
          });
      LOG.log(
          Level.DEBUG, "evicted {0} entries from the chronicle store at {1}", n - kept[0], root);
      control.counts(kept[0], kept[1]);
      return new dev.memo.spi.Store.Pruned(kept[0], kept[1], n - kept[0], total[0] - kept[1], 0);
    }
    control.counts(n, total[0]);
    return new dev.memo.spi.Store.Pruned(n, total[0], 0, 0, 0);
  }

  // ---------------------------------------------------------------- blobs

  Path blobPath(byte[] id) {
    String hex = HEX.formatHex(id);
    return root.resolve(BLOBS).resolve(hex.substring(0, 2)).resolve(hex + ".blob");
  }

  void deleteBlob(byte[] id) {
    try {
      Files.deleteIfExists(blobPath(id));
    } catch (IOException e) {
      LOG.log(
          Level.WARNING,
          "cannot delete "
              + blobPath(id)
              + "; it is deleted when the store is"
              + " next opened by a process alone",
          e);
      blobsUnchecked();
    }
  }

  /**
   * Leaves the {@link #BLOBS_UNCHECKED} marker, so that the next process to open the store alone
   * deletes the files no entry refers to. Never throws: without the marker such a file stays until
   * a crash is recovered from, which costs disk, never a result.
   */
  void blobsUnchecked() {
    try {
      Files.newByteChannel(
              root.resolve(BLOBS_UNCHECKED), StandardOpenOption.CREATE, StandardOpenOption.WRITE)
          .close();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "cannot mark " + root.resolve(BLOBS) + " unchecked", e);
    }
  }

  /**
   * Deletes files under {@code blobs/} that no entry refers to: temporary files of writes cut short
   * and files of entries lost with a crash or an old generation. Only while alone.
   */
  private void deleteUnreferencedBlobs() throws IOException {
    Set<String> referenced = new HashSet<>();
    map.forEachEntry(
        e -> {
          byte[] r = e.value().get();
          if (Records.valid(r) && Records.isBlob(r)) {
            referenced.add(blobPath(Records.blobId(r)).getFileName().toString());
          }
        });
    try (DirectoryStream<Path> shards = Files.newDirectoryStream(root.resolve(BLOBS))) {
      for (Path shard : shards) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
          for (Path f : files) {
            if (!referenced.contains(f.getFileName().toString())) {
              Files.deleteIfExists(f);
            }
          }
        } catch (NoSuchFileException | NotDirectoryException e) {
          // Not a shard folder; nothing of ours.
        }
      }
    }
    long[] counts = {0, 0};
    map.forEachEntry(
        e -> {
          byte[] r = e.value().get();
          if (Records.valid(r)) {
            counts[0]++;
            counts[1] += Records.weight(e.key().get(), r);
          }
        });
    control.counts(counts[0], counts[1]);
  }

  private void deleteOtherGenerations() throws IOException {
    String current = mapFile(generation).getName();
    try (DirectoryStream<Path> maps = Files.newDirectoryStream(root, "map-*.cm3")) {
      for (Path p : maps) {
        if (!p.getFileName().toString().equals(current)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  @FunctionalInterface
  private interface Locked<T> {
    T run() throws IOException;
  }

  /**
   * Runs under the store lock: this JVM's lock, then the inter-process file lock. The thread's
   * interrupt is set aside meanwhile: a file channel used on an interrupted thread closes itself,
   * which would break the store for the whole JVM.
   */
  private <T> T withStoreLock(Locked<T> action) throws IOException {
    boolean interrupted = Thread.interrupted();
    jvmStoreLock.lock();
    try (FileLock held = storeLockChannel.lock()) {
      return action.run();
    } finally {
      jvmStoreLock.unlock();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static FileChannel channel(Path file) throws IOException {
    return FileChannel.open(
        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(Level.DEBUG, "cannot close " + c, e);
      }
    }
  }
}
