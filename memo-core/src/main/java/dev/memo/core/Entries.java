package dev.memo.core;

import dev.memo.MemoConfig;
import dev.memo.MemoException;
import dev.memo.SerdeException;
import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.core.config.ProviderSelector;
import dev.memo.core.entry.CorruptEntryException;
import dev.memo.core.entry.CountingOutputStream;
import dev.memo.core.entry.EntryFormat;
import dev.memo.core.entry.EntryIntegrity;
import dev.memo.core.entry.EntryReader;
import dev.memo.core.entry.OutdatedEntryException;
import dev.memo.core.store.DirectoryMaintenance;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;
import dev.memo.spi.Store;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The entries of one memoizer's calls in their route's store: loading one (read through the one
 * {@link EntryReader}, with the serde its header names), saving one (with its header and, with an
 * integrity key, its tag), checking that one is there and usable. Every entry's header names the
 * namespace and key it was written under, and one read from any other place is broken. A broken
 * entry is counted, quarantined and reported as {@link Lookup#BROKEN}; an entry of an older format
 * that names no key is a plain {@link Lookup#MISS}, rewritten by the call; a store that fails costs
 * a warning, never the call. Thread-safe.
 */
final class Entries {
  private final Serde serde;
  private final String signerName;
  private final MemoConfig config;
  private final EntryIntegrity integrity;
  private final EntryReader reader;
  private final ProviderSelector<SerdeProvider, Serde> serdes;
  private final Map<String, Optional<Serde>> readSerdes = new ConcurrentHashMap<>();
  private final Warnings warnings;
  private final Explainer explainer;
  private final WriteBehind writer;

  /** Functions whose latest entry was too large to wait: their next is written as it is made. */
  private final java.util.Set<String> largeEntries = ConcurrentHashMap.newKeySet();

  Entries(
      Serde serde,
      String signerName,
      MemoConfig config,
      EntryIntegrity integrity,
      ProviderSelector<SerdeProvider, Serde> serdes,
      Warnings warnings,
      Explainer explainer,
      WriteBehind writer) {
    this.serde = serde;
    this.signerName = signerName;
    this.config = config;
    this.integrity = integrity;
    this.reader = EntryReader.forSigner(integrity, signerName);
    this.serdes = serdes;
    this.warnings = warnings;
    this.explainer = explainer;
    this.writer = writer;
  }

  /**
   * Looks for the entry of a call in its route's store (the policy's, or the thread's storingIn).
   * Every look counts in the reading of the call's flight recorder event, the looks again before
   * computing as well as the first.
   */
  Lookup load(Handle h, Route route, CallKey call) {
    long reading = CallEvents.mark();
    try {
      return find(h, route, call);
    } finally {
      CallEvents.read(reading);
    }
  }

  private Lookup find(Handle h, Route route, CallKey call) {
    Signature key = call.key;
    Store store = route.store;
    Optional<InputStream> found;
    try {
      found = waiting(store, h.id, key);
      if (found.isEmpty()) {
        found = store.get(h.id, key);
      }
    } catch (IOException | RuntimeException e) {
      h.counters.loadFailure();
      warnings.once(
          "read:" + h.id + ":" + e.getClass().getName(),
          "cannot read entry "
              + key
              + " of \""
              + h.id
              + "\" from the "
              + store.name()
              + " store; computing it instead",
          e);
      return Lookup.BROKEN;
    }
    if (found.isEmpty()) {
      return Lookup.MISS;
    }
    // With a key, the whole entry is verified before any of it reaches a serde.
    try (EntryReader.Reading entry = reader.open(found.get(), h.id, key)) {
      EntryFormat.Header header = entry.header();
      long created = created(header);
      if (route.expired(created)) {
        return Lookup.MISS; // older than the policy's time to live: computed again and replaced
      }
      Optional<Serde> reading = serdeNamed(header.serde());
      if (reading.isEmpty()) {
        h.counters.loadFailure();
        warnings.once(
            "serde:" + header.serde(),
            "entry "
                + key
                + " of \""
                + h.id
                + "\" was written by serde \""
                + header.serde()
                + "\", which is not on the class path (available: "
                + String.join(", ", serdes.names())
                + "); computing it instead",
            null);
        return Lookup.BROKEN;
      }
      Object value;
      long deserializing = CallEvents.mark();
      try {
        value = reading.get().read(entry.payload());
      } catch (OutOfMemoryError | StackOverflowError e) {
        // Only the serde's read is guarded, never the user's function: a payload that declares
        // more than the heap can give, or nests deeper than the stack goes, is a broken entry,
        // counted, quarantined and recomputed, not the caller's failure.
        throw new SerdeException(
            "serde \""
                + header.serde()
                + "\" ran out of "
                + (e instanceof OutOfMemoryError ? "memory" : "stack")
                + " reading the entry ("
                + e
                + ")",
            e);
      }
      CallEvents.deserialized(deserializing);
      long bytes = entry.finish();
      h.counters.hit(bytes);
      return new Lookup.Hit(value, bytes, created);
    } catch (OutdatedEntryException e) {
      return Lookup.MISS; // an older format that names no key: computed again and rewritten
    } catch (CorruptEntryException | SerdeException e) {
      broken(h, store, key, e);
      return Lookup.BROKEN;
    } catch (IOException e) {
      h.counters.loadFailure();
      warnings.once(
          "read:" + h.id + ":" + e.getClass().getName(),
          "cannot read entry " + key + " of \"" + h.id + "\"; computing it instead",
          e);
      return Lookup.BROKEN;
    } catch (MemoException e) {
      // The serde cannot read here (its native library does not load on this machine): the entry
      // may be good for every other process of a shared store, so it is left in place.
      h.counters.loadFailure();
      warnings.once(
          "serde-failure:" + h.id + ":" + e.getClass().getName(),
          "cannot read entry "
              + key
              + " of \""
              + h.id
              + "\" ("
              + e.getMessage()
              + "); computing it"
              + " instead and leaving the entry in place",
          e);
      return Lookup.BROKEN;
    } catch (RuntimeException e) {
      // A serde that breaks its contract must not turn a broken entry into a crash.
      broken(h, store, key, e);
      return Lookup.BROKEN;
    }
  }

  /**
   * The entry of a key that waits to be published, read as the store will hold it; empty when none
   * waits (then it is in the store, if anywhere: a waiting entry leaves the pending map only once
   * it is published).
   */
  private Optional<InputStream> waiting(Store store, String namespace, Signature key) {
    PendingEntries pending = writer.entries();
    PendingEntries.Pending p = pending == null ? null : pending.find(store, namespace, key);
    return p == null
        ? Optional.empty()
        : Optional.of(new ByteArrayInputStream(p.bytes, 0, p.length));
  }

  private static long created(EntryFormat.Header header) {
    String created = header.metadata("created");
    try {
      return created == null ? -1 : Long.parseLong(created);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Stores a computed result as the call's entry, then records it for explain; a store that cannot
   * write costs a warning. The entry is written on this thread (the result may change once the call
   * returns); with write-behind on, it is published by the memoizer's writer ({@link WriteBehind})
   * and found meanwhile by {@link #load}, unless {@code behind} is false (a claim is held, which
   * must not be released before the entry is published), the store publishes on the caller's thread
   * ({@link DirectoryMaintenance#writesBehind}), the entry is larger than an eighth of the bound,
   * or the entries waiting are at their bound. Its bytes are counted as written when it is taken,
   * and taken back if its publication fails.
   *
   * @param behind whether the entry may be published behind the call
   * @return the result with the size of the entry written (0 if none was) and its creation time
   */
  Lookup.Hit save(
      Handle h,
      Route route,
      @Nullable Object[] args,
      CallKey call,
      Object result,
      long nanos,
      boolean behind) {
    Store store = route.store;
    Serde serde = route.serde;
    Signature key = call.key;
    long created = System.currentTimeMillis();
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("function", h.id);
    metadata.put("signature.function", h.idPart.hex());
    metadata.put("signature.code", h.codePart.hex());
    metadata.put("signature.environment", call.environment().hex());
    metadata.put("signature.arguments", call.arguments().hex());
    metadata.put("created", Long.toString(created));
    metadata.put("compute-nanos", Long.toString(nanos));
    integrity.annotate(metadata);
    EntryFormat.Header header =
        new EntryFormat.Header(serde.name(), signerName, h.id, key, metadata);
    Store.EntryWriter entry =
        out -> {
          EntryIntegrity.Signing signing = integrity.signing(out, h.id, key);
          EntryFormat.writeHeader(header, metadata, signing);
          EntryFormat.PayloadOutputStream payload = EntryFormat.payloadOutput(signing);
          serde.write(result, payload);
          payload.close();
          signing.finish();
        };
    PendingEntries pending = writer.entries();
    long written;
    try {
      if (pending != null
          && behind
          && !largeEntries.contains(h.id)
          && DirectoryMaintenance.writesBehind(store)) {
        written = writeBehind(h, store, key, entry, pending);
      } else {
        written = writeNow(h, store, key, entry, pending);
      }
    } catch (IOException | RuntimeException e) {
      h.counters.storeFailure();
      warnings.once("write:" + h.id + ":" + e.getClass().getName(), cannotStore(h, store), e);
      return new Lookup.Hit(result, 0, created);
    }
    h.counters.written(written);
    explainer.record(h, route, call);
    return new Lookup.Hit(result, written, created);
  }

  /** Writes an entry into memory and has the writer publish it, or publishes it if not taken. */
  private long writeBehind(
      Handle h, Store store, Signature key, Store.EntryWriter entry, PendingEntries pending)
      throws IOException {
    PendingEntries.EntryBuffer buffer = new PendingEntries.EntryBuffer(pending.maxEntryBytes());
    try {
      entry.writeTo(buffer);
    } catch (IOException | RuntimeException e) {
      if (!buffer.overflowed()) {
        throw e;
      }
      // Too large to wait: written again as it is made, and so are the function's next ones until
      // one is small again (writing a large entry twice would cost more than it saves).
      largeEntries.add(h.id);
      return writeNow(h, store, key, entry, pending);
    }
    PendingEntries.Pending p =
        new PendingEntries.Pending(
            new EntryAddress(store, h.id, key), buffer.bytes(), buffer.size(), h);
    if (!writer.offer(p)) {
      pending.drop(store, h.id, key);
      store.put(h.id, key, out -> out.write(p.bytes, 0, p.length));
    }
    return p.length;
  }

  /** Publishes an entry on this thread, as it is made. */
  private long writeNow(
      Handle h,
      Store store,
      Signature key,
      Store.EntryWriter entry,
      @Nullable PendingEntries pending)
      throws IOException {
    if (pending != null) {
      // An older entry of the key still waiting must not be published over this one.
      pending.drop(store, h.id, key);
    }
    long[] written = new long[1];
    store.put(
        h.id,
        key,
        out -> {
          CountingOutputStream counted = new CountingOutputStream(out);
          entry.writeTo(counted);
          written[0] = counted.count();
        });
    if (pending != null && written[0] <= pending.maxEntryBytes() && !largeEntries.isEmpty()) {
      largeEntries.remove(h.id);
    }
    return written[0];
  }

  /**
   * Publishes an entry that waited, on the writer's thread (or the closing one). A failure is
   * counted and warned of as on the caller's thread, and its bytes are no longer counted as
   * written: the caller had its result, only the entry is lost.
   */
  void publish(PendingEntries.Pending p) {
    Handle h = p.handle;
    Store store = p.key.store;
    try {
      store.put(h.id, p.key.signature, out -> out.write(p.bytes, 0, p.length));
    } catch (IOException | RuntimeException e) {
      h.counters.storeFailure();
      h.counters.unwritten(p.length);
      warnings.once("write:" + h.id + ":" + e.getClass().getName(), cannotStore(h, store), e);
    }
  }

  private static String cannotStore(Handle h, Store store) {
    return "cannot store the result of \""
        + h.id
        + "\" in the "
        + store.name()
        + " store; it was returned but will be computed again next time";
  }

  /**
   * Whether the route's store holds an entry a call would use: whole and intact, written by a serde
   * on the class path, and not older than the policy's time to live (the same checks as {@link
   * #load}). A broken entry is quarantined and is not there. The entry is only peeked at ({@link
   * Store#peek}): checking is not a use, so it does not keep the entry from eviction.
   *
   * @throws StoreException if the store cannot be read
   */
  boolean contains(Handle h, Route route, Signature key) {
    Store store = route.store;
    Optional<InputStream> found;
    try {
      found = waiting(store, h.id, key);
      if (found.isEmpty()) {
        found = store.peek(h.id, key);
      }
    } catch (IOException e) {
      throw new StoreException(
          "cannot read the "
              + store.name()
              + " store to check for a call of \""
              + h.id
              + "\": "
              + e
              + "; check that the store is readable",
          e);
    }
    if (found.isEmpty()) {
      return false;
    }
    try {
      EntryFormat.Header header = reader.check(found.get(), h.id, key);
      // An entry whose serde is missing, or that has expired, would be recomputed by a call: it is
      // not usable.
      return !route.expired(created(header)) && serdeNamed(header.serde()).isPresent();
    } catch (OutdatedEntryException e) {
      return false; // a call computes it again and rewrites it
    } catch (CorruptEntryException e) {
      broken(h, store, key, e);
      return false;
    } catch (IOException e) {
      throw new StoreException(
          "cannot read entry "
              + key
              + " of \""
              + h.id
              + "\" from the "
              + store.name()
              + " store: "
              + e
              + "; check that the store is readable",
          e);
    }
  }

  private void broken(Handle h, Store store, Signature key, Exception e) {
    h.counters.loadFailure();
    String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
    Warnings.LOG.log(
        Level.WARNING,
        "entry {0} of \"{1}\" is unreadable ({2}); quarantined, computing it again",
        key,
        h.id,
        reason);
    try {
      store.quarantine(h.id, key, reason);
    } catch (IOException | RuntimeException q) {
      warnings.once(
          "quarantine:" + h.id, "cannot quarantine entry " + key + " of \"" + h.id + "\"", q);
    }
  }

  private Optional<Serde> serdeNamed(String name) {
    if (name.equals(serde.name())) {
      return Optional.of(serde);
    }
    return readSerdes.computeIfAbsent(name, n -> serdes.find(n).map(p -> serdes.create(p, config)));
  }
}
