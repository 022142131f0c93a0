package dev.memo;

import java.io.Serializable;
import org.jspecify.annotations.Nullable;

/**
 * A function of three arguments that memo can memoize; see {@link MemoFunction} for why it is
 * {@link Serializable}.
 *
 * @param <T> the first argument type
 * @param <U> the second argument type
 * @param <V> the third argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface MemoTriFunction<
        T extends @Nullable Object,
        U extends @Nullable Object,
        V extends @Nullable Object,
        R extends @Nullable Object>
    extends TriFunction<T, U, V, R>, Serializable {}
