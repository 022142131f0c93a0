package dev.memo.serde.zstd;

import dev.memo.serde.java.JavaSerialization;
import dev.memo.spi.Serde;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Java serialization (memo-serde-java's, with its fast path for arrays and strings and its
 * allow-list filter) compressed with zstd. Thread-safe: each call takes a pooled context.
 */
final class ZstdSerde implements Serde {
  static final String NAME = "zstd";

  private final ObjectInputFilter filter;
  private final ZstdCompression zstd;

  ZstdSerde(ObjectInputFilter filter, ZstdCompression zstd) {
    this.filter = filter;
    this.zstd = zstd;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void write(@Nullable Object value, OutputStream out) throws IOException {
    JavaSerialization.write(value, out, filter, zstd);
  }

  @Override
  public @Nullable Object read(InputStream in) throws IOException {
    return JavaSerialization.read(in, filter, zstd);
  }

  /** The compression contexts created so far; reuse keeps this at the number of threads. */
  int compressorsCreated() {
    return zstd.compressors.created();
  }

  /** The decompression contexts created so far. */
  int decompressorsCreated() {
    return zstd.decompressors.created();
  }

  @Override
  public String toString() {
    return "ZstdSerde{level=" + zstd.level() + ", min-size=" + zstd.minSize() + ", " + filter + "}";
  }
}
