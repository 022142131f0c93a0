/**
 * Java serialization behind an allow-list filter, as the {@code java} and {@code java-gzip} serdes
 * use it, published for serdes in other modules that compress it differently (memo-serde-zstd):
 * {@link dev.memo.serde.java.JavaSerialization} writes and reads, {@link
 * dev.memo.serde.java.AllowListFilter} decides which classes a payload may name and is configured
 * under {@code memo.serde.java.}, and {@link dev.memo.serde.java.Compression} is the hook for a
 * compressed format.
 *
 * <p>Every type here is thread-safe, and no method accepts or returns {@code null} unless its
 * documentation says so.
 */
@NullMarked
package dev.memo.serde.java;

import org.jspecify.annotations.NullMarked;
