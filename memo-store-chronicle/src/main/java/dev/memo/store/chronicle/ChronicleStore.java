package dev.memo.store.chronicle;

import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.spi.Store;
import dev.memo.spi.StoreEntry;
import dev.memo.spi.support.Namespaces;
import dev.memo.spi.support.Quarantine;
import dev.memo.spi.support.RegularFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import net.openhft.chronicle.hash.locks.InterProcessDeadLockException;
import org.jspecify.annotations.Nullable;

/**
 * Keeps entries in the folder's {@link SharedMap}: entries up to {@code max-inline-bytes} as
 * records in the Chronicle Map, larger ones as files under {@code blobs/} whose id the map's record
 * holds. The map's put of a record is the atomic publication: a reader, in this process or another,
 * sees the old record or the new one. A file is written whole, under a temporary name, before its
 * record is put, and is deleted only after its record is replaced or removed; a reader that finds
 * the file gone reads the key again.
 *
 * <p>A map key is the SHA-256 of the namespace's UTF-16 code units followed by the signature's
 * bytes, so namespaces never collide and no user text reaches the file system. For listings, the
 * text of each namespace is kept in {@code namespaces/<SHA-256 hex>.name} ({@link
 * Namespaces#writeNameFile}), written by the first put of the namespace. Broken entries are kept in
 * {@code .quarantine/}, laid out as every store on a file system lays it out ({@link Quarantine}).
 * Thread-safe.
 */
final class ChronicleStore implements Store {
  private static final SecureRandom IDS = new SecureRandom();
  private static final int BUFFER_BYTES = 64 * 1024;

  /** The folder, under the root, that broken entries are kept in. */
  static final String QUARANTINE = Quarantine.FOLDER;

  /** Reads of a key whose large entry keeps being replaced before it can be opened. */
  private static final int MAX_READ_ATTEMPTS = 1000;

  /** The folder, under the root, that holds the text of each namespace. */
  static final String NAMESPACES = "namespaces";

  private static final int DIGEST_BYTES = 32;
  private static final HexFormat HEX = HexFormat.of();

  private final SharedMap shared;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Namespaces whose name file this store has seen or written. */
  private final Set<String> named = ConcurrentHashMap.newKeySet();

  ChronicleStore(SharedMap shared) {
    this.shared = shared;
  }

  @Override
  public String name() {
    return ChronicleStoreProvider.NAME;
  }

  /** The root folder; memo's hidden subfolders there are none of the map's files. */
  @Override
  public Optional<Path> folder() {
    return Optional.of(shared.root);
  }

  /** Listing, and pruning by the store's eviction. */
  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.LISTING, Capability.PRUNING);
  }

  /**
   * Evicts the least recently used entries (by their stamps, as the store's own eviction does)
   * until at most {@code maxBytes} remain, counting each entry's key and record as the {@code
   * max-bytes} option does.
   *
   * @throws UnsupportedOperationException if {@code maxAge} is given: the store orders entries by a
   *     logical clock, not by time
   */
  @Override
  public Pruned prune(long maxBytes, Duration maxAge) throws IOException {
    checkOpen();
    if (maxAge != null) {
      throw new UnsupportedOperationException(
          "the chronicle store at "
              + shared.root
              + " orders entries by use, not by time, so it cannot prune them by age; prune it by"
              + " size (memo prune --max-bytes) or bound it with memo.store.chronicle.max-bytes");
    }
    return locked(() -> shared.prune(maxBytes));
  }

  /** Returns the shared state, for tests. */
  SharedMap shared() {
    return shared;
  }

  @Override
  public Optional<InputStream> get(String namespace, Signature key) throws IOException {
    checkOpen();
    byte[] k = key(namespace, key);
    // A file can vanish between reading its record and opening it only when the entry was
    // replaced or removed meanwhile: read the key again. The same record twice with its file
    // gone means the file was lost (deleted by hand, say): the entry is absent.
    byte[] last = null;
    for (int attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt++) {
      byte[] r = locked(() -> shared.withMap(m -> m.get(k)));
      if (r == null || !Records.valid(r) || Arrays.equals(r, last)) {
        return Optional.empty();
      }
      refresh(k, r);
      if (!Records.isBlob(r)) {
        return Optional.of(new ByteArrayInputStream(r, Records.HEADER, r.length - Records.HEADER));
      }
      // A blob is opened as a regular file only: never through a link, never waiting on a FIFO.
      // Anything else in its place fails the read, which memo counts and computes again.
      Optional<InputStream> blob = RegularFiles.open(shared.blobPath(Records.blobId(r)));
      if (blob.isPresent()) {
        return Optional.of(new BufferedInputStream(blob.get(), BUFFER_BYTES));
      }
      last = r;
    }
    throw new IOException(
        "entry "
            + key
            + " of \""
            + namespace
            + "\" in the chronicle store at "
            + shared.root
            + " was replaced "
            + MAX_READ_ATTEMPTS
            + " times while being read");
  }

  /**
   * Re-stamps a read entry so that eviction sees it as recently used, but only once its stamp lags
   * the clock by more than an eighth of the entries: a hit rewrites its small record at most once
   * per that many puts, not on every read.
   */
  private void refresh(byte[] k, byte[] r) {
    long clock = shared.control.clock();
    long lag = Math.max(1, shared.control.entries() / 8);
    if (clock - Records.stamp(r) > lag) {
      try {
        locked(() -> shared.withMap(m -> m.replace(k, r, Records.restamped(r, clock))));
      } catch (IOException | RuntimeException e) {
        // A lost refresh only makes the entry look older to eviction.
      }
    }
  }

  @Override
  public void put(String namespace, Signature key, EntryWriter writer) throws IOException {
    checkOpen();
    byte[] k = key(namespace, key);
    nameNamespace(namespace, k);
    Spill spill = new Spill();
    byte[] record;
    try {
      writer.writeTo(spill);
      spill.finish();
      long stamp = shared.control.tick();
      record =
          spill.file == null
              ? Records.inline(stamp, spill.buffer, spill.count)
              : Records.blob(stamp, spill.total, spill.publish());
    } catch (IOException | RuntimeException | Error e) {
      spill.discard();
      throw e;
    }
    byte[] previous;
    try {
      previous = putRecord(k, record);
    } catch (IllegalArgumentException e) {
      if (Records.isBlob(record) || !SharedMap.isTooLarge(e)) {
        discardBlob(record);
        throw e;
      }
      // Too large for a segment of this map: keep it as a file instead.
      record =
          Records.blob(Records.stamp(record), spill.count, writeBlob(spill.buffer, spill.count));
      try {
        previous = putRecord(k, record);
      } catch (IOException | RuntimeException again) {
        discardBlob(record);
        throw again;
      }
    } catch (IOException | RuntimeException e) {
      discardBlob(record);
      throw e;
    }
    long entries = 1;
    long bytes = Records.weight(k, record);
    if (previous != null && Records.valid(previous)) {
      entries = 0;
      bytes -= Records.weight(k, previous);
      discardBlob(previous);
    }
    shared.control.add(entries, bytes);
    shared.sweepIfOverBudget();
  }

  /** Puts a record, rolling to a larger map generation whenever the current one is full. */
  private byte[] putRecord(byte[] k, byte[] record) throws IOException {
    while (true) {
      long generation = shared.generation();
      try {
        return locked(() -> shared.withMap(m -> m.put(k, record)));
      } catch (IllegalStateException e) {
        if (!SharedMap.isFull(e)) {
          throw e;
        }
        shared.roll(generation);
      }
    }
  }

  @Override
  public boolean remove(String namespace, Signature key) throws IOException {
    checkOpen();
    byte[] k = key(namespace, key);
    byte[] previous = locked(() -> shared.withMap(m -> m.remove(k)));
    if (previous == null) {
      return false;
    }
    if (Records.valid(previous)) {
      shared.control.add(-1, -Records.weight(k, previous));
      discardBlob(previous);
    }
    return true;
  }

  /**
   * Takes the entry out of use and keeps its bytes for inspection in {@code .quarantine/<namespace
   * folder>/<key hex>.<epoch millis>.entry}, with the reason beside it in {@code .reason} (see
   * {@link Quarantine}). Removes only the record that is there now, so a good entry another process
   * wrote meanwhile stays. Does nothing when the entry is absent.
   */
  @Override
  public void quarantine(String namespace, Signature key, String reason) throws IOException {
    checkOpen();
    byte[] k = key(namespace, key);
    byte[] r = locked(() -> shared.withMap(m -> m.get(k)));
    if (r == null) {
      return;
    }
    Quarantine quarantine = Quarantine.under(shared.root);
    if (!Records.valid(r)) {
      quarantine.keep(namespace, key, out -> out.write(r), reason);
    } else if (Records.isBlob(r)) {
      try {
        quarantine.keep(
            namespace,
            key,
            out -> {
              try (InputStream blob =
                  RegularFiles.open(shared.blobPath(Records.blobId(r)))
                      .orElseThrow(
                          () ->
                              new NoSuchFileException(
                                  shared.blobPath(Records.blobId(r)).toString()))) {
                blob.transferTo(out);
              }
            },
            reason);
      } catch (RegularFiles.NotRegularFileException e) {
        // Not a blob at all: nothing to keep; the record is removed below.
      } catch (NoSuchFileException e) {
        // Replaced or removed meanwhile; the removal below then does nothing.
      }
    } else {
      quarantine.keep(
          namespace, key, out -> out.write(r, Records.HEADER, r.length - Records.HEADER), reason);
    }
    if (locked(() -> shared.withMap(m -> m.remove(k, r)))) {
      if (Records.valid(r)) {
        shared.control.add(-1, -Records.weight(k, r));
        discardBlob(r);
      }
    }
  }

  /**
   * Writes the namespace's name file once: whole under a temporary name, then renamed, so that a
   * listing never reads half of it.
   */
  private void nameNamespace(String namespace, byte[] k) throws IOException {
    if (named.contains(namespace)) {
      return;
    }
    Namespaces.writeNameFile(namePath(k), namespace);
    named.add(namespace);
  }

  private Path namePath(byte[] k) {
    return shared.root.resolve(NAMESPACES).resolve(HEX.formatHex(k, 0, DIGEST_BYTES) + ".name");
  }

  /**
   * Lists the namespaces that have a name file: every namespace this version of the store wrote.
   */
  @Override
  public Set<String> namespaces() throws IOException {
    checkOpen();
    Set<String> names = new HashSet<>();
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(shared.root.resolve(NAMESPACES), "*.name")) {
      for (Path f : files) {
        // Empty when deleted meanwhile.
        Namespaces.readNameFile(f)
            .filter(namespace -> namePath(key(namespace, Signature.of(new byte[1]))).equals(f))
            .ifPresent(names::add);
      }
    } catch (NoSuchFileException e) {
      // Nothing written yet.
    }
    return names;
  }

  /**
   * Lists the namespace's entries. The store orders entries by a logical clock, not by time, so
   * none has a last access time. The entries are collected first and the action runs outside the
   * map's locks, so it may remove entries.
   */
  @Override
  public void forEachEntry(String namespace, Consumer<? super StoreEntry> action)
      throws IOException {
    checkOpen();
    byte[] prefix = Arrays.copyOf(key(namespace, Signature.of(new byte[1])), DIGEST_BYTES);
    List<StoreEntry> entries = new ArrayList<>();
    locked(
        () ->
            shared.withMap(
                m -> {
                  entries
                      .clear(); // a map swapped by another process is listed again from the start
                  m.forEachEntry(
                      e -> {
                        byte[] k = e.key().get();
                        if (k.length <= DIGEST_BYTES
                            || !Arrays.equals(k, 0, DIGEST_BYTES, prefix, 0, DIGEST_BYTES)) {
                          return;
                        }
                        byte[] r = e.value().get();
                        if (!Records.valid(r)) {
                          return;
                        }
                        long size =
                            Records.isBlob(r) ? Records.blobLength(r) : r.length - Records.HEADER;
                        entries.add(
                            new StoreEntry(
                                Signature.of(Arrays.copyOfRange(k, DIGEST_BYTES, k.length)),
                                size,
                                Optional.empty()));
                      });
                  return null;
                }));
    entries.forEach(action);
  }

  /** Drops this store; the folder's map is closed when the last store on it in this JVM closes. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      shared.release();
    }
  }

  @Override
  public String toString() {
    return "ChronicleStore{root=" + shared.root + "}";
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new StoreException("chronicle store at " + shared.root + " is closed");
    }
  }

  /** Returns the map key of an entry: SHA-256 of the namespace's code units, then the signature. */
  static byte[] key(String namespace, Signature key) {
    byte[] digest = Namespaces.digest(namespace);
    byte[] signature = key.bytes();
    byte[] k = Arrays.copyOf(digest, digest.length + signature.length);
    System.arraycopy(signature, 0, k, digest.length, signature.length);
    return k;
  }

  @FunctionalInterface
  private interface MapCall<T> {
    T call();
  }

  /** Turns Chronicle's unchecked failures into the store's: I/O errors and explained lock waits. */
  private <T> T locked(MapCall<T> call) throws IOException {
    try {
      return call.call();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (InterProcessDeadLockException e) {
      throw new StoreException(
          "a lock in the chronicle store at "
              + shared.root
              + " was not released: a process that"
              + " still had the store open was probably killed while writing; the entry is"
              + " computed instead, and the store is recovered when the next process opens it"
              + " alone (stop every process using it, then start one)",
          e);
    }
  }

  private byte[] writeBlob(byte[] bytes, int length) throws IOException {
    Spill spill = new Spill();
    try {
      spill.spill();
      spill.file.write(bytes, 0, length);
      spill.total = length;
      spill.finish();
      return spill.publish();
    } catch (IOException | RuntimeException e) {
      spill.discard();
      throw e;
    }
  }

  private void discardBlob(byte[] record) {
    if (Records.valid(record) && Records.isBlob(record)) {
      shared.deleteBlob(Records.blobId(record));
    }
  }

  /**
   * Collects an entry's bytes in memory up to {@code max-inline-bytes}, then streams them to a
   * temporary file beside the blob it becomes, so a huge entry is never held whole. Closing it only
   * flushes: the store decides when the entry is complete.
   */
  private final class Spill extends OutputStream {
    byte @Nullable [] buffer = new byte[256];
    int count;
    long total;
    byte[] id;
    @Nullable Path temp;
    FileOutputStream file;
    private BufferedOutputStream out;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (out == null && (long) count + len > shared.options.maxInlineBytes()) {
        spill();
      }
      if (out != null) {
        out.write(b, off, len);
      } else {
        if (count + len > buffer.length) {
          buffer = Arrays.copyOf(buffer, Math.max(count + len, buffer.length * 2));
        }
        System.arraycopy(b, off, buffer, count, len);
        count += len;
      }
      total += len;
    }

    void spill() throws IOException {
      id = new byte[16];
      IDS.nextBytes(id);
      Path target = shared.blobPath(id);
      Files.createDirectories(target.getParent());
      temp = target.resolveSibling(target.getFileName() + ".tmp");
      file = new FileOutputStream(temp.toFile());
      out = new BufferedOutputStream(file, BUFFER_BYTES);
      out.write(buffer, 0, count);
      buffer = null;
    }

    @Override
    public void flush() throws IOException {
      if (out != null) {
        out.flush();
      }
    }

    @Override
    public void close() throws IOException {
      flush();
    }

    void finish() throws IOException {
      if (out != null) {
        out.flush();
        file.close();
      }
    }

    /** Moves the complete file to its blob name and returns its id. */
    byte[] publish() throws IOException {
      Files.move(temp, shared.blobPath(id), StandardCopyOption.ATOMIC_MOVE);
      temp = null;
      return id;
    }

    void discard() {
      try {
        if (file != null) {
          file.close();
        }
        if (temp != null) {
          Files.deleteIfExists(temp);
        }
      } catch (IOException e) {
        // Left for the next lone open to delete.
        shared.blobsUnchecked();
      }
    }
  }
}
