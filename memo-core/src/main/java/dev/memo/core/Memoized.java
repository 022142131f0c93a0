package dev.memo.core;

import dev.memo.MemoBiFunction;
import dev.memo.MemoFunction;
import dev.memo.MemoSupplier;
import dev.memo.MemoTriFunction;
import dev.memo.Signable;
import dev.memo.SignatureSink;
import dev.memo.TriFunction;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The wrappers a {@link Memo} hands out for the functions it memoizes: each holds its memoizer and
 * its function's {@link Handle}, and calls through the memoizer. A wrapper is {@link Signable} so
 * that a memoized function kept in a static field, which the code of another (or the same) memoized
 * function reads, signs by what it computes, its id and code, rather than failing as a value memo
 * cannot sign. Immutable; thread-safe if the wrapped function is.
 */
abstract class Memoized implements Signable {
  final Memo owner;
  final Handle handle;

  Memoized(Memo owner, Handle handle) {
    this.owner = owner;
    this.handle = handle;
  }

  /** Calls memoized with the arguments in an array, for {@code Memoizer.result}. */
  abstract @Nullable Object callWith(@Nullable Object[] args);

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

  static final class OfFunction<T, R> extends Memoized implements Function<T, R> {
    private final MemoFunction<T, R> function;

    OfFunction(Memo owner, Handle handle, MemoFunction<T, R> function) {
      super(owner, handle);
      this.function = function;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R apply(T t) {
      return (R) owner.call(handle, new Object[] {t}, () -> function.apply(t));
    }

    @Override
    @SuppressWarnings("unchecked")
    @Nullable Object callWith(@Nullable Object[] a) {
      return apply((T) a[0]);
    }
  }

  static final class OfSupplier<R> extends Memoized implements Supplier<R> {
    private final MemoSupplier<R> supplier;

    OfSupplier(Memo owner, Handle handle, MemoSupplier<R> supplier) {
      super(owner, handle);
      this.supplier = supplier;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R get() {
      return (R) owner.call(handle, new Object[0], supplier::get);
    }

    @Override
    @Nullable Object callWith(@Nullable Object[] a) {
      return get();
    }
  }

  static final class OfBiFunction<T, U, R> extends Memoized implements BiFunction<T, U, R> {
    private final MemoBiFunction<T, U, R> function;

    OfBiFunction(Memo owner, Handle handle, MemoBiFunction<T, U, R> function) {
      super(owner, handle);
      this.function = function;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R apply(T t, U u) {
      return (R) owner.call(handle, new Object[] {t, u}, () -> function.apply(t, u));
    }

    @Override
    @SuppressWarnings("unchecked")
    @Nullable Object callWith(@Nullable Object[] a) {
      return apply((T) a[0], (U) a[1]);
    }
  }

  static final class OfTriFunction<T, U, V, R> extends Memoized implements TriFunction<T, U, V, R> {
    private final MemoTriFunction<T, U, V, R> function;

    OfTriFunction(Memo owner, Handle handle, MemoTriFunction<T, U, V, R> function) {
      super(owner, handle);
      this.function = function;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R apply(T t, U u, V v) {
      return (R) owner.call(handle, new Object[] {t, u, v}, () -> function.apply(t, u, v));
    }

    @Override
    @SuppressWarnings("unchecked")
    @Nullable Object callWith(@Nullable Object[] a) {
      return apply((T) a[0], (U) a[1], (V) a[2]);
    }
  }
}
