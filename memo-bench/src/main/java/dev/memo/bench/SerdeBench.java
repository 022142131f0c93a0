package dev.memo.bench;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.memo.spi.Serde;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Each serde writing and reading a payload, against the same work done by hand with the JDK: plain
 * {@code ObjectOutputStream} for {@code java}, {@code ObjectOutputStream} through the JDK's {@code
 * GZIPOutputStream} (level 6) for {@code java-gzip}, and through zstd-jni's {@code
 * ZstdOutputStream} (level 3) for {@code zstd}. {@code kryo} and {@code kryo-zstd} are measured
 * against plain {@code ObjectOutputStream}, like {@code java}: their own {@code java} and {@code
 * zstd} rows of the same run are the figures to set them against. The bytes each writes are in the
 * report.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SerdeBench {
  @Param({"java", "java-gzip", "zstd", "kryo", "kryo-zstd"})
  public String serde;

  @Param({"doubles", "strings", "mapOfRecords", "text"})
  public String kind;

  @Param({"100", "1024", "65536", "1048576", "33554432"})
  public int size;

  private Serde memo;
  private Object payload;
  private byte[] written;
  private byte[] writtenBaseline;
  private ByteArrayOutputStream out;

  @Setup
  public void setUp() throws IOException {
    memo = Backends.serde(serde);
    payload = Payloads.of(kind, size);
    out = new ByteArrayOutputStream(Math.max(1024, size + size / 4));
    memo.write(payload, out);
    written = out.toByteArray();
    out.reset();
    baselineWrite(payload, out);
    writtenBaseline = out.toByteArray();
  }

  /** Bytes written by the serde and by the baseline, for the report. */
  static long[] sizes(String serde, String kind, int size) throws IOException {
    SerdeBench b = new SerdeBench();
    b.serde = serde;
    b.kind = kind;
    b.size = size;
    b.setUp();
    return new long[] {b.written.length, b.writtenBaseline.length};
  }

  @Benchmark
  public int write() throws IOException {
    out.reset();
    memo.write(payload, out);
    return out.size();
  }

  @Benchmark
  public int writeBaseline() throws IOException {
    out.reset();
    baselineWrite(payload, out);
    return out.size();
  }

  @Benchmark
  public Object read() throws IOException {
    return memo.read(new ByteArrayInputStream(written));
  }

  @Benchmark
  public Object readBaseline() throws IOException, ClassNotFoundException {
    InputStream in = new ByteArrayInputStream(writtenBaseline);
    if (serde.equals("java-gzip")) {
      in = new GZIPInputStream(in, 8192);
    } else if (serde.equals("zstd")) {
      in = new java.io.BufferedInputStream(new ZstdInputStream(in), 8192);
    }
    return new ObjectInputStream(in).readObject();
  }

  private void baselineWrite(Object value, OutputStream target) throws IOException {
    if (serde.equals("zstd")) {
      ZstdOutputStream zstd = new ZstdOutputStream(target, 3);
      ObjectOutputStream o = new ObjectOutputStream(new java.io.BufferedOutputStream(zstd, 8192));
      o.writeObject(value);
      o.flush();
      zstd.close();
    } else if (serde.equals("java-gzip")) {
      GZIPOutputStream gzip = new GZIPOutputStream(target, 8192);
      ObjectOutputStream o = new ObjectOutputStream(gzip);
      o.writeObject(value);
      o.flush();
      gzip.finish();
    } else {
      ObjectOutputStream o = new ObjectOutputStream(target);
      o.writeObject(value);
      o.flush();
    }
  }
}
