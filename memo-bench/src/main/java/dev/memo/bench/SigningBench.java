package dev.memo.bench;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.memo.Signature;
import dev.memo.core.sign.CanonicalEncoder;
import dev.memo.core.sign.TypeSigners;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
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
 * Signing an argument with memo's canonical encoding against the raw digest of the same content
 * bytes ({@code MessageDigest} SHA-256, or hash4j XXH3-128 for {@code xxh3-128}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SigningBench {
  @Param({"sha256", "xxh3-128"})
  public String signer;

  @Param({"bytes", "doubles", "strings", "record"})
  public String kind;

  @Param({"16", "64", "1024", "16384", "1048576", "67108864"})
  public int size;

  private CanonicalEncoder encoder;
  private Object payload;
  private byte[] raw;
  private MessageDigest sha256;
  private HashStream128 xxh3;
  private final ByteBuffer chunk = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);

  @Setup
  public void setUp() throws NoSuchAlgorithmException {
    encoder = new CanonicalEncoder(Backends.signer(signer), TypeSigners.none());
    payload = Payloads.of(kind, size);
    raw = Payloads.rawBytes(payload);
    sha256 = MessageDigest.getInstance("SHA-256");
    xxh3 = Hashing.xxh3_128().hashStream();
  }

  @Benchmark
  public Signature sign() {
    encoder.putRoot(payload, "argument 0", null);
    return encoder.finish();
  }

  /**
   * The raw digest of the payload's content, as hand-written code would take it: a flat array in
   * one call; a list of strings or a record of points walked element by element (each string's
   * UTF-8 bytes, or for XXH3 its chars; each point's two doubles), since the content of such a
   * value is not one array until something walks it. No boundaries between elements are hashed,
   * which memo's encoding must add.
   */
  @Benchmark
  public Object signBaseline() {
    boolean sha = signer.equals("sha256");
    if (payload instanceof List) {
      List<?> strings = (List<?>) payload;
      if (sha) {
        // Gathered into a buffer: MessageDigest.update per short string costs more than its bytes.
        ByteBuffer b = chunk.clear();
        for (int i = 0; i < strings.size(); i++) {
          byte[] utf8 = ((String) strings.get(i)).getBytes(StandardCharsets.UTF_8);
          if (b.remaining() < utf8.length) {
            sha256.update(b.array(), 0, b.position());
            b.clear();
          }
          if (utf8.length > b.capacity()) {
            sha256.update(utf8);
          } else {
            b.put(utf8);
          }
        }
        sha256.update(b.array(), 0, b.position());
        return sha256.digest();
      }
      xxh3.reset();
      for (int i = 0; i < strings.size(); i++) {
        xxh3.putChars((String) strings.get(i));
      }
      return xxh3.get();
    }
    if (payload instanceof Payloads.Shape) {
      List<Payloads.Point> points = ((Payloads.Shape) payload).points();
      if (sha) {
        ByteBuffer b = chunk.clear();
        for (int i = 0; i < points.size(); i++) {
          if (b.remaining() < 16) {
            sha256.update(b.array(), 0, b.position());
            b.clear();
          }
          Payloads.Point p = points.get(i);
          b.putDouble(p.x()).putDouble(p.y());
        }
        sha256.update(b.array(), 0, b.position());
        return sha256.digest();
      }
      xxh3.reset();
      for (int i = 0; i < points.size(); i++) {
        Payloads.Point p = points.get(i);
        xxh3.putDouble(p.x()).putDouble(p.y());
      }
      return xxh3.get();
    }
    return sha ? sha256.digest(raw) : xxh3.reset().putBytes(raw).get();
  }
}
