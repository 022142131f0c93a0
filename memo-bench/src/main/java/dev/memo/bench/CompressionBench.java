package dev.memo.bench;

import dev.memo.spi.Serde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Compression alone: the {@code zstd} serde (level 3) against the {@code java-gzip} serde (level 6)
 * compressing the same bytes, those the {@code java} serde writes for a payload. The bytes are
 * handed to each serde as one {@code byte[]}, which takes the raw fast path (a copy), so the time
 * is the compressor's; {@link SerdeBench} measures serialization and compression together, where
 * Java serialization of a map of records costs more than either compressor.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CompressionBench {
  @Param({"doubles", "strings", "mapOfRecords", "text"})
  public String kind;

  @Param({"65536", "1048576", "33554432"})
  public int size;

  private Serde zstd;
  private Serde gzip;
  private byte[] serialized;
  private ByteArrayOutputStream out;

  @Setup
  public void setUp() throws IOException {
    zstd = Backends.serde("zstd");
    gzip = Backends.serde("java-gzip");
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    Backends.serde("java").write(Payloads.of(kind, size), plain);
    serialized = plain.toByteArray();
    out = new ByteArrayOutputStream(serialized.length + 1024);
  }

  /**
   * Bytes in and bytes out of each compressor, for the report.
   *
   * @return {serialized bytes, zstd's output, gzip's output}
   */
  static long[] sizes(String kind, int size) throws IOException {
    CompressionBench b = new CompressionBench();
    b.kind = kind;
    b.size = size;
    b.setUp();
    return new long[] {b.serialized.length, b.compress(), b.compressBaseline()};
  }

  /** zstd level 3, through memo's zstd serde. */
  @Benchmark
  public int compress() throws IOException {
    out.reset();
    zstd.write(serialized, out);
    return out.size();
  }

  /** gzip level 6, through memo's java-gzip serde. */
  @Benchmark
  public int compressBaseline() throws IOException {
    out.reset();
    gzip.write(serialized, out);
    return out.size();
  }
}
