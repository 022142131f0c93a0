package dev.memo.serde.kryo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.SerdeException;
import dev.memo.serde.zstd.ZstdSerdeProvider;
import dev.memo.spi.Serde;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * kryo-zstd streams the kryo bytes through memo-serde-zstd's compression: what reaches the caller's
 * stream, how its failures and a corrupt frame are told apart, and that a payload of the earlier
 * layout (the kryo bytes as the zstd serde's byte[] value) is still read.
 */
final class KryoZstdStreamTest {
  record Row(int id, String name, double value) {}

  private static Serde kryoZstd() {
    return new KryoZstdSerdeProvider().create(MemoConfig.empty().scoped("memo.serde.kryo-zstd"));
  }

  private static Map<String, Row> rows(int n) {
    SplittableRandom r = new SplittableRandom(7);
    Map<String, Row> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put("row-" + i, new Row(i, "name-" + r.nextInt(50), r.nextDouble()));
    }
    return m;
  }

  private static byte[] write(Serde serde, Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    serde.write(value, out);
    return out.toByteArray();
  }

  private static Object read(Serde serde, byte[] payload) throws IOException {
    return serde.read(new ByteArrayInputStream(payload));
  }

  @Test
  void write_mapOfRecords_isOneZstdFrameSmallerThanKryosBytes() throws IOException {
    Map<String, Row> value = rows(20_000);
    byte[] plain = write(KryoSafetyTest.kryo(), value);
    byte[] compressed = write(kryoZstd(), value);

    assertEquals(1, compressed[0], "the zstd flag");
    assertTrue(
        compressed.length < plain.length * 3 / 4,
        "kryo-zstd wrote " + compressed.length + " bytes, kryo " + plain.length);
    assertEquals(value, read(kryoZstd(), compressed));
  }

  @Test
  void read_payloadOfTheEarlierLayout_readsTheValue() throws IOException {
    // The earlier kryo-zstd: the kryo serde's bytes written as a byte[] value of the zstd serde.
    Serde zstd = new ZstdSerdeProvider().create(MemoConfig.empty().scoped("memo.serde.zstd"));
    for (Object value : List.of(rows(5_000), List.of("small"), "text", new double[] {1, 2})) {
      byte[] earlier = write(zstd, write(KryoSafetyTest.kryo(), value));

      Object read = read(kryoZstd(), earlier);

      if (value instanceof double[]) {
        assertArrayEquals((double[]) value, (double[]) read);
      } else {
        assertEquals(value, read);
      }
    }
  }

  @Test
  void write_valueFailingLate_hasStreamedItsFirstBlocksAlready() {
    // Some megabytes of values, then one that is not allowed: kryo-zstd does not hold the payload
    // back until it is complete, so compressed blocks have reached the stream when it fails.
    SplittableRandom r = new SplittableRandom(11);
    List<Object> value = new ArrayList<>();
    for (int i = 0; i < 300_000; i++) {
      value.add(Long.toHexString(r.nextLong()));
    }
    value.add(new AtomicLong());
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    SerdeException e = assertThrows(SerdeException.class, () -> kryoZstd().write(value, out));

    assertTrue(e.getMessage().contains("java.util.concurrent.atomic.AtomicLong"), e.getMessage());
    assertTrue(out.size() > 1024 * 1024, "only " + out.size() + " bytes streamed");
  }

  @Test
  void write_callerStreamFails_rethrowsItsExceptionUnchanged() {
    IOException full = new IOException("disk full");
    OutputStream failing =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw full;
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            throw full;
          }
        };

    IOException thrown =
        assertThrows(IOException.class, () -> kryoZstd().write(rows(20_000), failing));

    assertSame(full, thrown);
  }

  @Test
  void read_callerStreamFails_rethrowsItsExceptionUnchanged() throws IOException {
    byte[] payload = write(kryoZstd(), rows(20_000));
    IOException gone = new IOException("connection reset");
    InputStream failing =
        new InputStream() {
          private int served;

          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (served > payload.length / 2) {
              throw gone;
            }
            int n = Math.min(len, 1000);
            System.arraycopy(payload, served, b, off, n);
            served += n;
            return n;
          }
        };

    IOException thrown = assertThrows(IOException.class, () -> kryoZstd().read(failing));

    assertSame(gone, thrown);
  }

  @Test
  void read_corruptFrame_throwsSerdeException() throws IOException {
    byte[] payload = write(kryoZstd(), rows(20_000));
    payload[payload.length / 2] ^= 0x5A;

    SerdeException e = assertThrows(SerdeException.class, () -> read(kryoZstd(), payload));

    assertTrue(e.getMessage().startsWith("payload"), e.getMessage());
  }

  @Test
  void read_truncatedFrame_throwsSerdeException() throws IOException {
    byte[] payload = write(kryoZstd(), rows(20_000));
    byte[] truncated = java.util.Arrays.copyOf(payload, payload.length - 100);

    SerdeException e = assertThrows(SerdeException.class, () -> read(kryoZstd(), truncated));

    assertTrue(e.getMessage().startsWith("payload"), e.getMessage());
  }
}
