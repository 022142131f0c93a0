package dev.memo.core.store;

import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.core.config.LazyLogger;
import dev.memo.spi.Store;
import dev.memo.spi.StoreEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;

/**
 * Stores in layers, nearest first, as a build cache puts a local cache before a remote one: {@code
 * directory} in front of {@code redis}, say.
 *
 * <ul>
 *   <li><b>get</b> asks the layers in order; a hit in a farther layer is copied into each nearer
 *       one (streamed, layer to layer, each put atomic) and then read from the nearest. A hit in
 *       the nearest layer costs that layer's get and nothing else.
 *   <li><b>put</b> writes through to every layer: the writer's bytes go to the nearest layer that
 *       takes them, and are copied from there to the farther ones.
 *   <li><b>claim</b> is taken in the farthest layer that coordinates computations (the one every
 *       process shares); a layer that fails to claim passes the question to the next nearer one.
 *   <li><b>remove</b>, <b>quarantine</b> and <b>clear</b> act on every layer; <b>listing</b> joins
 *       the layers that can list.
 * </ul>
 *
 * <p>A layer that fails (Redis away) costs no call: a get goes on to the next layer, a put is kept
 * by the others, and the failure is logged once until the layer answers again. Only when every
 * layer fails does a call fail. The writer's own failure is never taken for a layer's: it ends the
 * put at once, leaving no entry in any layer.
 *
 * <p>The tiered store owns its layers and closes them. Thread-safe when its layers are.
 */
final class TieredStore implements Store {
  private static final System.Logger LOG = LazyLogger.of(TieredStore.class.getName());

  private final List<Store> layers;

  /** 1 while a layer is failing: its failures are logged once, then at DEBUG until it answers. */
  private final AtomicIntegerArray failing;

  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates a store over layers.
   *
   * @param layers the layers, nearest first, at least one; owned by this store from now on
   */
  TieredStore(List<Store> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("a tiered store needs at least one layer");
    }
    this.layers = List.copyOf(layers);
    this.failing = new AtomicIntegerArray(layers.size());
  }

  @Override
  public String name() {
    return TieredStoreProvider.NAME;
  }

  /**
   * Returns the folder of the nearest layer that has one: memo keeps its own files (the walked code
   * of each function) on the local disk, in front of a remote layer.
   */
  @Override
  public Optional<Path> folder() {
    for (Store layer : layers) {
      Optional<Path> folder = layer.folder();
      if (folder.isPresent()) {
        return folder;
      }
    }
    return Optional.empty();
  }

  /** Returns the layers, nearest first. */
  List<Store> layers() {
    return layers;
  }

  // ---------------------------------------------------------------- get

  @Override
  public Optional<InputStream> get(String namespace, Signature key) throws IOException {
    checkOpen();
    IOException failure = null;
    boolean answered = false;
    for (int i = 0; i < layers.size(); i++) {
      Optional<InputStream> found;
      try {
        found = layers.get(i).get(namespace, key);
      } catch (IOException e) {
        failure = layerFailed(i, "read", e, failure);
        continue;
      }
      answered(i);
      answered = true;
      if (found.isPresent()) {
        return i == 0 ? found : promote(i, namespace, key, found.get());
      }
    }
    if (!answered && failure != null) {
      throw failure;
    }
    return Optional.empty();
  }

  /**
   * Copies an entry found in layer {@code found} into each nearer layer, farthest first, and
   * returns it from the nearest that took it (or from where it was found, if none did).
   */
  private Optional<InputStream> promote(int found, String namespace, Signature key, InputStream in)
      throws IOException {
    int nearest = found;
    InputStream from = in;
    for (int j = found - 1; j >= 0; j--) {
      InputStream source = from;
      try (source) {
        layers.get(j).put(namespace, key, out -> source.transferTo(out));
        answered(j);
      } catch (IOException | RuntimeException e) {
        checkOpen();
        String layer = layers.get(j).name();
        LOG.log(
            Level.DEBUG,
            () ->
                "cannot copy entry "
                    + key
                    + " of \""
                    + namespace
                    + "\" into layer "
                    + layer
                    + ": "
                    + e);
        break;
      }
      nearest = j;
      if (j > 0) {
        Optional<InputStream> next = getQuietly(j, namespace, key);
        if (next.isEmpty()) {
          break;
        }
        from = next.get();
      }
    }
    for (int j = nearest; j <= found; j++) {
      Optional<InputStream> result = getQuietly(j, namespace, key);
      if (result.isPresent()) {
        return result;
      }
    }
    return Optional.empty();
  }

  private Optional<InputStream> getQuietly(int layer, String namespace, Signature key) {
    try {
      return layers.get(layer).get(namespace, key);
    } catch (IOException e) {
      layerFailed(layer, "read", e, null);
      return Optional.empty();
    }
  }

  // ---------------------------------------------------------------- put

  /**
   * Writes the entry to the nearest layer that takes it, then copies it from there to each farther
   * layer.
   *
   * @throws IOException if no layer took the entry, or the writer failed
   */
  @Override
  public void put(String namespace, Signature key, EntryWriter writer) throws IOException {
    checkOpen();
    int written = -1;
    IOException failure = null;
    for (int i = 0; i < layers.size() && written < 0; i++) {
      TrackedWriter tracked = new TrackedWriter(writer);
      try {
        layers.get(i).put(namespace, key, tracked);
        answered(i);
        written = i;
      } catch (IOException | RuntimeException e) {
        if (tracked.writerFailed(e)) {
          throw e; // the writer's own failure: no layer would fare better
        }
        checkOpen();
        failure = layerFailed(i, "write", asIo(e), failure);
      }
    }
    if (written < 0) {
      throw failure;
    }
    for (int j = written + 1; j < layers.size(); j++) {
      Optional<InputStream> source = getQuietly(written, namespace, key);
      if (source.isEmpty()) {
        return; // removed or replaced meanwhile: that caller's put writes through itself
      }
      try (InputStream in = source.get()) {
        layers.get(j).put(namespace, key, out -> in.transferTo(out));
        answered(j);
      } catch (IOException | RuntimeException e) {
        checkOpen();
        layerFailed(j, "write", asIo(e), null);
      }
    }
  }

  /**
   * Hands the writer a stream that remembers the layer's own failures, so that a failure coming out
   * of the writer can be told apart: the layer's (full, unreachable) or the writer's (a serde).
   */
  private static final class TrackedWriter implements EntryWriter {
    private final EntryWriter writer;
    private Throwable layerFailure;
    private Throwable writerThrew;

    TrackedWriter(EntryWriter writer) {
      this.writer = writer;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
      try {
        writer.writeTo(layerStream(out));
      } catch (IOException | RuntimeException | Error e) {
        writerThrew = e;
        throw e;
      }
    }

    private OutputStream layerStream(OutputStream out) {
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          try {
            out.write(b);
          } catch (IOException | RuntimeException e) {
            layerFailure = e;
            throw e;
          }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          try {
            out.write(b, off, len);
          } catch (IOException | RuntimeException e) {
            layerFailure = e;
            throw e;
          }
        }

        @Override
        public void flush() throws IOException {
          try {
            out.flush();
          } catch (IOException | RuntimeException e) {
            layerFailure = e;
            throw e;
          }
        }

        @Override
        public void close() throws IOException {
          flush();
        }
      };
    }

    /** Returns whether a put's failure came from the writer itself rather than the layer. */
    boolean writerFailed(Throwable thrown) {
      return writerThrew != null
          && causedBy(thrown, writerThrew)
          && (layerFailure == null || !causedBy(writerThrew, layerFailure));
    }
  }

  private static boolean causedBy(Throwable thrown, Throwable cause) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t == cause) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- remove, quarantine

  @Override
  public boolean remove(String namespace, Signature key) throws IOException {
    checkOpen();
    boolean removed = false;
    IOException failure = null;
    for (int i = 0; i < layers.size(); i++) {
      try {
        removed |= layers.get(i).remove(namespace, key);
        answered(i);
      } catch (IOException e) {
        failure = layerFailed(i, "remove", e, failure);
      }
    }
    if (failure != null) {
      throw failure; // a layer may still hold the entry
    }
    return removed;
  }

  @Override
  public void quarantine(String namespace, Signature key, String reason) throws IOException {
    checkOpen();
    IOException failure = null;
    for (int i = 0; i < layers.size(); i++) {
      try {
        layers.get(i).quarantine(namespace, key, reason);
        answered(i);
      } catch (IOException e) {
        failure = layerFailed(i, "quarantine", e, failure);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  // ---------------------------------------------------------------- claim

  /**
   * Claims in the farthest layer that coordinates computations; a layer that fails passes to the
   * next nearer one.
   *
   * @return the claim, or empty when no layer coordinates computations
   * @throws IOException if every layer that was asked failed
   */
  /**
   * Lists when any layer lists (the union of theirs) and coordinates processes when any layer does
   * (through the farthest that does). It does not prune: prune its layers one by one.
   */
  @Override
  public Set<Capability> capabilities() {
    Set<Capability> all = EnumSet.noneOf(Capability.class);
    for (Store layer : layers) {
      Set<Capability> theirs = layer.capabilities();
      if (theirs.contains(Capability.LISTING)) {
        all.add(Capability.LISTING);
      }
      if (theirs.contains(Capability.CLAIMS)) {
        all.add(Capability.CLAIMS);
      }
    }
    return all;
  }

  @Override
  public Optional<Claim> claim(String namespace, Signature key) throws IOException {
    checkOpen();
    IOException failure = null;
    for (int i = layers.size() - 1; i >= 0; i--) {
      try {
        Optional<Claim> claim = layers.get(i).claim(namespace, key);
        answered(i);
        if (claim.isPresent()) {
          return claim;
        }
      } catch (IOException e) {
        failure = layerFailed(i, "claim", e, failure);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- listing

  /**
   * Joins the namespaces of the layers that can list them.
   *
   * @throws UnsupportedOperationException if no layer can
   */
  @Override
  public Set<String> namespaces() throws IOException {
    checkOpen();
    Set<String> names = new HashSet<>();
    boolean listed = false;
    for (Store layer : layers) {
      try {
        names.addAll(layer.namespaces());
        listed = true;
      } catch (UnsupportedOperationException e) {
        // this layer cannot list
      }
    }
    if (!listed) {
      throw new UnsupportedOperationException(
          "no layer of the tiered store " + layerNames() + " can list its namespaces");
    }
    return names;
  }

  /**
   * Joins the entries of the layers that can list them: each key once, with the size the nearest
   * layer gives and the latest last access any layer gives.
   *
   * @throws UnsupportedOperationException if no layer can
   */
  @Override
  public void forEachEntry(String namespace, Consumer<? super StoreEntry> action)
      throws IOException {
    checkOpen();
    Map<Signature, StoreEntry> entries = new LinkedHashMap<>();
    boolean listed = false;
    for (Store layer : layers) {
      try {
        layer.forEachEntry(namespace, e -> entries.merge(e.key(), e, TieredStore::merge));
        listed = true;
      } catch (UnsupportedOperationException e) {
        // this layer cannot list
      }
    }
    if (!listed) {
      throw new UnsupportedOperationException(
          "no layer of the tiered store " + layerNames() + " can list its entries");
    }
    new ArrayList<>(entries.values()).forEach(action);
  }

  private static StoreEntry merge(StoreEntry near, StoreEntry far) {
    Optional<Instant> access = near.lastAccess();
    if (far.lastAccess().isPresent()
        && (access.isEmpty() || far.lastAccess().get().isAfter(access.get()))) {
      access = far.lastAccess();
    }
    return new StoreEntry(near.key(), near.size(), access);
  }

  /**
   * Clears the namespace in every layer that can list it.
   *
   * @return the most entries one layer removed: with write-through, the farthest holds them all
   */
  @Override
  public long clear(String namespace) throws IOException {
    checkOpen();
    long removed = 0;
    boolean cleared = false;
    for (Store layer : layers) {
      try {
        removed = Math.max(removed, layer.clear(namespace));
        cleared = true;
      } catch (UnsupportedOperationException e) {
        // this layer cannot list
      }
    }
    if (!cleared) {
      throw new UnsupportedOperationException(
          "no layer of the tiered store " + layerNames() + " can list its entries");
    }
    return removed;
  }

  // ---------------------------------------------------------------- failures, lifecycle

  /** Logs a layer's failure once until it answers again; returns the first failure. */
  private IOException layerFailed(int layer, String what, IOException e, IOException first) {
    if (failing.compareAndSet(layer, 0, 1)) {
      LOG.log(
          Level.WARNING,
          "layer "
              + layers.get(layer).name()
              + " of the tiered store cannot "
              + what
              + " ("
              + e
              + "); the other layers serve meanwhile (logged once until it answers"
              + " again)");
    } else {
      LOG.log(
          Level.DEBUG, () -> "layer " + layers.get(layer).name() + " cannot " + what + ": " + e);
    }
    return first == null ? e : first;
  }

  private void answered(int layer) {
    if (failing.get(layer) == 1 && failing.compareAndSet(layer, 1, 0)) {
      LOG.log(
          Level.INFO,
          "layer " + layers.get(layer).name() + " of the tiered store answers" + " again");
    }
  }

  private static IOException asIo(Exception e) {
    return e instanceof IOException io ? io : new IOException(e.getMessage(), e);
  }

  private String layerNames() {
    List<String> names = new ArrayList<>();
    layers.forEach(l -> names.add(l.name()));
    return String.join(",", names);
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new StoreException("tiered store " + layerNames() + " is closed");
    }
  }

  /** Closes every layer; closing twice is fine. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    RuntimeException failure = null;
    for (Store layer : layers) {
      try {
        layer.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "TieredStore{layers=" + layers + "}";
  }
}
