/**
 * The {@code kryo} and {@code kryo-zstd} serdes. {@link dev.memo.serde.kryo.KryoSerdeProvider} and
 * {@link dev.memo.serde.kryo.KryoZstdSerdeProvider} are public only for {@link
 * java.util.ServiceLoader}; everything else is package-private.
 *
 * <p>Every type here is thread-safe unless its documentation says otherwise, and no method accepts
 * or returns {@code null} unless its documentation says so.
 */
@NullMarked
package dev.memo.serde.kryo;

import org.jspecify.annotations.NullMarked;
