package dev.memo;

import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Wraps functions so that a call whose code, arguments and environment were seen before returns the
 * stored result instead of running again. Obtain one from {@code dev.memo.core.Memo}.
 *
 * <pre>{@code
 * Memoizer memo = Memo.create();
 * Function<Integer, Long> primes = memo.function("primes-below", Demo::countPrimesBelow);
 * primes.apply(50_000_000);   // computed, stored under ./.memo
 * primes.apply(50_000_000);   // reused, in this run and in the next
 * }</pre>
 *
 * <p>The wrappers are thread-safe: concurrent calls with one signature compute once. An exception
 * thrown by the function reaches the caller unchanged and nothing is stored. A result that cannot
 * be stored (disk full, not serializable) is still returned; a warning is logged and {@link
 * MemoStats#storeFailureCount()} counts it.
 *
 * <p>Implementations are thread-safe.
 */
public interface Memoizer extends AutoCloseable {

  /**
   * Memoizes a function of one argument under its implementing method's qualified name.
   *
   * @param <T> the argument type
   * @param <R> the result type
   * @param function a lambda, method reference or class implementing {@link MemoFunction}
   * @return the memoized function
   * @throws SignatureException if the function's code cannot be located, or a captured variable
   *     cannot be signed
   */
  default <T extends @Nullable Object, R extends @Nullable Object> Function<T, R> function(
      MemoFunction<T, R> function) {
    return function(FunctionOptions.defaults(), function);
  }

  /**
   * Memoizes a function of one argument under a name.
   *
   * @param <T> the argument type
   * @param <R> the result type
   * @param name see {@link FunctionOptions#name(String)}
   * @param function the function
   * @return the memoized function
   * @throws SignatureException see {@link #function(MemoFunction)}
   */
  default <T extends @Nullable Object, R extends @Nullable Object> Function<T, R> function(
      String name, MemoFunction<T, R> function) {
    return function(FunctionOptions.named(name), function);
  }

  /**
   * Memoizes a function of one argument with options.
   *
   * @param <T> the argument type
   * @param <R> the result type
   * @param options name, version and ignored parameters
   * @param function the function
   * @return the memoized function
   * @throws SignatureException see {@link #function(MemoFunction)}
   */
  <T extends @Nullable Object, R extends @Nullable Object> Function<T, R> function(
      FunctionOptions options, MemoFunction<T, R> function);

  /**
   * Memoizes a computation without arguments under a name.
   *
   * @param <R> the result type
   * @param name see {@link FunctionOptions#name(String)}
   * @param supplier the computation
   * @return the memoized computation
   * @throws SignatureException see {@link #function(MemoFunction)}
   */
  default <R extends @Nullable Object> Supplier<R> supplier(String name, MemoSupplier<R> supplier) {
    return supplier(FunctionOptions.named(name), supplier);
  }

  /**
   * Memoizes a computation without arguments with options.
   *
   * @param <R> the result type
   * @param options name and version
   * @param supplier the computation
   * @return the memoized computation
   * @throws SignatureException see {@link #function(MemoFunction)}
   */
  <R extends @Nullable Object> Supplier<R> supplier(
      FunctionOptions options, MemoSupplier<R> supplier);

  /**
   * Memoizes a function of two arguments under a name.
   *
   * @param <T> the first argument type
   * @param <U> the second argument type
   * @param <R> the result type
   * @param name see {@link FunctionOptions#name(String)}
   * @param function the function
   * @return the memoized function
   * @throws SignatureException see {@link #function(MemoFunction)}
   */
  default <T extends @Nullable Object, U extends @Nullable Object, R extends @Nullable Object>
      BiFunction<T, U, R> biFunction(String name, MemoBiFunction<T, U, R> function) {
    return biFunction(FunctionOptions.named(name), function);
  }

  /**
   * Memoizes a function of two arguments with options.
   *
   * @param <T> the first argument type
   * @param <U> the second argument type
   * @param <R> the result type
   * @param options name, version and ignored parameters
   * @param function the function
   * @return the memoized function
   * @throws SignatureException see {@link #function(MemoFunction)}
   */
  <T extends @Nullable Object, U extends @Nullable Object, R extends @Nullable Object>
      BiFunction<T, U, R> biFunction(FunctionOptions options, MemoBiFunction<T, U, R> function);

  /**
   * Memoizes a function of three arguments under a name.
   *
   * @param <T> the first argument type
   * @param <U> the second argument type
   * @param <V> the third argument type
   * @param <R> the result type
   * @param name see {@link FunctionOptions#name(String)}
   * @param function the function
   * @return the memoized function
   * @throws SignatureException see {@link #function(MemoFunction)}
   */
  default <
          T extends @Nullable Object,
          U extends @Nullable Object,
          V extends @Nullable Object,
          R extends @Nullable Object>
      TriFunction<T, U, V, R> triFunction(String name, MemoTriFunction<T, U, V, R> function) {
    return triFunction(FunctionOptions.named(name), function);
  }

  /**
   * Memoizes a function of three arguments with options.
   *
   * @param <T> the first argument type
   * @param <U> the second argument type
   * @param <V> the third argument type
   * @param <R> the result type
   * @param options name, version and ignored parameters
   * @param function the function
   * @return the memoized function
   * @throws SignatureException see {@link #function(MemoFunction)}
   */
  <
          T extends @Nullable Object,
          U extends @Nullable Object,
          V extends @Nullable Object,
          R extends @Nullable Object>
      TriFunction<T, U, V, R> triFunction(
          FunctionOptions options, MemoTriFunction<T, U, V, R> function);

  /**
   * Returns an implementation of an interface whose {@link Memoize}-annotated methods are memoized
   * and whose other methods call {@code impl} straight through. A memoized method's code is the
   * method that implements it in {@code impl}'s class (or the interface's default method, when the
   * class does not override it). Unannotated default methods that {@code impl}'s class does not
   * override run on the proxy, so that the memoized methods they call are memoized too.
   *
   * <p><b>State.</b> A memoized method may read the instance fields of {@code impl}: every
   * non-static field of its class and superclasses is signed by value at each call, as the captured
   * variables of a lambda are. A field whose value cannot change a result (a cache, a listener, a
   * counter) must be marked {@link NotSigned} or {@code transient}; a field memo cannot sign is an
   * error here, naming the field, never a silent stale hit. Static fields are signed as for any
   * memoized code.
   *
   * <p>Exceptions thrown by {@code impl} reach the caller unchanged. {@code equals} is identity of
   * the proxy, {@code hashCode} its identity hash. Each memoized method's result name is registered
   * for {@link #result(String, Object...)}.
   *
   * <pre>{@code
   * Maps maps = memo.proxy(Maps.class, new MapsImpl());
   * double[] sq = maps.squared(map);      // computed once, then reused
   * }</pre>
   *
   * @param <T> the interface
   * @param iface the interface
   * @param impl its implementation
   * @return the proxy; thread-safe if {@code impl} is
   * @throws IllegalArgumentException if {@code iface} is not an interface or {@code impl} does not
   *     implement it
   * @throws MemoConfigurationException if a {@link Memoize} method returns {@code void}, ignores a
   *     parameter it does not have, or has a tag whose policy is invalid
   * @throws SignatureException if a field of {@code impl} or a method's code cannot be signed
   */
  <T> T proxy(Class<T> iface, T impl);

  /**
   * Returns the result with this name for these arguments, computing it if it is not stored: the
   * explicit-context way to share a temporary result. The name is a {@link Memoize#name()} of a
   * proxy made by this memoizer, or the {@link FunctionOptions#name(String) name} given to a
   * wrapped function; when one name was registered twice, the latest wins.
   *
   * <pre>{@code
   * double[] sq = memo.result("rms-squared", map);   // the same entry maps.squared(map) uses
   * }</pre>
   *
   * @param <R> the result type the caller expects
   * @param name the result's name
   * @param arguments the arguments, as many as the function takes
   * @return the result, as the function's own callers receive it
   * @throws IllegalArgumentException if no result has this name (the message lists the known
   *     names), or the number of arguments is wrong
   * @throws ClassCastException at the caller, if {@code R} is not the result's type
   */
  <R extends @Nullable Object> R result(String name, @Nullable Object... arguments);

  /**
   * Suspends memoization in the current thread until the returned scope is closed: memoized
   * functions just run, reading and writing nothing. Other threads are not affected. Scopes nest.
   *
   * <pre>{@code
   * try (var off = memo.suspend()) {
   *   primes.apply(1_000);   // runs the function
   * }
   * }</pre>
   *
   * @return the scope to close, in this thread
   */
  MemoScope suspend();

  /**
   * Makes the current thread's memoized calls read and write a directory store at {@code directory}
   * until the returned scope is closed, whatever their policies name (calls under a policy that is
   * off still just run). Entries written inside are found inside and not outside; the object tier
   * keeps them apart too. Other threads are not affected. Scopes nest, the innermost wins; the
   * store is closed with its scope.
   *
   * <pre>{@code
   * try (var s = memo.storingIn(Path.of("/tmp/experiment"))) {
   *   primes.apply(1_000);   // stored under /tmp/experiment
   * }
   * }</pre>
   *
   * @param directory the store's root folder; created if missing
   * @return the scope to close, in this thread
   * @throws StoreException if the folder cannot be created or used
   */
  MemoScope storingIn(java.nio.file.Path directory);

  /**
   * Explains whether a call would be answered from the store and, if not, which part of its
   * signature differs from the most recent entry stored for the function: the methods or jars of
   * the code, the static fields or captured variables of the environment, or the parameters. It
   * neither runs the function nor changes the store. The same explanation is logged at DEBUG on
   * every miss (logger {@code dev.memo}).
   *
   * <pre>{@code
   * Function<Integer, Long> primes = memo.function("primes-below", Demo::countPrimesBelow);
   * System.out.println(memo.explain(primes, 4_000_000));
   * }</pre>
   *
   * @param memoized a function returned by this memoizer's {@code function}, {@code supplier},
   *     {@code biFunction} or {@code triFunction}
   * @param args the call's arguments, as many as the function takes (none for a supplier)
   * @return the explanation
   * @throws IllegalArgumentException if {@code memoized} was not returned by this memoizer, or the
   *     number of arguments is wrong
   * @throws SignatureException if an argument or the environment cannot be signed
   * @throws StoreException if this memoizer is closed or its store cannot be read
   */
  Explanation explain(Object memoized, @Nullable Object... args);

  /**
   * Returns whether the store holds a usable entry for a call: one that a call with these arguments
   * would return without computing. The call is signed exactly as it would be; the entry's header
   * and checksums are checked but its value is not deserialized. Neither runs the function nor
   * counts as a hit; a broken entry is not contained (it is quarantined, as a call would).
   *
   * @param memoized a function returned by this memoizer's {@code function}, {@code supplier},
   *     {@code biFunction} or {@code triFunction}
   * @param args the call's arguments, as many as the function takes (none for a supplier)
   * @return true if a call would be answered from the store; false when memoization is off
   * @throws IllegalArgumentException if {@code memoized} was not returned by this memoizer, or the
   *     number of arguments is wrong
   * @throws SignatureException if an argument or the environment cannot be signed
   * @throws StoreException if this memoizer is closed or its store cannot be read
   */
  boolean contains(Object memoized, @Nullable Object... args);

  /**
   * Removes the stored entry of one call, so that the next call with these arguments computes
   * again. The call is signed exactly as it would be.
   *
   * @param memoized a function returned by this memoizer's {@code function}, {@code supplier},
   *     {@code biFunction} or {@code triFunction}
   * @param args the call's arguments, as many as the function takes (none for a supplier)
   * @return true if an entry was removed; false if there was none, or memoization is off
   * @throws IllegalArgumentException if {@code memoized} was not returned by this memoizer, or the
   *     number of arguments is wrong
   * @throws SignatureException if an argument or the environment cannot be signed
   * @throws StoreException if this memoizer is closed or its store cannot be written
   */
  boolean invalidate(Object memoized, @Nullable Object... args);

  /**
   * Removes every stored entry of a function: all entries under its name, whatever code,
   * environment or arguments they were computed with, including those of earlier versions of its
   * code. Other functions' entries stay.
   *
   * @param memoized a function returned by this memoizer's {@code function}, {@code supplier},
   *     {@code biFunction} or {@code triFunction}
   * @return how many entries were removed (0 when memoization is off)
   * @throws IllegalArgumentException if {@code memoized} was not returned by this memoizer
   * @throws StoreException if this memoizer is closed, or its store cannot list or remove entries:
   *     a store that does not declare {@link dev.memo.spi.Store.Capability#LISTING} is refused with
   *     a message that says so, and nothing is removed
   */
  long clear(Object memoized);

  /**
   * Returns a snapshot of this memoizer's counters.
   *
   * @return the counters now
   */
  MemoStats stats();

  /**
   * Returns a snapshot of the counters of the functions wrapped under a name: the name given to
   * {@link FunctionOptions#name(String)} (or to {@code function(String, ..)} and its kin) or to
   * {@link Memoize#name()}. Every function wrapped under one name shares its counters. A call
   * counts once, in its function's counters and so in {@link #stats()}, which is the sum of every
   * named function's counters and those of the functions wrapped without a name (which have none of
   * their own: their qualified names may name lambdas, and change as the code does).
   *
   * <pre>{@code
   * Function<Integer, Long> primes = memo.function("primes-below", Demo::countPrimesBelow);
   * primes.apply(1_000);
   * memo.stats("primes-below").missCount();   // 1
   * }</pre>
   *
   * @param function the function's name
   * @return the counters now; {@link MemoStats#empty()} if no function of this memoizer was wrapped
   *     under this name, or memoization is switched off
   * @throws NullPointerException if {@code function} is null
   */
  MemoStats stats(String function);

  /**
   * Returns a snapshot of the counters of every named function (see {@link #stats(String)}), by
   * name, in the order the names were first wrapped. Functions wrapped without a name are not
   * listed; they count in {@link #stats()} only.
   *
   * @return an unmodifiable map from each name to its counters now; iterated in the order the names
   *     were first wrapped; empty when memoization is switched off
   */
  Map<String, MemoStats> functionStats();

  /**
   * Closes the store this memoizer opened. Calls through its wrappers afterwards fail with a {@link
   * StoreException}. Closing twice does nothing.
   */
  @Override
  void close();
}
