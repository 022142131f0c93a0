package dev.memo;

import java.io.Serializable;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A function of one argument that memo can memoize. It is {@link Serializable} so that the Java
 * compiler records, for a lambda or method reference, which method implements it: memo reads that
 * to sign the function's code and captured variables. Nothing is ever serialized through it.
 *
 * @param <T> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface MemoFunction<T extends @Nullable Object, R extends @Nullable Object>
    extends Function<T, R>, Serializable {}
