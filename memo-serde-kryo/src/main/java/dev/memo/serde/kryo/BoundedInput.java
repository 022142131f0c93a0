package dev.memo.serde.kryo;

import com.esotericsoftware.kryo.kryo5.io.Input;
import dev.memo.SerdeException;

/**
 * A Kryo input over the whole payload, held in memory, that refuses a declared length before
 * anything is allocated for it when the bytes that remain cannot hold it: each element of a
 * collection or array takes at least one byte (a map entry two), a string's char at least one, so a
 * corrupt or forged size is a {@link SerdeException}, never an {@link OutOfMemoryError}. It also
 * applies {@code memo.serde.kryo.max-length}.
 *
 * <p>Not thread-safe: each pooled Kryo context owns one.
 */
final class BoundedInput extends Input {
  private final long maxLength;

  BoundedInput(long maxLength) {
    this.maxLength = maxLength;
  }

  /** Returns the input a serializer was handed, which is always this type in this module. */
  static BoundedInput of(Input input) {
    return (BoundedInput) input;
  }

  /** Bytes between the position and the end of the payload. */
  long remaining() {
    return (long) limit() - position();
  }

  /**
   * Refuses {@code count} elements of at least {@code bytesEach} bytes each unless the payload
   * still holds that many bytes and the count is within {@code memo.serde.kryo.max-length}.
   *
   * @throws SerdeException naming the count, the limit or the bytes that remain
   */
  void requireCount(long count, int bytesEach, String what) {
    if (count < 0) {
      throw new SerdeException(
          "payload declares " + what + " of " + count + " elements; it is corrupt");
    }
    if (count > maxLength) {
      throw new SerdeException(
          "payload declares "
              + what
              + " of "
              + count
              + " elements, more than "
              + KryoRules.MAX_LENGTH
              + " ("
              + maxLength
              + "); raise it if such values are expected");
    }
    long remaining = remaining();
    if (count * bytesEach > remaining) {
      throw new SerdeException(
          "payload declares "
              + what
              + " of "
              + count
              + " elements but holds only "
              + remaining
              + " more bytes; it is corrupt");
    }
  }

  @Override
  public byte[] readBytes(int length) {
    requireCount(length, 1, "a byte array");
    return super.readBytes(length);
  }

  @Override
  public String readString() {
    // Kryo writes an ASCII string as its bytes (nothing to allocate ahead of them) and any other
    // as a char count first: that count is checked before the chars are allocated.
    int at = position();
    if (readVarIntFlag()) {
      long chars = readVarIntFlag(true) - 1L; // -1: null
      if (chars > 0) {
        requireCount(chars, 1, "a string");
      }
    }
    setPosition(at);
    return super.readString();
  }

  @Override
  public StringBuilder readStringBuilder() {
    int at = position();
    if (readVarIntFlag()) {
      long chars = readVarIntFlag(true) - 1L; // -1: null
      if (chars > 0) {
        requireCount(chars, 1, "a string");
      }
    }
    setPosition(at);
    return super.readStringBuilder();
  }
}
