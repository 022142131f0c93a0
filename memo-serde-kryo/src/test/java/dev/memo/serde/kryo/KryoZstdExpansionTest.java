package dev.memo.serde.kryo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.SerdeException;
import dev.memo.spi.Serde;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kryo-zstd payload that expands to more than a JVM's heap can hold (zstd turns a few bytes into
 * a block of 128 KiB) is refused as a {@link SerdeException}, a miss, instead of failing the call
 * with an {@link OutOfMemoryError}: read in a child JVM with a 64 MiB heap, where the same payload
 * reads back whole in this one.
 */
final class KryoZstdExpansionTest {
  @TempDir Path tmp;

  private static Serde kryoZstd() {
    return new KryoZstdSerdeProvider().create(MemoConfig.empty().scoped("memo.serde.kryo-zstd"));
  }

  /** Reads the payload in the file named by its argument and prints what became of it. */
  static final class Child {
    private Child() {}

    public static void main(String[] args) throws IOException {
      try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
        Object value = kryoZstd().read(in);
        System.out.println("read " + ((byte[]) value).length);
      } catch (SerdeException e) {
        System.out.println("refused: " + e.getMessage());
      }
    }
  }

  @Test
  void read_payloadExpandingPastTheHeap_isRefused_notOutOfMemory() throws Exception {
    byte[] zeros = new byte[96 << 20];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    kryoZstd().write(zeros, out);
    byte[] payload = out.toByteArray();
    assertTrue(payload.length < (1 << 20), "96 MiB of zeros compress to " + payload.length);
    assertArrayEquals(zeros, (byte[]) kryoZstd().read(new ByteArrayInputStream(payload)));
    Path file = tmp.resolve("payload");
    Files.write(file, payload);

    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Child.class.getName(),
                file.toString())
            .redirectError(tmp.resolve("stderr").toFile())
            .start();
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "child JVM did not end");
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    String stderr = Files.readString(tmp.resolve("stderr"));
    assertEquals(0, p.exitValue(), printed + stderr);
    assertTrue(
        printed.startsWith("refused: payload has more than ") && printed.contains("heap (maximum "),
        printed + stderr);
  }
}
