package dev.memo.core;

import dev.memo.Explanation;
import dev.memo.FunctionOptions;
import dev.memo.MemoConfig;
import dev.memo.MemoScope;
import dev.memo.MemoStats;
import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.core.code.CodeSigner;
import dev.memo.core.code.FunctionCode;
import dev.memo.core.code.FunctionRef;
import dev.memo.core.config.Providers;
import dev.memo.core.entry.EntryIntegrity;
import dev.memo.core.sign.CanonicalEncoder;
import dev.memo.core.sign.TypeSigners;
import dev.memo.spi.Serde;
import dev.memo.spi.Signer;
import dev.memo.spi.Store;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The engine of a memoizer that memoizes: it owns the providers chosen at build time (store, serde,
 * signer), the policies and the object tier, and runs each call: its key ({@link CallKeys}), the
 * object tier, the store ({@link Entries}), and on a miss the one computation ({@link
 * Computations}). Closing closes the stores it created. Thread-safe.
 */
final class MemoEngine implements Engine {
  private static final String LAMBDA_STATE_HINT =
      "or do not capture it: pass it as an argument"
          + " (with FunctionOptions.ignoreParameters if it cannot change the result) or read it from a"
          + " static field marked @dev.memo.NotSigned";
  private static final String PROXY_STATE_HINT =
      "or mark the field @dev.memo.NotSigned or" + " transient if its value cannot change a result";

  private final MemoConfig config;
  private final Store store;
  private final boolean ownsStore;
  private final Serde serde;
  private final Signer signer;
  private final ThreadLocal<CanonicalEncoder> encoders;
  private final CodeSigner codeSigner;
  private final Policies policies;
  private final ObjectTier tier;
  private final ThreadScopes scopes = new ThreadScopes();
  private final FunctionCounters counters = new FunctionCounters();
  private final EntryIntegrity integrity;
  private final CallKeys keys;
  private final Entries entries;
  private final Computations computations;
  private final Explainer explainer;
  private final CallEvents events;
  private final @Nullable PendingEntries pending;
  private final WriteBehind writer;
  private final Warnings warnings = new Warnings();

  MemoEngine(MemoBuilder b, MemoConfig config, ClassLoader loader, Providers providers) {
    this.config = config;
    this.pending = pendingEntries(config);
    this.writer = new WriteBehind(pending, this::publish);
    this.integrity = EntryIntegrity.of(config, b.environment);
    var signers = providers.signers();
    this.signer =
        b.signer != null ? b.signer : signers.create(signers.select(b.signerName, config), config);
    var serdes = providers.serdes();
    this.serde =
        b.serde != null ? b.serde : serdes.create(serdes.select(b.serdeName, config), config);
    TypeSigners typeSigners = TypeSigners.load(b.typeSigners, loader);
    this.encoders = ThreadLocal.withInitial(() -> new CanonicalEncoder(signer, typeSigners));
    this.tier = new ObjectTier(config);
    var stores = providers.stores();
    if (b.store != null) {
      this.store = b.store;
      this.ownsStore = false;
    } else {
      this.store = stores.create(stores.select(b.storeName, config), config);
      this.ownsStore = true;
    }
    this.codeSigner = new CodeSigner(config, encoders::get, codeFolder(store, integrity));
    MissRecords records = missRecords(store);
    this.policies =
        new Policies(
            config, store, serde, stores, serdes, s -> s == store ? records : missRecords(s));
    this.keys = new CallKeys(signer.name(), encoders);
    this.explainer = new Explainer(warnings);
    this.entries =
        new Entries(serde, signer.name(), config, integrity, serdes, warnings, explainer, writer);
    this.computations =
        new Computations(entries, explainer, warnings, new ChangingFields(encoders::get));
    this.events = new CallEvents(config);
  }

  /** The entries waiting to be published, or null when write-behind is off. */
  private static @Nullable PendingEntries pendingEntries(MemoConfig config) {
    long max = config.getBytes(MemoConfig.WRITE_BEHIND_MAX_BYTES, PendingEntries.DEFAULT_MAX_BYTES);
    return max == 0 ? null : new PendingEntries(max);
  }

  /** Publishes an entry that waited, on the writer's thread. */
  private void publish(PendingEntries.Pending p) {
    entries.publish(p);
  }

  /** The writer of entries and explain records behind the calls; for tests. */
  WriteBehind writer() {
    return writer;
  }

  /**
   * Where walked code is kept across runs: under the store's folder, when it has one. Not with an
   * integrity key, since a kept walk carries no tag and is trusted as far as it checks out.
   */
  private static @Nullable Path codeFolder(Store store, EntryIntegrity integrity) {
    if (integrity.keyed()) {
      return null;
    }
    return store.folder().map(f -> f.resolve(CodeSigner.CACHE_FOLDER)).orElse(null);
  }

  private MissRecords missRecords(Store s) {
    return new MissRecords(s, signer.name(), encoders, integrity, writer);
  }

  @Override
  public Handle handle(FunctionOptions options, Object function, String sam, int arity) {
    return handle(
        options, FunctionRef.of(function, sam), arity, Policies.DEFAULT, LAMBDA_STATE_HINT);
  }

  @Override
  public Handle handle(FunctionOptions options, Object target, Method method, int arity) {
    return handle(
        options, FunctionRef.ofMethod(target, method), arity, Policies.MEMORY, PROXY_STATE_HINT);
  }

  /**
   * The handle of a function whose code is located.
   *
   * @param fallbackPolicy the policy when no tag has one
   */
  private Handle handle(
      FunctionOptions options,
      FunctionRef ref,
      int arity,
      String fallbackPolicy,
      String stateHint) {
    String id = options.name().orElse(ref.qualifiedName());
    FunctionCode code = codeSigner.sign(ref, options.version(), options.includedCode());
    Route route = policies.forTags(options.tags(), fallbackPolicy);
    return keys.handle(id, options, ref, code, arity, route, stateHint, counters.of(options));
  }

  @Override
  public @Nullable Object call(Handle h, @Nullable Object[] args, Supplier<?> body) {
    if (!h.items.code.rebuiltClasses().isEmpty()) {
      return body.get(); // the code that runs may not be the code signed; see CodeSigner
    }
    Route route = scopes.route(h.route);
    if (route == null || !route.enabled) {
      return body.get(); // suspended in this thread, or the policy is off
    }
    CallEvent event = events.begin(h.id);
    if (event == null) {
      return run(h, route, args, body, null);
    }
    try {
      return run(h, route, args, body, event);
    } finally {
      events.end(event);
    }
  }

  /**
   * Runs a memoized call: its key, the object tier, the store, and on a miss the computation.
   *
   * @param event the call's flight recorder event, or null when calls are not recorded
   */
  private Object run(Handle h, Route route, Object[] args, Supplier<?> body, CallEvent event) {
    CallKey call = keys.sign(h, args);
    if (event != null) {
      event.signing = System.nanoTime() - event.start;
    }
    Object held = tier.find(route, call.key, h.id);
    if (held != ObjectTier.ABSENT) {
      h.counters.tierHit();
      if (event != null) {
        event.outcome = CallEvent.TIER_HIT;
      }
      return held;
    }
    long stamp = computations.stamp(call.key);
    Lookup found = entries.load(h, route, call);
    if (event != null) {
      event.outcome =
          found instanceof Lookup.Hit
              ? CallEvent.STORE_HIT
              : found == Lookup.MISS ? CallEvent.MISS : CallEvent.BROKEN_ENTRY;
    }
    if (found instanceof Lookup.Hit hit) {
      // Read from the store just now, the value is this caller's alone.
      return tier.admit(route, call.key, h.id, hit.value(), true, hit.bytes(), hit.created());
    }
    // A computed value may be shared with the function and with other threads that waited for it.
    Lookup.Hit computed =
        computations.compute(h, route, args, call, body, found == Lookup.MISS, stamp);
    return tier.admit(
        route, call.key, h.id, computed.value(), false, computed.bytes(), computed.created());
  }

  @Override
  public Explanation explain(Handle h, @Nullable Object[] args) {
    CallKey call = keys.sign(h, args);
    Route route = scopes.storeRoute(h.route);
    return explainer.explain(h, route, call, () -> entries.contains(h, route, call.key));
  }

  @Override
  public boolean contains(Handle h, @Nullable Object[] args) {
    Route route = entriesRoute(h);
    return route != null && entries.contains(h, route, keys.sign(h, args).key);
  }

  @Override
  public boolean invalidate(Handle h, @Nullable Object[] args) {
    Route route = entriesRoute(h);
    if (route == null) {
      return false;
    }
    Store store = route.store;
    Signature key = keys.sign(h, args).key;
    tier.forget(store, h.id, key);
    // Dropped first: a removal must not be undone by the waiting entry published after it.
    boolean dropped = pending != null && pending.drop(store, h.id, key);
    try {
      return store.remove(h.id, key) || dropped;
    } catch (IOException e) {
      throw new StoreException(
          "cannot remove entry "
              + key
              + " of \""
              + h.id
              + "\" from the "
              + store.name()
              + " store: "
              + e
              + "; check that the store is writable",
          e);
    }
  }

  @Override
  public long clear(Handle h) {
    Route route = entriesRoute(h);
    if (route == null) {
      return 0;
    }
    Store store = route.store;
    if (!store.capabilities().contains(Store.Capability.LISTING)) {
      throw Store.Capability.LISTING.unsupportedBy(store, "clearing \"" + h.id + "\"");
    }
    tier.forget(store, h.id);
    long dropped = pending == null ? 0 : pending.drop(store, h.id);
    try {
      long removed = store.clear(h.id) + dropped;
      route.records.forget(h.latestKey);
      return removed;
    } catch (IOException e) {
      throw new StoreException(
          "cannot clear \""
              + h.id
              + "\" in the "
              + store.name()
              + " store: "
              + e
              + "; check that the store is readable and writable",
          e);
    }
  }

  /**
   * Returns the route whose store holds the function's entries for the current thread (its
   * policy's, or the thread's {@code storingIn} store), or null when its policy is off and the
   * function has no entries.
   */
  private @Nullable Route entriesRoute(Handle h) {
    Route route = scopes.storeRoute(h.route);
    return route.enabled ? route : null;
  }

  @Override
  public MemoScope suspend() {
    return scopes.suspend();
  }

  @Override
  public MemoScope storingIn(Path directory) {
    Store temporary = Engine.temporaryStore(config, directory);
    MissRecords records = missRecords(temporary);
    return scopes.storingIn(
        temporary,
        records,
        s -> {
          tier.forget(s);
          writer.finish(s, records);
          s.close();
        });
  }

  @Override
  public MemoStats stats() {
    return counters.total();
  }

  @Override
  public MemoStats stats(String function) {
    return counters.snapshot(function);
  }

  @Override
  public Map<String, MemoStats> functionStats() {
    return counters.byFunction();
  }

  @Override
  public Optional<String> storeName() {
    return Optional.of(store.name());
  }

  @Override
  public Optional<String> serdeName() {
    return Optional.of(serde.name());
  }

  @Override
  public Optional<String> signerName() {
    return Optional.of(signer.name());
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public void close() {
    tier.clear();
    try {
      // Entries waiting, then explain records, are written before their stores close.
      writer.close();
      policies.close();
    } finally {
      if (ownsStore) {
        store.close();
      }
    }
  }

  @Override
  public String toString() {
    return "Memo{store="
        + store.name()
        + ", serde="
        + serde.name()
        + ", signer="
        + signer.name()
        + "}";
  }
}
