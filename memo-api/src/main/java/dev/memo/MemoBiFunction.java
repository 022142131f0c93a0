package dev.memo;

import java.io.Serializable;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * A function of two arguments that memo can memoize; see {@link MemoFunction} for why it is {@link
 * Serializable}.
 *
 * @param <T> the first argument type
 * @param <U> the second argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface MemoBiFunction<
        T extends @Nullable Object, U extends @Nullable Object, R extends @Nullable Object>
    extends BiFunction<T, U, R>, Serializable {}
