package dev.memo.spi;

import dev.memo.SignatureSink;

/**
 * Teaches memo to sign a type it does not know and cannot change (a class from a library). Register
 * implementations for {@link java.util.ServiceLoader} under {@code dev.memo.spi.TypeSigner}, or
 * pass them to the memoizer's builder. A type signer applies to its type and its subtypes; the one
 * for the most specific type wins (the class itself, then its superclasses, then its interfaces).
 * Thread-safe.
 *
 * @param <T> the type signed
 */
public interface TypeSigner<T> {
  /**
   * Returns the type this signer signs.
   *
   * @return the class
   */
  Class<T> type();

  /**
   * Writes what of the value a result can depend on. memo has already written the value's class
   * name. Equal values must write equal content.
   *
   * @param value the value, not null
   * @param sink where to write
   */
  void sign(T value, SignatureSink sink);
}
