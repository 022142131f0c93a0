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
 * Signing a small call of three arguments (an int, a short string, a double[8]) with the code part
 * cached, as {@code Memo} signs every call: one digest over the function part (32 bytes fixed at
 * wrap time, which for a function that captures nothing and reads no static field also covers the
 * empty environment and the arguments' header) and the canonical encoding of the arguments. This
 * mirrors {@code Memo.sign}, which is private; keep the two in step. Baseline: the raw digest of
 * the arguments' content bytes (4 + 3 + 64 bytes).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallSigningBench {
  @Param({"sha256", "xxh3-128"})
  public String signer;

  private CanonicalEncoder encoder;
  private byte[] functionPart;
  private final int n = 7;
  private final String name = "abc";
  private final double[] values = {1, 2, 3, 4, 5, 6, 7, 8};
  private byte[] raw;
  private MessageDigest sha256;
  private HashStream128 xxh3;

  @Setup
  public void setUp() throws NoSuchAlgorithmException {
    encoder = new CanonicalEncoder(Backends.signer(signer), TypeSigners.none());
    functionPart = new byte[32];
    ByteBuffer b = ByteBuffer.allocate(4 + 3 + 64).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(n).put(name.getBytes(StandardCharsets.UTF_8));
    for (double v : values) {
      b.putDouble(v);
    }
    raw = b.array();
    sha256 = MessageDigest.getInstance("SHA-256");
    xxh3 = Hashing.xxh3_128().hashStream();
  }

  @Benchmark
  public Signature sign() {
    // The function captures nothing and reads no static field: its environment and the
    // arguments' header are part of the function part, as Memo.handle makes it.
    CanonicalEncoder enc = encoder;
    enc.putRaw(functionPart);
    enc.putRoot(n, "argument 0", null);
    enc.putRoot(name, "argument 1", null);
    enc.putRoot(values, "argument 2", null);
    return enc.finish();
  }

  @Benchmark
  public Object signBaseline() {
    if (signer.equals("sha256")) {
      return sha256.digest(raw);
    }
    return xxh3.reset().putBytes(raw).get();
  }
}
