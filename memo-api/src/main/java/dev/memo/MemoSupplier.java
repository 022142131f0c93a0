package dev.memo;

import java.io.Serializable;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A computation without arguments that memo can memoize; see {@link MemoFunction} for why it is
 * {@link Serializable}.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface MemoSupplier<R extends @Nullable Object> extends Supplier<R>, Serializable {}
