package dev.memo.spi;

/**
 * A digest algorithm that signatures are computed with. memo mixes the signer's name into every
 * signature, so results signed by one signer are never found by another. Thread-safe; the {@link
 * Hasher}s it creates are not.
 */
public interface Signer {
  /**
   * Returns the provider name this signer is selected by, such as {@code sha256}.
   *
   * @return the name
   */
  String name();

  /**
   * Returns the digest length in bytes.
   *
   * @return the length, such as 32 for SHA-256
   */
  int digestLength();

  /**
   * Creates a hasher. memo keeps one per thread and reuses it.
   *
   * @return a new hasher, empty
   */
  Hasher newHasher();

  /** A streaming digest. Not thread-safe. */
  interface Hasher {
    /**
     * Adds bytes to the digest.
     *
     * @param bytes the array
     * @param offset where the bytes start
     * @param length how many bytes
     */
    void update(byte[] bytes, int offset, int length);

    /**
     * Completes the digest and resets this hasher to empty, ready for reuse.
     *
     * @return the digest, {@link Signer#digestLength()} bytes
     */
    byte[] digest();

    /** Discards what was added so far. */
    void reset();
  }
}
