package dev.memo.core.signer;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.memo.spi.Signer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * XXH3-128 (seed 0, default secret) through hash4j's streaming implementation: 16-byte digests.
 *
 * <p>Byte order: the digest is the xxHash <em>canonical</em> form ({@code
 * XXH128_canonicalFromHash}), the high 64 bits big-endian followed by the low 64 bits big-endian,
 * so its hex form is what {@code xxhsum -H2} prints. (hash4j's own {@code
 * HashValue128.toByteArray()} is the byte-reverse of this.) Stateless, so thread-safe.
 */
final class Xxh3Signer implements Signer {
  static final String NAME = "xxh3-128";

  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int digestLength() {
    return 16;
  }

  @Override
  public Hasher newHasher() {
    return new Xxh3Hasher(Hashing.xxh3_128().hashStream());
  }

  @Override
  public String toString() {
    return NAME;
  }

  private static final class Xxh3Hasher implements Hasher {
    private final HashStream128 stream;

    Xxh3Hasher(HashStream128 stream) {
      this.stream = stream;
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
      stream.putBytes(bytes, offset, length);
    }

    @Override
    public byte[] digest() {
      HashValue128 value = stream.get();
      stream.reset();
      byte[] out = new byte[16];
      LONG_BE.set(out, 0, value.getMostSignificantBits());
      LONG_BE.set(out, 8, value.getLeastSignificantBits());
      return out;
    }

    @Override
    public void reset() {
      stream.reset();
    }
  }
}
