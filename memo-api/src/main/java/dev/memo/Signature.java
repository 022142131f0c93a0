package dev.memo;

import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * An immutable digest that identifies a memoized call, or one part of it (function, code,
 * environment, arguments). Two signatures are equal when their bytes are equal.
 */
public final class Signature implements Comparable<Signature> {
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;
  private final int hash;

  private Signature(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /**
   * Returns the signature with these bytes.
   *
   * @param bytes the digest, at least one byte; copied
   * @return the signature
   * @throws IllegalArgumentException if {@code bytes} is empty
   */
  public static Signature of(byte[] bytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("a signature needs at least one byte");
    }
    return new Signature(bytes.clone());
  }

  /**
   * Parses the lower- or upper-case hexadecimal form of a signature.
   *
   * @param hex an even number of hexadecimal digits, at least two
   * @return the signature
   * @throws IllegalArgumentException if {@code hex} is not such a string, quoting it
   */
  public static Signature fromHex(String hex) {
    if (hex.isEmpty() || (hex.length() & 1) != 0) {
      throw new IllegalArgumentException(
          "\"" + hex + "\" is not a signature: expected an even, non-zero number of hex digits");
    }
    try {
      return new Signature(HEX.parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "\"" + hex + "\" is not a signature: expected only hex digits 0-9 and a-f", e);
    }
  }

  /**
   * Returns a copy of the digest bytes.
   *
   * @return the bytes
   */
  public byte[] bytes() {
    return bytes.clone();
  }

  /**
   * Returns the digest length in bytes.
   *
   * @return the length
   */
  public int length() {
    return bytes.length;
  }

  /**
   * Returns the lower-case hexadecimal form, two digits a byte.
   *
   * @return the hex form
   */
  public String hex() {
    return HEX.formatHex(bytes);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Signature && Arrays.equals(bytes, ((Signature) o).bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(Signature other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  /** Returns {@link #hex()}. */
  @Override
  public String toString() {
    return hex();
  }
}
