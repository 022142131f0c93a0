package dev.memo;

import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Wraps functions so that a call whose code, arguments and environment were seen before returns
 * the stored result instead of running again. Obtain one from {@code dev.memo.core.Memo}.
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
  default <T, R> Function<T, R> function(MemoFunction<T, R> function) {
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
  default <T, R> Function<T, R> function(String name, MemoFunction<T, R> function) {
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
  <T, R> Function<T, R> function(FunctionOptions options, MemoFunction<T, R> function);

  /**
   * Memoizes a computation without arguments under a name.
   *
   * @param <R> the result type
   * @param name see {@link FunctionOptions#name(String)}
   * @param supplier the computation
   * @return the memoized computation
   * @throws SignatureException see {@link #function(MemoFunction)}
   */
  default <R> Supplier<R> supplier(String name, MemoSupplier<R> supplier) {
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
  <R> Supplier<R> supplier(FunctionOptions options, MemoSupplier<R> supplier);

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
  default <T, U, R> BiFunction<T, U, R> biFunction(String name, MemoBiFunction<T, U, R> function) {
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
  <T, U, R> BiFunction<T, U, R> biFunction(
      FunctionOptions options, MemoBiFunction<T, U, R> function);

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
  default <T, U, V, R> TriFunction<T, U, V, R> triFunction(
      String name, MemoTriFunction<T, U, V, R> function) {
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
  <T, U, V, R> TriFunction<T, U, V, R> triFunction(
      FunctionOptions options, MemoTriFunction<T, U, V, R> function);

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
   * @throws IllegalArgumentException if {@code memoized} was not returned by this memoizer, or
   *     the number of arguments is wrong
   * @throws SignatureException if an argument or the environment cannot be signed
   * @throws StoreException if this memoizer is closed or its store cannot be read
   */
  Explanation explain(Object memoized, Object... args);

  /**
   * Returns whether the store holds a usable entry for a call: one that a call with these
   * arguments would return without computing. The call is signed exactly as it would be; the
   * entry's header and checksums are checked but its value is not deserialized. Neither runs the
   * function nor counts as a hit; a broken entry is not contained (it is quarantined, as a call
   * would).
   *
   * @param memoized a function returned by this memoizer's {@code function}, {@code supplier},
   *     {@code biFunction} or {@code triFunction}
   * @param args the call's arguments, as many as the function takes (none for a supplier)
   * @return true if a call would be answered from the store; false when memoization is off
   * @throws IllegalArgumentException if {@code memoized} was not returned by this memoizer, or
   *     the number of arguments is wrong
   * @throws SignatureException if an argument or the environment cannot be signed
   * @throws StoreException if this memoizer is closed or its store cannot be read
   */
  boolean contains(Object memoized, Object... args);

  /**
   * Removes the stored entry of one call, so that the next call with these arguments computes
   * again. The call is signed exactly as it would be.
   *
   * @param memoized a function returned by this memoizer's {@code function}, {@code supplier},
   *     {@code biFunction} or {@code triFunction}
   * @param args the call's arguments, as many as the function takes (none for a supplier)
   * @return true if an entry was removed; false if there was none, or memoization is off
   * @throws IllegalArgumentException if {@code memoized} was not returned by this memoizer, or
   *     the number of arguments is wrong
   * @throws SignatureException if an argument or the environment cannot be signed
   * @throws StoreException if this memoizer is closed or its store cannot be written
   */
  boolean invalidate(Object memoized, Object... args);

  /**
   * Removes every stored entry of a function: all entries under its name, whatever code,
   * environment or arguments they were computed with, including those of earlier versions of its
   * code. Other functions' entries stay.
   *
   * @param memoized a function returned by this memoizer's {@code function}, {@code supplier},
   *     {@code biFunction} or {@code triFunction}
   * @return how many entries were removed (0 when memoization is off)
   * @throws IllegalArgumentException if {@code memoized} was not returned by this memoizer
   * @throws StoreException if this memoizer is closed, or its store cannot list or remove
   *     entries
   */
  long clear(Object memoized);

  /**
   * Returns a snapshot of this memoizer's counters.
   *
   * @return the counters now
   */
  MemoStats stats();

  /**
   * Closes the store this memoizer opened. Calls through its wrappers afterwards fail with a
   * {@link StoreException}. Closing twice does nothing.
   */
  @Override
  void close();
}
