package dev.memo;

import org.jspecify.annotations.Nullable;

/**
 * Where a {@link Signable} or a {@link dev.memo.spi.TypeSigner} writes the content that signs a
 * value. Each method writes a type tag before the value, so {@code putInt(1)} and {@code
 * putLong(1)} write different content. Not thread-safe; valid only during the call that received
 * it.
 */
public interface SignatureSink {
  /**
   * Writes a boolean.
   *
   * @param value the value
   * @return this sink
   */
  SignatureSink putBoolean(boolean value);

  /**
   * Writes an int.
   *
   * @param value the value
   * @return this sink
   */
  SignatureSink putInt(int value);

  /**
   * Writes a long.
   *
   * @param value the value
   * @return this sink
   */
  SignatureSink putLong(long value);

  /**
   * Writes a double; {@code -0.0} and {@code 0.0} differ, all NaNs are one value.
   *
   * @param value the value
   * @return this sink
   */
  SignatureSink putDouble(double value);

  /**
   * Writes a string as its UTF-8 bytes and their length.
   *
   * @param value the value, not null
   * @return this sink
   */
  SignatureSink putString(String value);

  /**
   * Writes bytes and their length.
   *
   * @param value the value, not null
   * @return this sink
   */
  SignatureSink putBytes(byte[] value);

  /**
   * Writes any value memo can sign, with the same canonical encoding as an argument: boxed
   * primitives, strings, enums, records, lists, sets, maps, arrays, {@link Signable} and types with
   * a registered {@link dev.memo.spi.TypeSigner}.
   *
   * @param value the value, may be null
   * @return this sink
   * @throws SignatureException if the value, or anything inside it, cannot be signed
   */
  SignatureSink putValue(@Nullable Object value);
}
