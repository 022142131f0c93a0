package dev.memo.core;

import dev.memo.Explanation;
import dev.memo.FunctionOptions;
import dev.memo.MemoBiFunction;
import dev.memo.MemoConfigurationException;
import dev.memo.MemoFunction;
import dev.memo.MemoScope;
import dev.memo.MemoStats;
import dev.memo.MemoSupplier;
import dev.memo.MemoTriFunction;
import dev.memo.Memoizer;
import dev.memo.StoreException;
import dev.memo.TriFunction;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

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
 * README.md} for what each covers. {@link #explain} says which part made a call miss. The memoizer
 * reads the store, and on a miss runs the function once per signature (concurrent callers with the
 * same signature wait for that one computation), writes the result and returns it. Thread-safe.
 *
 * <p>Results are handed out immutable, the same on a miss and a hit (see {@code
 * memo.immutability}), and recently used ones are kept as objects in an object tier in front of the
 * store ({@code memo.object-tier.*}). Tags select policies ({@code memo.policy.<tag>.*}): untagged
 * functions use the {@code default} policy, the configured store; untagged {@link dev.memo.Memoize}
 * methods of a {@link #proxy} use the {@code memory} policy, this process only; the {@code disk}
 * tag the configured store. Stores that policies create are closed by {@link #close()}.
 */
public final class Memo implements Memoizer {
  private final Engine engine;
  private final NamedResults named = new NamedResults();
  private volatile boolean closed;

  Memo(Engine engine) {
    this.engine = engine;
  }

  /** The engine behind this memoizer; for tests. */
  Engine engine() {
    return engine;
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
  public <T extends @Nullable Object, R extends @Nullable Object> Function<T, R> function(
      FunctionOptions options, MemoFunction<T, R> function) {
    return named(new Memoized.OfFunction<>(this, handle(options, function, "apply", 1), function));
  }

  @Override
  public <R extends @Nullable Object> Supplier<R> supplier(
      FunctionOptions options, MemoSupplier<R> supplier) {
    return named(new Memoized.OfSupplier<>(this, handle(options, supplier, "get", 0), supplier));
  }

  @Override
  public <T extends @Nullable Object, U extends @Nullable Object, R extends @Nullable Object>
      BiFunction<T, U, R> biFunction(FunctionOptions options, MemoBiFunction<T, U, R> function) {
    return named(
        new Memoized.OfBiFunction<>(this, handle(options, function, "apply", 2), function));
  }

  @Override
  public <
          T extends @Nullable Object,
          U extends @Nullable Object,
          V extends @Nullable Object,
          R extends @Nullable Object>
      TriFunction<T, U, V, R> triFunction(
          FunctionOptions options, MemoTriFunction<T, U, V, R> function) {
    return named(
        new Memoized.OfTriFunction<>(this, handle(options, function, "apply", 3), function));
  }

  private Handle handle(FunctionOptions options, Object function, String sam, int arity) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(function, "function");
    for (int p : options.ignoredParameters()) {
      if (p >= arity) {
        throw new IllegalArgumentException(
            "parameter "
                + p
                + " is ignored but the function has "
                + arity
                + " parameter"
                + (arity == 1 ? "" : "s")
                + " (positions count from 0)");
      }
    }
    return engine.handle(options, function, sam, arity);
  }

  /** Registers a named wrapper for {@link #result}. */
  private <W extends Memoized> W named(W wrapper) {
    if (wrapper.handle.options.name().isPresent()) {
      CallItems items = wrapper.handle.items;
      named.register(
          wrapper.handle.id,
          items == null ? null : items.ref.qualifiedName(),
          wrapper.handle.arity,
          wrapper::callWith);
    }
    return wrapper;
  }

  @Override
  public <T> T proxy(Class<T> iface, T impl) {
    return MemoProxy.create(
        iface,
        impl,
        new MemoProxy.Calls() {
          @Override
          public Handle handle(FunctionOptions options, Object target, Method m, int arity) {
            return engine.handle(options, target, m, arity);
          }

          @Override
          public @Nullable Object call(Handle handle, @Nullable Object[] args, Supplier<?> body) {
            return Memo.this.call(handle, args, body);
          }

          @Override
          public void register(
              String name, String function, int arity, Function<Object[], Object> call) {
            named.register(name, function, arity, call);
          }
        });
  }

  @Override
  @SuppressWarnings("unchecked")
  public <R extends @Nullable Object> R result(String name, @Nullable Object... arguments) {
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
    return engine.suspend();
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
      throw new MemoConfigurationException(
          "storingIn was given an empty path, which would not be"
              + " a folder of its own; give the folder to store in, such as Path.of(\"build/memo\")");
    }
    checkOpen();
    return engine.storingIn(directory);
  }

  /** Calls through a wrapper of this memoizer. */
  @Nullable Object call(Handle h, @Nullable Object[] args, Supplier<?> body) {
    checkOpen();
    return engine.call(h, args, body);
  }

  // ---------------------------------------------------------------- explaining and managing

  @Override
  public Explanation explain(Object memoized, @Nullable Object... args) {
    Objects.requireNonNull(args, "args");
    return engine.explain(handleOf("explain", memoized, args), args);
  }

  @Override
  public boolean contains(Object memoized, @Nullable Object... args) {
    Objects.requireNonNull(args, "args");
    return engine.contains(handleOf("contains", memoized, args), args);
  }

  @Override
  public boolean invalidate(Object memoized, @Nullable Object... args) {
    Objects.requireNonNull(args, "args");
    return engine.invalidate(handleOf("invalidate", memoized, args), args);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Also forgets the function's most recent entry, which {@link #explain} compares a miss with.
   */
  @Override
  public long clear(Object memoized) {
    return engine.clear(handleOf("clear", memoized, null));
  }

  /**
   * Returns the handle of a wrapper of this memoizer, checking the number of arguments unless
   * {@code args} is null, and that this memoizer is open.
   */
  private Handle handleOf(String operation, Object memoized, @Nullable Object[] args) {
    if (!(memoized instanceof Memoized m) || m.owner != this) {
      throw new IllegalArgumentException(
          operation
              + " takes a function returned by this"
              + " memoizer's function, supplier, biFunction or triFunction, not "
              + memoized);
    }
    Handle h = m.handle;
    if (args != null && args.length != h.arity) {
      throw new IllegalArgumentException(
          "\""
              + h.id
              + "\" takes "
              + h.arity
              + " argument"
              + (h.arity == 1 ? "" : "s")
              + " but "
              + operation
              + " was given "
              + args.length);
    }
    checkOpen();
    return h;
  }

  private void checkOpen() {
    if (closed) {
      throw new StoreException("this memoizer is closed; create a new one with Memo.create()");
    }
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public MemoStats stats() {
    return engine.stats();
  }

  @Override
  public MemoStats stats(String function) {
    return engine.stats(Objects.requireNonNull(function, "function"));
  }

  @Override
  public Map<String, MemoStats> functionStats() {
    return engine.functionStats();
  }

  /**
   * Returns the store this memoizer uses, or empty when memoization is switched off ({@code
   * memo.enabled=false}).
   *
   * @return the store's name
   */
  public Optional<String> storeName() {
    return engine.storeName();
  }

  /**
   * Returns the serde this memoizer writes with, or empty when memoization is switched off.
   *
   * @return the serde's name
   */
  public Optional<String> serdeName() {
    return engine.serdeName();
  }

  /**
   * Returns the signer this memoizer signs with, or empty when memoization is switched off.
   *
   * @return the signer's name
   */
  public Optional<String> signerName() {
    return engine.signerName();
  }

  /**
   * Returns whether memoization is on; {@code memo.enabled=false} turns it off and functions run
   * every time.
   *
   * @return true if on
   */
  public boolean enabled() {
    return engine.enabled();
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
    engine.close();
  }

  @Override
  public String toString() {
    return engine.toString();
  }

  // ---------------------------------------------------------------- builder

  /**
   * Configures a {@link Memo}. Each option can be set once; {@link #build()} can be called again to
   * make another memoizer with the same options. Not thread-safe.
   */
  public static final class Builder extends MemoBuilder {
    private Builder() {}
  }
}
