package dev.memo.serde.java.internal;

import dev.memo.serde.java.AllowListFilter;
import dev.memo.serde.java.Compression;
import dev.memo.serde.java.JavaSerialization;
import dev.memo.spi.Serde;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.jspecify.annotations.Nullable;

/**
 * Java serialization compressed with gzip (Commons Compress), read through an {@link
 * AllowListFilter}. Thread-safe: every call has its own deflater or inflater.
 */
final class GzipJavaSerde implements Serde {
  static final String NAME = "java-gzip";

  private static final int DEFLATE_BUFFER_SIZE = 64 * 1024;

  /** What the deflater is handed at once, at least (JavaSerialization's writes are smaller). */
  private static final int INPUT_BUFFER_SIZE = 8 * 1024;

  private final AllowListFilter filter;
  private final Gzip gzip;

  GzipJavaSerde(AllowListFilter filter, int level) {
    this.filter = filter;
    this.gzip = new Gzip(level);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void write(@Nullable Object value, OutputStream out) throws IOException {
    JavaSerialization.write(value, out, filter, gzip);
  }

  @Override
  public @Nullable Object read(InputStream in) throws IOException {
    return JavaSerialization.read(in, filter, gzip);
  }

  @Override
  public String toString() {
    return "GzipJavaSerde{level=" + gzip.level + ", " + filter + "}";
  }

  private static final class Gzip implements Compression {
    final int level;

    Gzip(int level) {
      this.level = level;
    }

    @Override
    public OutputStream compress(OutputStream out) throws IOException {
      // Parameters are mutable, so each stream gets its own; modification time stays 0 so that
      // equal values give equal bytes.
      GzipParameters parameters = new GzipParameters();
      parameters.setCompressionLevel(level);
      parameters.setBufferSize(DEFLATE_BUFFER_SIZE);
      // close() calls finish(), which writes the trailer, then ends the deflater. Buffered here:
      // JavaSerialization hands over the object stream's small blocks as they come, and the
      // deflater does better with fewer, larger inputs.
      return new BufferedOutputStream(
          new GzipCompressorOutputStream(out, parameters), INPUT_BUFFER_SIZE);
    }

    @Override
    public InputStream decompress(InputStream in) throws IOException {
      return new GzipCompressorInputStream(in);
    }
  }
}
