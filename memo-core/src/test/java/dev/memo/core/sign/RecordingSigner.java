package dev.memo.core.sign;

import dev.memo.spi.Signer;
import java.io.ByteArrayOutputStream;

/**
 * A fake signer whose "digest" is every byte it was given, so tests can assert the encoding itself.
 * Set elements and map entries then sort by their whole encoding.
 */
final class RecordingSigner implements Signer {
  @Override
  public String name() {
    return "recording";
  }

  @Override
  public int digestLength() {
    return 0; // varies: the digest is the input
  }

  @Override
  public Hasher newHasher() {
    return new Hasher() {
      private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

      @Override
      public void update(byte[] b, int offset, int length) {
        bytes.write(b, offset, length);
      }

      @Override
      public byte[] digest() {
        byte[] out = bytes.toByteArray();
        bytes.reset();
        return out;
      }

      @Override
      public void reset() {
        bytes.reset();
      }
    };
  }
}
