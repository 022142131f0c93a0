package dev.memo.core;

import dev.memo.FunctionOptions;
import dev.memo.Explanation;
import dev.memo.MemoBiFunction;
import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.MemoException;
import dev.memo.MemoFunction;
import dev.memo.MemoScope;
import dev.memo.MemoStats;
import dev.memo.MemoSupplier;
import dev.memo.MemoTriFunction;
import dev.memo.Memoizer;
import dev.memo.SerdeException;
import dev.memo.Signable;
import dev.memo.SignatureSink;
import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.TriFunction;
import dev.memo.core.code.CodeItem;
import dev.memo.core.code.CodeSigner;
import dev.memo.core.code.FunctionCode;
import dev.memo.core.code.StaticField;
import dev.memo.core.internal.CanonicalEncoder;
import dev.memo.core.internal.ConfigLoader;
import dev.memo.core.internal.CorruptEntryException;
import dev.memo.core.internal.CountingInputStream;
import dev.memo.core.internal.CountingOutputStream;
import dev.memo.core.internal.EntryCheck;
import dev.memo.core.internal.EntryFormat;
import dev.memo.core.internal.EntryIntegrity;
import dev.memo.core.internal.FunctionRef;
import dev.memo.core.internal.ProviderSelector;
import dev.memo.core.internal.TypeSigners;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;
import dev.memo.spi.Signer;
import dev.memo.spi.SignerProvider;
import dev.memo.spi.Store;
import dev.memo.spi.StoreProvider;
import dev.memo.spi.TypeSigner;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * memo's memoizer. {@link #create()} gives one configured from system properties, environment and
 * {@code memo.properties}; {@link #builder()} lets code choose the store, serde and signer.
 *
 * <pre>{@code
 * try (Memo memo = Memo.create()) {
 *   Function<Integer, Long> primes = memo.function("primes-below", Demo::countPrimesBelow);
 *   long n = primes.apply(20_000_000);   // computed once, then reused, also by the next run
 * }
 * }</pre>
 *
 * <p>A call is signed by the function's name, its code (the normalized bytecode of every
 * application method it can reach, the library jars it reaches, the Java version; see {@code
 * dev.memo.core.code.CodeSigner}), its environment (the variables a lambda captured, or the fields
 * of a function object, and the static fields its code reads) and its arguments; see {@code
 * README.md} for what each covers. {@link #explain} says which part made a call miss. The
 * memoizer reads the store, and on a miss runs the function once per signature
 * (concurrent callers with the same signature wait for that one computation), writes the result
 * and returns it. Thread-safe.
 *
 * <p>Results are handed out immutable, the same on a miss and a hit (see {@code
 * memo.immutability}), and recently used ones are kept as objects in an object tier in front of
 * the store ({@code memo.object-tier.*}). Tags select policies ({@code memo.policy.<tag>.*}):
 * untagged functions use the {@code default} policy, the configured store; untagged {@link
 * dev.memo.Memoize} methods of a {@link #proxy} use the {@code memory} policy, this process only;
 * the {@code disk} tag the configured store. Stores that policies create are closed by {@link
 * #close()}.
 */
public final class Memo implements Memoizer {
  private static final System.Logger LOG = System.getLogger("dev.memo");
  /** No entry was found. */
  private static final Object MISS = new Object();
  /** An entry was found but could not be used; it was counted already. */
  private static final Object BROKEN = new Object();
  private static final String SIGNATURE_DOMAIN = "memo/signature/3";

  private final boolean enabled;
  private final Store store;
  private final boolean ownsStore;
  private final Serde serde;
  private final Signer signer;
  private final MemoConfig config;
  private final EntryIntegrity integrity;
  private final ProviderSelector<SerdeProvider, Serde> serdes;
  private final Map<String, Optional<Serde>> readSerdes = new ConcurrentHashMap<>();
  private final ThreadLocal<CanonicalEncoder> encoders;
  private final Map<Signature, Flight> inflight = new ConcurrentHashMap<>();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private final CodeSigner codeSigner;
  private final MissRecords records;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder loadFailures = new LongAdder();
  private final LongAdder storeFailures = new LongAdder();
  private final LongAdder computeNanos = new LongAdder();
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder bytesWritten = new LongAdder();
  private volatile boolean closed;
  private final ThreadScopes scopes = new ThreadScopes();
  private final NamedResults named = new NamedResults();
  private final Policies policies;
  private final ObjectTier tier;

  private Memo(Builder b) {
    ClassLoader loader = b.classLoader != null ? b.classLoader : defaultLoader();
    this.config = ConfigLoader.load(b.values, loader, b.environment, b.systemProperties);
    ConfigLoader.checkKeys(config, loader);
    this.enabled = config.getBoolean("memo.enabled", true);
    if (!enabled) {
      store = null;
      ownsStore = false;
      serde = null;
      signer = null;
      serdes = null;
      encoders = null;
      integrity = null;
      codeSigner = null;
      records = null;
      policies = null;
      tier = null;
      return;
    }
    this.integrity = EntryIntegrity.of(config, b.environment);
    var signers = ProviderSelector.load(SignerProvider.class, "signer", loader);
    this.signer = b.signer != null ? b.signer : signers.create(signers.select(b.signerName, config), config);
    this.serdes = ProviderSelector.load(SerdeProvider.class, "serde", loader);
    this.serde = b.serde != null ? b.serde : serdes.create(serdes.select(b.serdeName, config), config);
    TypeSigners typeSigners = TypeSigners.load(b.typeSigners, loader);
    this.encoders = ThreadLocal.withInitial(() -> new CanonicalEncoder(signer, typeSigners));
    this.codeSigner = new CodeSigner(config);
    this.tier = new ObjectTier(config);
    var stores = ProviderSelector.load(StoreProvider.class, "store", loader);
    if (b.store != null) {
      this.store = b.store;
      this.ownsStore = false;
    } else {
      this.store = stores.create(stores.select(b.storeName, config), config);
      this.ownsStore = true;
    }
    this.records = new MissRecords(store, signer.name(), encoders);
    this.policies = new Policies(config, store, serde, stores, serdes,
        s -> s == store ? records : new MissRecords(s, signer.name(), encoders));
  }

  private static ClassLoader defaultLoader() {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    return l != null ? l : Memo.class.getClassLoader();
  }

  /**
   * Returns a memoizer configured from system properties, environment variables and {@code
   * memo.properties} on the class path, with the providers they name or, where they name none, the
   * highest-priority providers on the class path (by default the {@code directory} store at {@code
   * ./.memo}, the {@code zstd} serde when memo-serde-zstd is on the class path or else {@code
   * java}, and the {@code sha256} signer).
   *
   * @return a new memoizer; close it to release its store
   * @throws MemoConfigurationException if the configuration or the providers are invalid
   */
  public static Memo create() {
    return builder().build();
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- wrapping

  @Override
  @SuppressWarnings("unchecked")
  public <T, R> Function<T, R> function(FunctionOptions options, MemoFunction<T, R> function) {
    var f = new MemoizedFunction<>(handle(options, function, "apply", 1), function);
    return named(f, a -> f.apply((T) a[0]));
  }

  @Override
  public <R> Supplier<R> supplier(FunctionOptions options, MemoSupplier<R> supplier) {
    var f = new MemoizedSupplier<>(handle(options, supplier, "get", 0), supplier);
    return named(f, a -> f.get());
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T, U, R> BiFunction<T, U, R> biFunction(
      FunctionOptions options, MemoBiFunction<T, U, R> function) {
    var f = new MemoizedBiFunction<>(handle(options, function, "apply", 2), function);
    return named(f, a -> f.apply((T) a[0], (U) a[1]));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T, U, V, R> TriFunction<T, U, V, R> triFunction(
      FunctionOptions options, MemoTriFunction<T, U, V, R> function) {
    var f = new MemoizedTriFunction<>(handle(options, function, "apply", 3), function);
    return named(f, a -> f.apply((T) a[0], (U) a[1], (V) a[2]));
  }

  /** Registers a named wrapper for {@link #result}. */
  private <W extends Memoized> W named(W wrapper, Function<Object[], Object> call) {
    if (wrapper.handle.options.name().isPresent()) {
      named.register(wrapper.handle.id,
          wrapper.handle.ref == null ? null : wrapper.handle.ref.qualifiedName(),
          wrapper.handle.arity, call);
    }
    return wrapper;
  }

  @Override
  public <T> T proxy(Class<T> iface, T impl) {
    return MemoProxy.create(iface, impl, new MemoProxy.Calls() {
      @Override
      public Object handle(FunctionOptions options, Object target, java.lang.reflect.Method m,
          int arity) {
        if (!enabled) {
          return new Handle(options.name().orElse(m.getName()), options, null, arity, null, null,
              null, null);
        }
        return Memo.this.handle(options, FunctionRef.ofMethod(target, m), arity, Policies.MEMORY,
            PROXY_STATE_HINT);
      }

      @Override
      public Object call(Object handle, Object[] args, Supplier<?> body) {
        return Memo.this.call((Handle) handle, args, body);
      }

      @Override
      public void register(String name, String function, int arity,
          Function<Object[], Object> call) {
        named.register(name, function, arity, call);
      }
    });
  }

  @Override
  @SuppressWarnings("unchecked")
  public <R> R result(String name, Object... arguments) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
    return (R) named.get(name, arguments);
  }

  /**
   * {@inheritDoc}
   *
   * <p>With {@code memo.enabled=false} memoization is off for the whole run and this scope changes
   * nothing.
   */
  @Override
  public MemoScope suspend() {
    return scopes.suspend();
  }

  /**
   * {@inheritDoc}
   *
   * <p>The store is a {@code directory} store configured by {@code memo.store.directory.*} (its
   * path aside), written with each policy's serde and kept apart in the object tier. With {@code
   * memo.enabled=false} nothing is stored and the scope only checks its folder.
   */
  @Override
  public MemoScope storingIn(Path directory) {
    Objects.requireNonNull(directory, "directory");
    if (directory.toString().isBlank()) {
      throw new MemoConfigurationException("storingIn was given an empty path, which would not be"
          + " a folder of its own; give the folder to store in, such as Path.of(\"build/memo\")");
    }
    if (closed) {
      throw new StoreException("this memoizer is closed; create a new one with Memo.create()");
    }
    MemoConfig scoped = MemoConfig.of("storingIn",
            Map.of("memo.store.directory.path", directory.toString()))
        .withFallback(config)
        .scoped("memo.store.directory");
    Store temporary = new dev.memo.core.store.DirectoryStoreProvider().create(scoped);
    MissRecords temporaryRecords = enabled ? new MissRecords(temporary, signer.name(), encoders)
        : null;
    return scopes.storingIn(temporary, temporaryRecords, s -> {
      if (tier != null) {
        tier.forget(s);
      }
      s.close();
    });
  }

  /**
   * What every wrapper is. It is {@link Signable} so that a memoized function kept in a static
   * field, which the code of another (or the same) memoized function reads, signs by what it
   * computes, its id and code, rather than failing as a value memo cannot sign.
   */
  private abstract class Memoized implements Signable {
    final Handle handle;

    Memoized(Handle handle) {
      this.handle = handle;
    }

    Memo owner() {
      return Memo.this;
    }

    @Override
    public void signTo(SignatureSink sink) {
      sink.putString(handle.id);
      if (handle.codePart != null) {
        sink.putBytes(handle.codePart.bytes());
      }
    }

    @Override
    public String toString() {
      return "memoized " + handle.id;
    }
  }

  private final class MemoizedFunction<T, R> extends Memoized implements Function<T, R> {
    private final MemoFunction<T, R> function;

    MemoizedFunction(Handle handle, MemoFunction<T, R> function) {
      super(handle);
      this.function = function;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R apply(T t) {
      return (R) call(handle, new Object[] {t}, () -> function.apply(t));
    }
  }

  private final class MemoizedSupplier<R> extends Memoized implements Supplier<R> {
    private final MemoSupplier<R> supplier;

    MemoizedSupplier(Handle handle, MemoSupplier<R> supplier) {
      super(handle);
      this.supplier = supplier;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R get() {
      return (R) call(handle, new Object[0], supplier::get);
    }
  }

  private final class MemoizedBiFunction<T, U, R> extends Memoized implements BiFunction<T, U, R> {
    private final MemoBiFunction<T, U, R> function;

    MemoizedBiFunction(Handle handle, MemoBiFunction<T, U, R> function) {
      super(handle);
      this.function = function;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R apply(T t, U u) {
      return (R) call(handle, new Object[] {t, u}, () -> function.apply(t, u));
    }
  }

  private final class MemoizedTriFunction<T, U, V, R> extends Memoized
      implements TriFunction<T, U, V, R> {
    private final MemoTriFunction<T, U, V, R> function;

    MemoizedTriFunction(Handle handle, MemoTriFunction<T, U, V, R> function) {
      super(handle);
      this.function = function;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R apply(T t, U u, V v) {
      return (R) call(handle, new Object[] {t, u, v}, () -> function.apply(t, u, v));
    }
  }

  /** One wrapped function: what is fixed for all its calls. */
  static final class Handle {
    final String id;
    /** Where its results go, by its tags' policy; null when memoization is off for the run. */
    Route route;
    /** How to get rid of an unsignable item of its state, for the error. */
    String stateHint = LAMBDA_STATE_HINT;
    final FunctionOptions options;
    final FunctionRef ref;
    final int arity;
    final long ignoredMask;
    final Signature idPart;
    final Signature codePart;
    final FunctionCode code;
    /** Names of the environment's items: captured state, then static fields. */
    final List<String> environmentNames;
    /** Where the record of this function's latest entry is kept; see {@link MissRecords}. */
    final Signature latestKey;
    /**
     * The digest of everything fixed for the function (signer, id, code; and, when the function
     * captures nothing and reads no static field, its empty environment and the arguments'
     * header), which every call's key starts from: a call then hashes this digest and its
     * arguments rather than all the parts in full.
     */
    byte[] functionPart;
    /** Whether {@link #functionPart} covers the environment and the arguments' header. */
    boolean fixedEnvironment;
    /** Labels for errors, made once rather than at every call. */
    final String[] argumentWhat;
    final String[] argumentHint;
    final String[] stateWhat;
    final String[] fieldWhat;
    final String[] fieldHint;

    Handle(String id, FunctionOptions options, FunctionRef ref, int arity, Signature idPart,
        Signature codePart, FunctionCode code, Signature latestKey) {
      this.id = id;
      this.options = options;
      this.ref = ref;
      this.arity = arity;
      long mask = 0;
      for (int p : options.ignoredParameters()) {
        mask |= 1L << p;
      }
      this.ignoredMask = mask;
      this.idPart = idPart;
      this.codePart = codePart;
      this.code = code;
      this.latestKey = latestKey;
      List<String> names = new ArrayList<>();
      if (ref != null) {
        names.addAll(ref.stateNames());
        code.staticFields().forEach(f -> names.add(f.label()));
      }
      this.environmentNames = List.copyOf(names);
      argumentWhat = new String[arity];
      argumentHint = new String[arity];
      for (int i = 0; i < arity; i++) {
        argumentWhat[i] = "argument " + i + " of \"" + id + "\"";
        argumentHint[i] = "ignore the parameter with FunctionOptions.ignoreParameters(" + i + ")";
      }
      List<String> stateNames = ref == null ? List.of() : ref.stateNames();
      stateWhat = new String[stateNames.size()];
      for (int i = 0; i < stateWhat.length; i++) {
        stateWhat[i] = stateNames.get(i) + " of \"" + id + "\"";
      }
      List<StaticField> fields = code == null ? List.of() : code.staticFields();
      fieldWhat = new String[fields.size()];
      fieldHint = new String[fields.size()];
      for (int i = 0; i < fieldWhat.length; i++) {
        StaticField f = fields.get(i);
        fieldWhat[i] = f.label() + " read by \"" + id + "\"";
        fieldHint[i] = "or mark the field @dev.memo.NotSigned (or list " + f.name()
            + " in memo.code.ignore-fields) if its value cannot change the result";
      }
    }
  }

  private Handle handle(FunctionOptions options, Object function, String sam, int arity) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(function, "function");
    for (int p : options.ignoredParameters()) {
      if (p >= arity) {
        throw new IllegalArgumentException(
            "parameter " + p + " is ignored but the function has " + arity + " parameter"
                + (arity == 1 ? "" : "s") + " (positions count from 0)");
      }
    }
    if (!enabled) {
      return new Handle(options.name().orElse("function"), options, null, arity, null, null, null,
          null);
    }
    return handle(options, FunctionRef.of(function, sam), arity, Policies.DEFAULT,
        LAMBDA_STATE_HINT);
  }

  private static final String LAMBDA_STATE_HINT = "or do not capture it: pass it as an argument"
      + " (with FunctionOptions.ignoreParameters if it cannot change the result) or read it from a"
      + " static field marked @dev.memo.NotSigned";
  private static final String PROXY_STATE_HINT = "or mark the field @dev.memo.NotSigned or"
      + " transient if its value cannot change a result";

  /**
   * The handle of a function whose code is located.
   *
   * @param fallbackPolicy the policy when no tag has one
   */
  private Handle handle(FunctionOptions options, FunctionRef ref, int arity, String fallbackPolicy,
      String stateHint) {
    String id = options.name().orElse(ref.qualifiedName());
    FunctionCode code = codeSigner.sign(ref, options.version());
    CanonicalEncoder enc = encoders.get();
    Signature idPart;
    Signature codePart;
    Signature latestKey;
    try {
      enc.putString("function-id").putString(id);
      idPart = enc.finish();
      if (options.ignoresCode()) {
        enc.putString("code/ignored").putString(options.version().orElse(""));
      } else {
        // The items come sorted by key, so the order methods were reached in does not count.
        enc.putString("code/2").putInt(code.items().size());
        for (CodeItem item : code.items()) {
          enc.putString(item.key()).putString(item.hash());
        }
      }
      codePart = enc.finish();
      latestKey = enc.putString("memo/latest-entry/1").putString(id).finish();
    } catch (RuntimeException e) {
      enc.reset();
      throw e;
    }
    Handle h = new Handle(id, options, ref, arity, idPart, codePart, code, latestKey);
    h.stateHint = stateHint;
    h.route = policies.forTags(options.tags(), fallbackPolicy);
    enc.putString(SIGNATURE_DOMAIN).putString(signer.name());
    enc.putBytes(idPart.bytes()).putBytes(codePart.bytes());
    // With nothing captured and no static field read, the environment's encoding and the
    // arguments' header are the same at every call: digested once here, so that a small call
    // hashes as few bytes as the arguments' own (a SHA-256 block fewer).
    h.fixedEnvironment = ref.state().isEmpty() && code.staticFields().isEmpty();
    if (h.fixedEnvironment) {
      enc.putBoolean(true);
      putEnvironment(h, enc);
      putArgumentsHeader(h, enc);
    } else {
      enc.putBoolean(false);
    }
    h.functionPart = enc.finish().bytes();
    signEnvironment(h, enc); // an unsignable captured variable fails now, not at the first call
    return h;
  }

  // ---------------------------------------------------------------- calling

  private Object call(Handle h, Object[] args, Supplier<?> body) {
    if (closed) {
      throw new StoreException("this memoizer is closed; create a new one with Memo.create()");
    }
    if (!enabled) {
      return body.get();
    }
    Route route = scopes.route(h.route);
    if (route == null || !route.enabled) {
      return body.get(); // suspended in this thread, or the policy is off
    }
    Signed signed = sign(h, args);
    Object held = tier.find(route, signed.key, h.id);
    if (held != ObjectTier.ABSENT) {
      hits.increment();
      return held;
    }
    Object value = load(h, route, signed);
    // Read from the store just now, the value is this caller's alone; a computed one may be
    // shared with the function and with other threads that waited for it.
    boolean fresh = value != MISS && value != BROKEN;
    if (!fresh) {
      value = computeOnce(h, route, args, signed, body, value == MISS);
    }
    return tier.admit(
        route, signed.key, h.id, value, fresh, signed.entryBytes, signed.entryCreated);
  }

  /**
   * The key of one call, and the environment and argument parts it covers. A hit needs only the
   * key, which is one digest over the function part, the environment and the arguments; the parts
   * are digested on their own only when a miss records them or explain compares them.
   */
  private final class Signed {
    final Signature key;
    private final Handle h;
    private final Object[] args;
    private Signature env;
    private Signature argsPart;
    /** The size and creation time of the entry read or written, for the object tier. */
    long entryBytes;
    long entryCreated = System.currentTimeMillis();

    Signed(Signature key, Handle h, Object[] args) {
      this.key = key;
      this.h = h;
      this.args = args;
    }

    Signature env() {
      if (env == null) {
        env = signEnvironment(h, encoders.get());
      }
      return env;
    }

    Signature args() {
      if (argsPart == null) {
        argsPart = signArguments(h, args, encoders.get());
      }
      return argsPart;
    }
  }

  private Signed sign(Handle h, Object[] args) {
    CanonicalEncoder enc = encoders.get();
    try {
      // A digest of fixed length first: no tag or length is needed to delimit it.
      enc.putRaw(h.functionPart);
      if (!h.fixedEnvironment) {
        putEnvironment(h, enc);
        putArgumentsHeader(h, enc);
      }
      putArgumentValues(h, args, enc);
      return new Signed(enc.finish(), h, args);
    } catch (RuntimeException e) {
      enc.reset();
      throw e;
    }
  }

  private Signature signEnvironment(Handle h, CanonicalEncoder enc) {
    try {
      putEnvironment(h, enc);
      return enc.finish();
    } catch (RuntimeException e) {
      enc.reset();
      throw e;
    }
  }

  private static void putEnvironment(Handle h, CanonicalEncoder enc) {
    enc.putString("environment/2");
    List<Object> state = h.ref.state();
    enc.putInt(state.size());
    for (int i = 0; i < state.size(); i++) {
      putState(h, enc, i);
    }
    List<StaticField> fields = h.code.staticFields();
    enc.putInt(fields.size());
    for (int i = 0; i < fields.size(); i++) {
      StaticField f = fields.get(i);
      enc.putString(f.name());
      putStaticField(h, enc, i);
    }
  }

  private static void putStaticField(Handle h, CanonicalEncoder enc, int i) {
    enc.putRoot(h.code.staticFields().get(i).read(), h.fieldWhat[i], h.fieldHint[i]);
  }

  private static void putState(Handle h, CanonicalEncoder enc, int i) {
    enc.putRoot(h.ref.state().get(i), h.stateWhat[i], h.stateHint);
  }


  private static void putArgument(Handle h, CanonicalEncoder enc, Object[] args, int i) {
    enc.putRoot(args[i], h.argumentWhat[i], h.argumentHint[i]);
  }

  private Signature signArguments(Handle h, Object[] args, CanonicalEncoder enc) {
    try {
      putArguments(h, args, enc);
      return enc.finish();
    } catch (RuntimeException e) {
      enc.reset();
      throw e;
    }
  }

  private static void putArguments(Handle h, Object[] args, CanonicalEncoder enc) {
    putArgumentsHeader(h, enc);
    putArgumentValues(h, args, enc);
  }

  private static void putArgumentsHeader(Handle h, CanonicalEncoder enc) {
    enc.putString("arguments/1").putInt(h.arity).putLong(h.ignoredMask);
  }

  private static void putArgumentValues(Handle h, Object[] args, CanonicalEncoder enc) {
    for (int i = 0; i < args.length; i++) {
      if ((h.ignoredMask & (1L << i)) == 0) {
        putArgument(h, enc, args, i);
      }
    }
  }

  private Object computeOnce(
      Handle h, Route route, Object[] args, Signed signed, Supplier<?> body, boolean recheck) {
    Signature key = signed.key;
    Flight mine = new Flight();
    Flight other = inflight.putIfAbsent(key, mine);
    if (other != null) {
      if (other.owner == Thread.currentThread()) {
        throw new MemoException(
            "function \"" + h.id + "\" called itself with the same arguments while computing them;"
                + " this recursion would never end");
      }
      Object v = other.await();
      hits.increment();
      return v;
    }
    Store.Claim claim = null;
    try {
      // Another thread, or another process, may have stored it since our first look.
      Object stored = recheck ? load(h, route, signed) : MISS;
      if (stored != MISS && stored != BROKEN) {
        mine.result.complete(stored);
        return stored;
      }
      // Another process may be computing it: a store that coordinates processes says so.
      Object claimed = claimOrAwait(h, route, signed);
      if (claimed instanceof Store.Claim c) {
        claim = c;
      } else if (claimed != MISS) {
        mine.result.complete(claimed);
        return claimed;
      }
      if (LOG.isLoggable(Level.DEBUG)) {
        logMiss(h, route, args, signed);
      }
      // The parts are recorded as they were before the function ran, which may change what it read.
      signed.env();
      signed.args();
      long start = System.nanoTime();
      Object result;
      try {
        result = body.get();
      } catch (Throwable t) {
        mine.result.completeExceptionally(t);
        throw t;
      }
      long nanos = System.nanoTime() - start;
      misses.increment();
      computeNanos.add(nanos);
      save(h, route, args, signed, result, nanos);
      mine.result.complete(result);
      return result;
    } finally {
      release(h, route, key, claim);
      inflight.remove(key, mine);
    }
  }

  /**
   * Claims the computation of an entry from a store that coordinates processes ({@link
   * Store#claim}), waiting while another process holds the claim. Returns the claim to hold while
   * computing; or the entry's value when another process stored it meanwhile; or {@code MISS} when
   * the store does not coordinate, cannot, or the wait was interrupted: the caller then computes
   * without a claim.
   */
  private Object claimOrAwait(Handle h, Route route, Signed signed) {
    Signature key = signed.key;
    Store store = route.store;
    long pauseMillis = 1;
    while (true) {
      Optional<Store.Claim> claim;
      try {
        claim = store.claim(h.id, key);
      } catch (IOException | RuntimeException e) {
        warnOnce("claim:" + h.id + ":" + e.getClass().getName(),
            "cannot claim entry " + key + " of \"" + h.id + "\" in the " + store.name()
                + " store; computing it without a claim", e);
        return MISS;
      }
      if (claim.isEmpty()) {
        return MISS;
      }
      if (claim.get().held()) {
        // The previous holder may have stored it just before letting the claim go.
        Object stored = load(h, route, signed);
        if (stored == MISS || stored == BROKEN) {
          return claim.get();
        }
        release(h, route, key, claim.get());
        return stored;
      }
      try {
        Thread.sleep(pauseMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return MISS;
      }
      pauseMillis = Math.min(pauseMillis * 2, 100);
      Object stored = load(h, route, signed);
      if (stored != MISS && stored != BROKEN) {
        return stored;
      }
    }
  }

  private void release(Handle h, Route route, Signature key, Store.Claim claim) {
    if (claim == null) {
      return;
    }
    try {
      claim.close();
    } catch (IOException | RuntimeException e) {
      warnOnce("release:" + h.id + ":" + e.getClass().getName(),
          "cannot release the claim on entry " + key + " of \"" + h.id + "\" in the "
              + route.store.name() + " store; other processes wait for it until it times out", e);
    }
  }

  /** A computation in progress, which callers with the same signature wait for. */
  private static final class Flight {
    final Thread owner = Thread.currentThread();
    final CompletableFuture<Object> result = new CompletableFuture<>();

    Object await() {
      try {
        return result.join();
      } catch (CompletionException e) {
        throw Memo.<RuntimeException>sneaky(e.getCause());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }

  // ---------------------------------------------------------------- store

  private Object load(Handle h, Route route, Signed signed) {
    Signature key = signed.key;
    Store store = route.store; // the policy's, or the thread's storingIn store
    Optional<InputStream> found;
    try {
      found = store.get(h.id, key);
    } catch (IOException | RuntimeException e) {
      loadFailures.increment();
      warnOnce("read:" + h.id + ":" + e.getClass().getName(),
          "cannot read entry " + key + " of \"" + h.id + "\" from the " + store.name()
              + " store; computing it instead", e);
      return BROKEN;
    }
    if (found.isEmpty()) {
      return MISS;
    }
    // With a key, the whole entry is verified before any of it reaches a serde.
    try (CountingInputStream in =
        new CountingInputStream(buffered(integrity.verified(found.get(), h.id, key)))) {
      EntryFormat.Header header = EntryFormat.readHeader(in);
      signed.entryCreated = created(header);
      if (route.expired(signed.entryCreated)) {
        return MISS; // older than the policy's time to live: computed again and replaced
      }
      if (!header.signer().equals(signer.name())) {
        throw new CorruptEntryException(
            "entry was signed by \"" + header.signer() + "\" but its key by \"" + signer.name() + "\"");
      }
      Optional<Serde> reader = serdeNamed(header.serde());
      if (reader.isEmpty()) {
        loadFailures.increment();
        warnOnce("serde:" + header.serde(),
            "entry " + key + " of \"" + h.id + "\" was written by serde \"" + header.serde()
                + "\", which is not on the class path (available: " + String.join(", ", serdes.names())
                + "); computing it instead", null);
        return BROKEN;
      }
      EntryFormat.PayloadInputStream payload = EntryFormat.payloadInput(in);
      Object value;
      try {
        value = reader.get().read(payload);
      } catch (OutOfMemoryError | StackOverflowError e) {
        // Only the serde's read is guarded, never the user's function: a payload that declares
        // more than the heap can give, or nests deeper than the stack goes, is a broken entry,
        // counted, quarantined and recomputed, not the caller's failure.
        throw new SerdeException("serde \"" + header.serde() + "\" ran out of "
            + (e instanceof OutOfMemoryError ? "memory" : "stack") + " reading the entry (" + e
            + ")", e);
      }
      payload.verifyEnd();
      integrity.skipTag(header, in);
      if (in.read() != -1) {
        throw new CorruptEntryException("bytes follow the end of the entry");
      }
      hits.increment();
      signed.entryBytes = in.count() + integrity.strippedBytes();
      bytesRead.add(signed.entryBytes);
      return value;
    } catch (CorruptEntryException | SerdeException e) {
      brokenEntry(h, store, key, e);
      return BROKEN;
    } catch (IOException e) {
      loadFailures.increment();
      warnOnce("read:" + h.id + ":" + e.getClass().getName(),
          "cannot read entry " + key + " of \"" + h.id + "\"; computing it instead", e);
      return BROKEN;
    } catch (RuntimeException e) {
      // A serde that breaks its contract must not turn a broken entry into a crash.
      brokenEntry(h, store, key, e);
      return BROKEN;
    }
  }

  private static long created(EntryFormat.Header header) {
    String created = header.metadata().get("created");
    try {
      return created == null ? -1 : Long.parseLong(created);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Buffers a store's stream unless it is in heap already, as the memory stores' are. */
  private static InputStream buffered(InputStream in) {
    return in instanceof ByteArrayInputStream ? in : new BufferedInputStream(in);
  }

  private void brokenEntry(Handle h, Store store, Signature key, Exception e) {
    loadFailures.increment();
    String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
    LOG.log(Level.WARNING, "entry {0} of \"{1}\" is unreadable ({2}); quarantined, computing it again",
        key, h.id, reason);
    try {
      store.quarantine(h.id, key, reason);
    } catch (IOException | RuntimeException q) {
      warnOnce("quarantine:" + h.id, "cannot quarantine entry " + key + " of \"" + h.id + "\"", q);
    }
  }

  private Optional<Serde> serdeNamed(String name) {
    if (name.equals(serde.name())) {
      return Optional.of(serde);
    }
    return readSerdes.computeIfAbsent(name, n -> serdes.find(n).map(p -> serdes.create(p, config)));
  }

  private void save(
      Handle h, Route route, Object[] args, Signed signed, Object result, long nanos) {
    Store store = route.store; // the policy's, or the thread's storingIn store
    Serde serde = route.serde;
    Signature key = signed.key;
    Signature env = signed.env();
    Signature argsPart = signed.args();
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("function", h.id);
    metadata.put("signature.function", h.idPart.hex());
    metadata.put("signature.code", h.codePart.hex());
    metadata.put("signature.environment", env.hex());
    metadata.put("signature.arguments", argsPart.hex());
    metadata.put("created", Long.toString(signed.entryCreated = System.currentTimeMillis()));
    metadata.put("compute-nanos", Long.toString(nanos));
    integrity.annotate(metadata);
    EntryFormat.Header header = new EntryFormat.Header(serde.name(), signer.name(), metadata);
    long[] written = new long[1];
    try {
      store.put(h.id, key, out -> {
        CountingOutputStream counted = new CountingOutputStream(out);
        EntryIntegrity.Signing signing = integrity.signing(counted, h.id, key);
        EntryFormat.writeHeader(header, metadata, signing);
        EntryFormat.PayloadOutputStream payload = EntryFormat.payloadOutput(signing);
        serde.write(result, payload);
        payload.close();
        signing.finish();
        written[0] = counted.count();
      });
      bytesWritten.add(written[0]);
      signed.entryBytes = written[0];
    } catch (IOException | RuntimeException e) {
      storeFailures.increment();
      warnOnce("write:" + h.id + ":" + e.getClass().getName(),
          "cannot store the result of \"" + h.id + "\" in the " + store.name()
              + " store; it was returned but will be computed again next time", e);
      return;
    }
    try {
      writeRecords(h, route, args, signed);
    } catch (IOException | RuntimeException e) {
      warnOnce("record:" + h.id + ":" + e.getClass().getName(),
          "cannot record the latest entry of \"" + h.id + "\" in the " + store.name()
              + " store; explain will compare its next miss with an older entry", e);
    }
  }

  // ---------------------------------------------------------------- explaining

  private void writeRecords(Handle h, Route route, Object[] args, Signed signed)
      throws IOException {
    route.records.write(h.id, h.latestKey, h.codePart, () -> manifest(h), signed.env(), signed.args(),
        itemDigests(h, args));
  }

  /** The code manifest: what the code part was made of, by name. */
  private static Map<String, String> manifest(Handle h) {
    if (h.options.ignoresCode()) {
      return Map.of("version \"" + h.options.version().orElse("") + "\" (code ignored)", "");
    }
    return h.code.manifest();
  }

  /** A digest of each environment item and argument, so that explain can name the one that differs. */
  private Map<String, String> itemDigests(Handle h, Object[] args) {
    CanonicalEncoder enc = encoders.get();
    Map<String, String> digests = new LinkedHashMap<>();
    try {
      int states = h.ref.state().size();
      for (int i = 0; i < states; i++) {
        putState(h, enc, i);
        digests.put("environment." + h.environmentNames.get(i), enc.finish().hex());
      }
      List<StaticField> fields = h.code.staticFields();
      for (int i = 0; i < fields.size(); i++) {
        putStaticField(h, enc, i);
        digests.put("environment." + fields.get(i).label(), enc.finish().hex());
      }
      for (int i = 0; i < args.length; i++) {
        if ((h.ignoredMask & (1L << i)) == 0) {
          putArgument(h, enc, args, i);
          digests.put("argument." + i, enc.finish().hex());
        }
      }
    } catch (RuntimeException e) {
      enc.reset();
      throw e;
    }
    return digests;
  }

  @Override
  public Explanation explain(Object memoized, Object... args) {
    Objects.requireNonNull(args, "args");
    if (!(memoized instanceof Memoized m) || m.owner() != this) {
      throw new IllegalArgumentException("explain takes a function returned by this memoizer's"
          + " function, supplier, biFunction or triFunction, not " + memoized);
    }
    Handle h = m.handle;
    if (args.length != h.arity) {
      throw new IllegalArgumentException("\"" + h.id + "\" takes " + h.arity + " argument"
          + (h.arity == 1 ? "" : "s") + " but explain was given " + args.length);
    }
    if (closed) {
      throw new StoreException("this memoizer is closed; create a new one with Memo.create()");
    }
    if (!enabled) {
      return Explanation.firstMiss(h.id);
    }
    Signed signed = sign(h, args);
    Route route = scopes.storeRoute(h.route);
    Store store = route.store;
    try {
      Optional<InputStream> entry = store.get(h.id, signed.key);
      if (entry.isPresent()) {
        entry.get().close();
        return Explanation.hit(h.id);
      }
      return explainMiss(h, route, args, signed);
    } catch (IOException e) {
      throw new StoreException("cannot read the " + store.name() + " store to explain a call of \""
          + h.id + "\": " + e + "; check that the store is readable", e);
    }
  }

  // ---------------------------------------------------------------- managing entries

  @Override
  public boolean contains(Object memoized, Object... args) {
    Objects.requireNonNull(args, "args");
    Handle h = handleOf("contains", memoized, args);
    Route route = entriesRoute(h);
    if (route == null) {
      return false;
    }
    Store store = route.store;
    Signature key = sign(h, args).key;
    Optional<InputStream> found;
    try {
      found = store.get(h.id, key);
    } catch (IOException e) {
      throw new StoreException("cannot read the " + store.name() + " store to check for a call of \""
          + h.id + "\": " + e + "; check that the store is readable", e);
    }
    if (found.isEmpty()) {
      return false;
    }
    try (InputStream in = new BufferedInputStream(integrity.verified(found.get(), h.id, key))) {
      EntryFormat.Header header = EntryCheck.check(in, integrity).header();
      if (!header.signer().equals(signer.name())) {
        throw new CorruptEntryException(
            "entry was signed by \"" + header.signer() + "\" but its key by \"" + signer.name() + "\"");
      }
      // An entry whose serde is missing would be recomputed by a call: it is not usable.
      return serdeNamed(header.serde()).isPresent();
    } catch (CorruptEntryException e) {
      brokenEntry(h, store, key, e);
      return false;
    } catch (IOException e) {
      throw new StoreException("cannot read entry " + key + " of \"" + h.id + "\" from the "
          + store.name() + " store: " + e + "; check that the store is readable", e);
    }
  }

  @Override
  public boolean invalidate(Object memoized, Object... args) {
    Objects.requireNonNull(args, "args");
    Handle h = handleOf("invalidate", memoized, args);
    Route route = entriesRoute(h);
    if (route == null) {
      return false;
    }
    Store store = route.store;
    Signature key = sign(h, args).key;
    tier.forget(store, h.id, key);
    try {
      return store.remove(h.id, key);
    } catch (IOException e) {
      throw new StoreException("cannot remove entry " + key + " of \"" + h.id + "\" from the "
          + store.name() + " store: " + e + "; check that the store is writable", e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Also forgets the function's most recent entry, which {@link #explain} compares a miss with.
   */
  @Override
  public long clear(Object memoized) {
    Handle h = handleOf("clear", memoized, null);
    Route route = entriesRoute(h);
    if (route == null) {
      return 0;
    }
    Store store = route.store;
    tier.forget(store, h.id);
    try {
      long removed = store.clear(h.id);
      store.remove(MissRecords.NAMESPACE, h.latestKey);
      return removed;
    } catch (UnsupportedOperationException e) {
      throw new StoreException("cannot clear \"" + h.id + "\": " + e.getMessage()
          + "; use a store that can list its entries, such as directory or chronicle", e);
    } catch (IOException e) {
      throw new StoreException("cannot clear \"" + h.id + "\" in the " + store.name() + " store: "
          + e + "; check that the store is readable and writable", e);
    }
  }

  /**
   * Returns the route whose store holds the function's entries for the current thread (its
   * policy's, or the thread's {@code storingIn} store), or null when memoization or the policy is
   * off and the function has no entries.
   */
  private Route entriesRoute(Handle h) {
    if (!enabled) {
      return null;
    }
    Route route = scopes.storeRoute(h.route);
    return route.enabled ? route : null;
  }

  /**
   * Returns the handle of a wrapper of this memoizer, checking the number of arguments unless
   * {@code args} is null.
   */
  private Handle handleOf(String operation, Object memoized, Object[] args) {
    if (!(memoized instanceof Memoized m) || m.owner() != this) {
      throw new IllegalArgumentException(operation + " takes a function returned by this"
          + " memoizer's function, supplier, biFunction or triFunction, not " + memoized);
    }
    Handle h = m.handle;
    if (args != null && args.length != h.arity) {
      throw new IllegalArgumentException("\"" + h.id + "\" takes " + h.arity + " argument"
          + (h.arity == 1 ? "" : "s") + " but " + operation + " was given " + args.length);
    }
    if (closed) {
      throw new StoreException("this memoizer is closed; create a new one with Memo.create()");
    }
    return h;
  }

  private Explanation explainMiss(Handle h, Route route, Object[] args, Signed signed)
      throws IOException {
    return route.records.explain(h.id, h.latestKey, h.codePart, () -> manifest(h), signed.env(),
        signed.args(), () -> itemDigests(h, args));
  }

  private void logMiss(Handle h, Route route, Object[] args, Signed signed) {
    String reason;
    try {
      reason = explainMiss(h, route, args, signed).toString();
    } catch (IOException | RuntimeException e) {
      reason = "miss of \"" + h.id + "\" (cannot explain it: " + e + ")";
    }
    LOG.log(Level.DEBUG, reason);
  }

  private void warnOnce(String what, String message, Throwable cause) {
    String text = cause == null ? message : message + ": " + cause;
    if (warned.size() < 10_000 && warned.add(what)) {
      LOG.log(Level.WARNING, text + " (further occurrences are logged at DEBUG)");
    } else {
      LOG.log(Level.DEBUG, text);
    }
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public MemoStats stats() {
    return new MemoStats(
        hits.sum(),
        misses.sum(),
        loadFailures.sum(),
        storeFailures.sum(),
        computeNanos.sum(),
        bytesRead.sum(),
        bytesWritten.sum());
  }

  /**
   * Returns the store this memoizer uses, or empty when memoization is switched off ({@code
   * memo.enabled=false}).
   *
   * @return the store's name
   */
  public Optional<String> storeName() {
    return Optional.ofNullable(store).map(Store::name);
  }

  /**
   * Returns the serde this memoizer writes with, or empty when memoization is switched off.
   *
   * @return the serde's name
   */
  public Optional<String> serdeName() {
    return Optional.ofNullable(serde).map(Serde::name);
  }

  /**
   * Returns the signer this memoizer signs with, or empty when memoization is switched off.
   *
   * @return the signer's name
   */
  public Optional<String> signerName() {
    return Optional.ofNullable(signer).map(Signer::name);
  }

  /**
   * Returns whether memoization is on; {@code memo.enabled=false} turns it off and functions run
   * every time.
   *
   * @return true if on
   */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Closes the store if this memoizer created it (a store given to the builder is the caller's to
   * close). Later calls through the wrappers fail with a {@link StoreException}.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (tier != null) {
      tier.clear();
    }
    try {
      if (policies != null) {
        policies.close();
      }
    } finally {
      if (ownsStore) {
        store.close();
      }
    }
  }

  @Override
  public String toString() {
    return enabled
        ? "Memo{store=" + store.name() + ", serde=" + serde.name() + ", signer=" + signer.name() + "}"
        : "Memo{disabled}";
  }

  // ---------------------------------------------------------------- builder

  /**
   * Configures a {@link Memo}. Each option can be set once; {@link #build()} can be called again
   * to make another memoizer with the same options. Not thread-safe.
   */
  public static final class Builder {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<TypeSigner<?>> typeSigners = new ArrayList<>();
    private Store store;
    private String storeName;
    private Serde serde;
    private String serdeName;
    private Signer signer;
    private String signerName;
    private ClassLoader classLoader;
    private Map<String, String> environment = System.getenv();
    private Properties systemProperties = System.getProperties();

    private Builder() {}

    /**
     * Uses this store instance; the caller keeps ownership and closes it.
     *
     * @param store the store
     * @return this builder
     * @throws IllegalStateException if a store was already chosen
     */
    public Builder store(Store store) {
      requireUnset(this.store == null && storeName == null, "store");
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Uses the store provider with this name, overriding {@code memo.store}.
     *
     * @param name a provider name such as {@code directory}, {@code memory}
     * @return this builder
     * @throws IllegalStateException if a store was already chosen
     */
    public Builder store(String name) {
      requireUnset(this.store == null && storeName == null, "store");
      this.storeName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Uses this serde instance for writing.
     *
     * @param serde the serde
     * @return this builder
     * @throws IllegalStateException if a serde was already chosen
     */
    public Builder serde(Serde serde) {
      requireUnset(this.serde == null && serdeName == null, "serde");
      this.serde = Objects.requireNonNull(serde, "serde");
      return this;
    }

    /**
     * Uses the serde provider with this name, overriding {@code memo.serde}.
     *
     * @param name a provider name such as {@code java}, {@code java-gzip}
     * @return this builder
     * @throws IllegalStateException if a serde was already chosen
     */
    public Builder serde(String name) {
      requireUnset(this.serde == null && serdeName == null, "serde");
      this.serdeName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Uses this signer instance.
     *
     * @param signer the signer
     * @return this builder
     * @throws IllegalStateException if a signer was already chosen
     */
    public Builder signer(Signer signer) {
      requireUnset(this.signer == null && signerName == null, "signer");
      this.signer = Objects.requireNonNull(signer, "signer");
      return this;
    }

    /**
     * Uses the signer provider with this name, overriding {@code memo.signer}.
     *
     * @param name a provider name such as {@code sha256}, {@code xxh3-128}
     * @return this builder
     * @throws IllegalStateException if a signer was already chosen
     */
    public Builder signer(String name) {
      requireUnset(this.signer == null && signerName == null, "signer");
      this.signerName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets a configuration value, taking precedence over system properties, the environment and
     * {@code memo.properties}.
     *
     * @param key a full key starting with {@code memo.}, such as {@code
     *     memo.store.directory.path}
     * @param value the value
     * @return this builder
     * @throws MemoConfigurationException if the key does not start with {@code memo.}
     * @throws IllegalStateException if the key was already set
     */
    public Builder config(String key, String value) {
      Objects.requireNonNull(value, "value");
      if (!key.startsWith("memo.")) {
        throw new MemoConfigurationException(
            "configuration key \"" + key + "\" does not start with \"memo.\"; use full keys such as"
                + " memo.store.directory.path");
      }
      requireUnset(!values.containsKey(key), "configuration key " + key);
      values.put(key, value);
      return this;
    }

    /**
     * Sets several configuration values; see {@link #config(String, String)}.
     *
     * @param values full keys to values
     * @return this builder
     */
    public Builder config(Map<String, String> values) {
      values.forEach(this::config);
      return this;
    }

    /**
     * Adds a signer for an argument type, beside those found by {@link java.util.ServiceLoader}.
     *
     * @param typeSigner the type signer
     * @return this builder
     */
    public Builder typeSigner(TypeSigner<?> typeSigner) {
      typeSigners.add(Objects.requireNonNull(typeSigner, "typeSigner"));
      return this;
    }

    /**
     * Sets the class loader that providers and {@code memo.properties} are looked up with; the
     * thread's context class loader by default.
     *
     * @param loader the class loader
     * @return this builder
     * @throws IllegalStateException if it was already set
     */
    public Builder classLoader(ClassLoader loader) {
      requireUnset(classLoader == null, "class loader");
      this.classLoader = Objects.requireNonNull(loader, "loader");
      return this;
    }

    Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    Builder systemProperties(Properties properties) {
      this.systemProperties = properties;
      return this;
    }

    private static void requireUnset(boolean unset, String what) {
      if (!unset) {
        throw new IllegalStateException(what + " was already set on this builder");
      }
    }

    /**
     * Builds a memoizer: reads the configuration, selects and creates the providers.
     *
     * @return the memoizer; close it to release its store
     * @throws MemoConfigurationException if the configuration or the providers are invalid
     */
    public Memo build() {
      return new Memo(this);
    }
  }
}
