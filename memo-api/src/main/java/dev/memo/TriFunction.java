package dev.memo;

import org.jspecify.annotations.Nullable;

/**
 * A function of three arguments, the shape the JDK lacks.
 *
 * @param <T> the first argument type
 * @param <U> the second argument type
 * @param <V> the third argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface TriFunction<
    T extends @Nullable Object,
    U extends @Nullable Object,
    V extends @Nullable Object,
    R extends @Nullable Object> {
  /**
   * Applies this function.
   *
   * @param t the first argument
   * @param u the second argument
   * @param v the third argument
   * @return the result
   */
  R apply(T t, U u, V v);
}
