package dev.memo.core.signer;

import dev.memo.spi.Signer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 through {@link MessageDigest}: 32-byte digests. Stateless, so thread-safe. */
final class Sha256Signer implements Signer {
  static final String NAME = "sha256";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int digestLength() {
    return 32;
  }

  @Override
  public Hasher newHasher() {
    try {
      return new Sha256Hasher(MessageDigest.getInstance("SHA-256"));
    } catch (NoSuchAlgorithmException e) {
      // Every Java SE platform must provide SHA-256, so this is a broken runtime, not a user error.
      throw new IllegalStateException("this Java runtime has no SHA-256 MessageDigest", e);
    }
  }

  @Override
  public String toString() {
    return NAME;
  }

  private static final class Sha256Hasher implements Hasher {
    private final MessageDigest digest;

    Sha256Hasher(MessageDigest digest) {
      this.digest = digest;
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
      digest.update(bytes, offset, length);
    }

    @Override
    public byte[] digest() {
      // MessageDigest.digest() already resets, as Hasher.digest() requires.
      return digest.digest();
    }

    @Override
    public void reset() {
      digest.reset();
    }
  }
}
