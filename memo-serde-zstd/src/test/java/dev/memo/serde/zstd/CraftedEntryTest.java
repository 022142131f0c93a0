package dev.memo.serde.zstd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import dev.memo.NotSigned;
import dev.memo.core.Memo;
import dev.memo.spi.Serde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An entry with valid checksums whose payload declares an array of fifty million elements in a few
 * hundred bytes, as a corrupt or crafted entry does: the zstd serde refuses it, the call counts it
 * broken, quarantines it and recomputes; in a JVM whose heap the array would nearly fill, four
 * concurrent calls all get the recomputed value.
 */
final class CraftedEntryTest {
  @NotSigned static final AtomicInteger COMPUTED = new AtomicInteger();

  @TempDir Path dir;

  @BeforeEach
  void reset() {
    COMPUTED.set(0);
  }

  static String value(Integer x) {
    COMPUTED.incrementAndGet();
    return "value " + x;
  }

  /** Writes given payload bytes whatever the value, recorded as the zstd serde's. */
  private record Planting(byte[] payload) implements Serde {
    @Override
    public String name() {
      return "zstd";
    }

    @Override
    public void write(Object value, OutputStream out) throws IOException {
      out.write(payload);
    }

    @Override
    public Object read(InputStream in) {
      throw new UnsupportedOperationException();
    }
  }

  /** A zstd payload: its flag, then the bytes compressed into one frame. */
  private static byte[] zstd(byte[] plain) {
    byte[] frame = Zstd.compress(plain);
    byte[] payload = new byte[1 + frame.length];
    payload[0] = ZstdCompression.ZSTD;
    System.arraycopy(frame, 0, payload, 1, frame.length);
    return payload;
  }

  private static byte[] fastPathInts(int length) {
    return ByteBuffer.allocate(3 + 4 + 16)
        .put((byte) 'm')
        .put((byte) 'r')
        .put((byte) 5)
        .putInt(length)
        .array();
  }

  /** Java serialization of an Object[] holding an int[] whose length is patched. */
  private static byte[] serializedInts(int length) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new Object[] {new int[] {7, 7, 7}});
    }
    byte[] payload = bytes.toByteArray();
    byte[] pattern = {0, 0, 0, 3, 0, 0, 0, 7};
    for (int i = 0; ; i++) {
      if (Arrays.equals(payload, i, i + pattern.length, pattern, 0, pattern.length)) {
        ByteBuffer.wrap(payload).putInt(i, length);
        return payload;
      }
    }
  }

  private String callAfterPlanting(BytesStore store, byte[] payload, List<String> quarantined) {
    try (Memo attacker = Memo.builder().store(store).serde(new Planting(payload)).build()) {
      attacker.function("crafted", CraftedEntryTest::value).apply(1);
    }
    COMPUTED.set(0);
    try (Memo memo = Memo.builder().store(store).config(Map.of()).build()) {
      assertEquals("zstd", memo.serdeName().orElseThrow());
      String result = memo.function("crafted", CraftedEntryTest::value).apply(1);
      assertEquals(1, memo.stats().loadFailureCount());
      quarantined.addAll(store.quarantined);
      return result;
    }
  }

  @Test
  void apply_zstdEntryDeclaringFiftyMillionInts_isBrokenAndRecomputed() throws IOException {
    byte[] stored = new byte[1 + 23];
    System.arraycopy(fastPathInts(50_000_000), 0, stored, 1, 23);
    Map<String, byte[]> payloads =
        Map.of(
            "fast path, stored", stored,
            "fast path, compressed", zstd(fastPathInts(50_000_000)),
            "serialized, compressed", zstd(serializedInts(50_000_000)));
    for (var planted : payloads.entrySet()) {
      List<String> quarantined = new ArrayList<>();

      assertEquals(
          "value 1",
          callAfterPlanting(new BytesStore(), planted.getValue(), quarantined),
          planted.getKey());

      assertEquals(1, COMPUTED.get(), planted.getKey());
      String reason = quarantined.get(0);
      assertTrue(
          reason.endsWith(
              planted.getKey().startsWith("fast")
                  ? "SerdeException: payload ends before the value is complete; it is truncated"
                  : "SerdeException: payload declares an array of 50000000 elements of int, more than the"
                      + " bytes it holds can fill; it is corrupt"),
          planted.getKey() + ": " + reason);
    }
  }

  @Test
  void apply_fourThreadsInASmallHeapReadingACraftedEntry_allGetTheRecomputedValue()
      throws IOException, InterruptedException {
    Path errors = dir.resolve("stderr.txt");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                CraftedEntryMain.class.getName(),
                dir.resolve("store").toString())
            .redirectError(errors.toFile())
            .start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");

    assertEquals(0, child.exitValue(), "stderr:\n" + Files.readString(errors));
    // Each call that read the entry before another stored the recomputed value computes it too.
    assertTrue(
        out.matches(
            "results \\[value 1, value 1, value 1, value 1\\] computed [1-4] broken" + " [1-4]"),
        out + "\nstderr:\n" + Files.readString(errors));
    assertTrue(
        Files.readString(errors)
            .contains(
                "SerdeException: payload ends before the value is" + " complete; it is truncated"),
        Files.readString(errors));
  }
}
