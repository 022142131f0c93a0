package dev.memo.bench;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.memo.Signature;
import dev.memo.core.internal.CanonicalEncoder;
import dev.memo.core.internal.TypeSigners;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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

  @Benchmark
  public Object signBaseline() {
    if (signer.equals("sha256")) {
      return sha256.digest(raw);
    }
    return xxh3.reset().putBytes(raw).get();
  }
}
