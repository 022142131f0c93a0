package dev.memo.core;

import dev.memo.Explanation;
import dev.memo.Signature;
import dev.memo.core.entry.CorruptEntryException;
import dev.memo.core.entry.EntryFormat;
import dev.memo.core.entry.EntryIntegrity;
import dev.memo.core.entry.EntryReader;
import dev.memo.core.entry.MissReasons;
import dev.memo.core.sign.CanonicalEncoder;
import dev.memo.spi.Store;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What {@code explain} compares a call with: for each function, a record of its most recent entry
 * (its part signatures, and a digest of each captured variable, static field and argument); for
 * each code signature, its manifest (each reached method and jar with its hash).
 *
 * <p>Why records rather than listing the store: explaining a miss needs the most recent entry of
 * the function. A listing method on the {@code Store} SPI would have to be implemented by every
 * store, and explain would then read the header of every entry of the function to find the newest.
 * A record is one small write per miss, in a namespace of memo's own ({@value #NAMESPACE}, whose
 * control character no function name can contain), found with one read. The manifest, which can
 * list hundreds of methods, is written once per code signature per memoizer, not into every entry
 * header. Records are written only after their entry was stored, and a record that cannot be read
 * explains nothing rather than failing a call.
 *
 * <p>Records are written behind the call ({@link WriteBehind}): a miss only notes the latest record
 * of its function here (at most {@value #MAX_PENDING} functions wait; beyond, a record is dropped),
 * so that it publishes one file, its entry, on the caller's thread. {@code explain} reads a record
 * still waiting here before the store's. A failed write costs a warning.
 *
 * <p>Records are ordinary entries with an empty payload: their metadata is the content, their
 * header names the serde {@value #SERDE}. They are written and read by the same rules as entries
 * (their key in the header; with an integrity key, a tag), through the one {@link EntryReader}, so
 * that {@code StoreAdmin.verify} accepts exactly the records memo reads. Thread-safe.
 */
final class MissRecords {
  /** The namespace of the records. */
  static final String NAMESPACE = MissReasons.NAMESPACE;

  /**
   * How a record's environment and arguments parts are formed, recorded with them: digests over the
   * items' digests ({@link CallKeys}). Records written before it have parts of another formula.
   */
  static final String PARTS = "items/1";

  /** The serde name in a record's header. */
  static final String SERDE = MissReasons.SERDE;

  /** Most manifest items kept: the header's pair count is an unsigned short. */
  private static final int MAX_PAIRS = 60_000;

  /** Most records waiting to be written: one per function, plus manifests. */
  static final int MAX_PENDING = 1_000;

  private final Store store;
  private final String signerName;
  private final ThreadLocal<CanonicalEncoder> encoders;
  private final EntryIntegrity integrity;
  private final EntryReader reader;
  private final Set<Signature> manifestsWritten = ConcurrentHashMap.newKeySet();
  private final WriteBehind writer;

  /** Records not yet written, by key, oldest first; guarded by itself. */
  private final Map<Signature, Pending> pending = new LinkedHashMap<>();

  /** Held while records are written, so that two writers never race on one record. */
  private final Object flushing = new Object();

  /** A record waiting to be written: its content, and for a manifest its code signature. */
  private record Pending(
      String id, Supplier<Map<String, String>> content, @Nullable Signature code) {}

  MissRecords(
      Store store,
      String signerName,
      ThreadLocal<CanonicalEncoder> encoders,
      EntryIntegrity integrity,
      WriteBehind writer) {
    this.store = store;
    this.signerName = signerName;
    this.encoders = encoders;
    this.integrity = integrity;
    this.reader = EntryReader.forSigner(integrity, signerName);
    this.writer = writer;
  }

  /**
   * Records an entry as its function's most recent, with why it missed (compared with the record it
   * replaces, written or still waiting, in {@link MissReasons}' format, for {@code memo why}), and
   * its code's manifest if this memoizer has not yet: noted here and written behind the call. The
   * reason is worked out when the record is written (or first read), not on the caller's thread: it
   * compares digests taken at the call, so when it is worked out does not change it, except that a
   * record written by another process meanwhile may be the one it is compared with.
   *
   * @param items the digest of each environment item and argument, taken on the caller's thread
   *     (arguments may change once the call returns)
   */
  void write(
      String id,
      Signature latestKey,
      Signature code,
      Supplier<Map<String, String>> manifest,
      Signature env,
      Signature args,
      Map<String, String> items) {
    Basis basis = new Basis(id, System.currentTimeMillis(), code, env, args, items);
    synchronized (pending) {
      if (manifestsWritten.add(code)) {
        add(manifestKey(code.hex()), new Pending(id, manifest, code));
      }
      // The record this one replaces, if it still waits: the miss differed from it, not from the
      // store's. Only its basis is kept, so that records waiting on a slow store never chain.
      Pending replaced = pending.get(latestKey);
      Basis previous = replaced != null && replaced.content() instanceof Latest l ? l.basis : null;
      add(latestKey, new Pending(id, new Latest(latestKey, basis, manifest, previous), null));
    }
    writer.schedule(this);
  }

  /** What a function's latest record says of its entry, taken on the caller's thread. */
  private record Basis(
      String id,
      long created,
      Signature code,
      Signature env,
      Signature args,
      Map<String, String> items) {
    /** The record's content without the reason of its miss. */
    Map<String, String> content() {
      Map<String, String> latest = new LinkedHashMap<>();
      latest.put("function", id);
      latest.put("created", Long.toString(created));
      latest.put("signature.code", code.hex());
      latest.put("signature.environment", env.hex());
      latest.put("signature.arguments", args.hex());
      latest.put("signature.parts", PARTS);
      latest.putAll(items);
      return latest;
    }
  }

  /**
   * A function's latest record: its basis, and the reason of its miss, worked out once, when it is
   * first asked for (by the writer, or by explain while it waits).
   */
  private final class Latest implements Supplier<Map<String, String>> {
    private final Signature latestKey;
    final Basis basis;
    private final Supplier<Map<String, String>> manifest;
    private final @Nullable Basis previous;
    private @Nullable Map<String, String> content;

    Latest(
        Signature latestKey,
        Basis basis,
        Supplier<Map<String, String>> manifest,
        @Nullable Basis previous) {
      this.latestKey = latestKey;
      this.basis = basis;
      this.manifest = manifest;
      this.previous = previous;
    }

    @Override
    public synchronized Map<String, String> get() {
      if (content == null) {
        Map<String, String> reason;
        try {
          Optional<Map<String, String>> before =
              previous != null ? Optional.of(previous.content()) : readStored(latestKey);
          reason =
              MissReasons.encode(
                  compare(
                      before,
                      basis.id(),
                      basis.code(),
                      manifest,
                      basis.env(),
                      basis.args(),
                      basis::items));
        } catch (IOException | RuntimeException e) {
          reason = Map.of(); // the record then keeps no reason, which memo why reports as such
        }
        Map<String, String> latest = basis.content();
        latest.putAll(reason);
        content = Collections.unmodifiableMap(latest);
      }
      return content;
    }
  }

  private void add(Signature key, Pending p) {
    if (pending.size() < MAX_PENDING || pending.containsKey(key)) {
      pending.remove(key); // re-added last: a function's newest record is written after the others
      pending.put(key, p);
    } else if (p.code() != null) {
      manifestsWritten.remove(p.code()); // dropped: the next miss of this code tries again
    }
  }

  /** Writes the records waiting here; a failed write costs a warning. */
  void flush() {
    synchronized (flushing) {
      List<Map.Entry<Signature, Pending>> waiting;
      synchronized (pending) {
        waiting = new ArrayList<>(pending.entrySet());
      }
      for (Map.Entry<Signature, Pending> e : waiting) {
        Pending p = e.getValue();
        try {
          Map<String, String> content = p.content().get();
          if (content.size() <= MAX_PAIRS) {
            writeRecord(e.getKey(), content);
          }
        } catch (IOException | RuntimeException failure) {
          if (p.code() != null) {
            manifestsWritten.remove(p.code());
          }
          // A record is a hint, written behind the call: when the store cannot take it (a full
          // disk), the entry's own write has already warned, so this only reaches DEBUG.
          Warnings.LOG.log(
              System.Logger.Level.DEBUG,
              "cannot record the latest entry of \""
                  + p.id()
                  + "\" in the "
                  + store.name()
                  + " store; explain will compare its next miss with an older entry: "
                  + failure);
        }
        synchronized (pending) {
          pending.remove(e.getKey(), p); // unless a newer record came meanwhile
        }
      }
    }
  }

  /** Forgets the function's latest record, written or waiting. */
  void forget(Signature latestKey) throws IOException {
    synchronized (flushing) {
      synchronized (pending) {
        pending.remove(latestKey);
      }
      store.remove(NAMESPACE, latestKey);
    }
  }

  /** Explains a miss by comparing the call's parts and items with the function's latest record. */
  Explanation explain(
      String id,
      Signature latestKey,
      Signature code,
      Supplier<Map<String, String>> manifest,
      Signature env,
      Signature args,
      Supplier<Map<String, String>> items)
      throws IOException {
    return compare(readRecord(latestKey), id, code, manifest, env, args, items);
  }

  /**
   * Explains a miss by comparing the call's parts and items with a latest record, if any. A record
   * whose parts were formed otherwise (before {@link #PARTS}) is compared item by item only: its
   * parts differ from the call's even where nothing it depends on changed.
   */
  Explanation compare(
      Optional<Map<String, String>> found,
      String id,
      Signature code,
      Supplier<Map<String, String>> manifest,
      Signature env,
      Signature args,
      Supplier<Map<String, String>> items)
      throws IOException {
    if (found.isEmpty()) {
      return Explanation.firstMiss(id);
    }
    Map<String, String> latest = found.get();
    List<String> codeChanges = new ArrayList<>();
    String oldCode = latest.getOrDefault("signature.code", "");
    if (!oldCode.equals(code.hex())) {
      Optional<Map<String, String>> oldManifest =
          oldCode.isEmpty() ? Optional.empty() : readRecord(manifestKey(oldCode));
      if (oldManifest.isEmpty()) {
        codeChanges.add("code not recorded (the earlier code's manifest is not in the store)");
      } else {
        codeChanges.addAll(differences(oldManifest.get(), manifest.get(), ""));
      }
    }
    Map<String, String> now = null;
    boolean sameParts = PARTS.equals(latest.get("signature.parts"));
    List<String> environment = new ArrayList<>();
    if (!sameParts || !env.hex().equals(latest.get("signature.environment"))) {
      now = items.get();
      environment.addAll(differences(latest, now, "environment."));
      if (environment.isEmpty() && sameParts) {
        environment.add("environment (no single item recorded differs)");
      }
    }
    List<Integer> arguments = new ArrayList<>();
    if (!sameParts || !args.hex().equals(latest.get("signature.arguments"))) {
      now = now != null ? now : items.get();
      for (String name : differences(latest, now, "argument.")) {
        arguments.add(Integer.parseInt(name));
      }
      arguments.sort(null);
    }
    return Explanation.miss(id, codeChanges, environment, arguments);
  }

  private Signature manifestKey(String codeHex) {
    CanonicalEncoder enc = encoders.get();
    try {
      return enc.putString("memo/code-manifest/1").putString(codeHex).finish();
    } catch (RuntimeException e) {
      enc.reset();
      throw e;
    }
  }

  private void writeRecord(Signature key, Map<String, String> content) throws IOException {
    Map<String, String> metadata = new LinkedHashMap<>(content);
    integrity.annotate(metadata);
    EntryFormat.Header header = new EntryFormat.Header(SERDE, signerName, NAMESPACE, key, metadata);
    // Removed first, then written: replacing an existing file by a rename makes ext4 (with its
    // default auto_da_alloc) write the new file's data back before the rename returns, which cost
    // 0.3 to 2 ms per miss where writing a file under a free name costs about 0.1 ms. A record is
    // a hint, so the moment it is absent only makes a concurrent explain report a first miss.
    store.remove(NAMESPACE, key);
    store.put(
        NAMESPACE,
        key,
        out -> {
          EntryIntegrity.Signing signing = integrity.signing(out, NAMESPACE, key);
          EntryFormat.writeHeader(header, metadata, signing);
          EntryFormat.payloadOutput(signing).close();
          signing.finish();
        });
  }

  private Optional<Map<String, String>> readRecord(Signature key) throws IOException {
    Pending waiting;
    synchronized (pending) {
      waiting = pending.get(key);
    }
    if (waiting != null) {
      return Optional.of(waiting.content().get());
    }
    return readStored(key);
  }

  /** Reads a record from the store, not one waiting here. */
  private Optional<Map<String, String>> readStored(Signature key) throws IOException {
    Optional<InputStream> found = store.get(NAMESPACE, key);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    try (EntryReader.Reading record = reader.open(found.get(), NAMESPACE, key)) {
      record.finish();
      EntryFormat.Header header = record.header();
      if (!header.serde().equals(SERDE)) {
        return Optional.empty();
      }
      Map<String, String> content = new LinkedHashMap<>(header.metadata());
      content.remove(EntryIntegrity.METADATA_KEY);
      return Optional.of(content);
    } catch (CorruptEntryException e) {
      return Optional.empty(); // a record is a hint for explain; a broken one explains nothing
    }
  }

  /** Names, without the prefix, present in one map or the other, or in both with other values. */
  private static List<String> differences(
      Map<String, String> before, Map<String, String> after, String prefix) {
    Set<String> names = new TreeSet<>();
    for (Map<String, String> m : List.of(before, after)) {
      for (String k : m.keySet()) {
        if (k.startsWith(prefix) && !Objects.equals(before.get(k), after.get(k))) {
          names.add(k.substring(prefix.length()));
        }
      }
    }
    return List.copyOf(names);
  }
}
