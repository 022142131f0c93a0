package dev.memo.serde.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.SerdeException;
import dev.memo.spi.ByteBufferSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A payload whose bytes are in memory ({@link ByteBufferSource}), as memo's payload stream is when
 * a store read an entry whole: arrays are copied straight from its views, which end anywhere (a
 * payload chunk's end splits elements), and the same limits and failures apply as to a stream.
 */
final class InMemoryPayloadTest {
  private static final AllowListFilter DEFAULT = AllowListFilter.of(MemoConfig.empty());

  /**
   * A payload in memory that gives views of at most {@code step} bytes (cycling through the steps),
   * and counts how many bytes it gave as views.
   */
  private static final class Views extends InputStream implements ByteBufferSource {
    private final ByteBuffer bytes;
    private final int[] steps;
    ByteOrder order = ByteOrder.BIG_ENDIAN;
    int offset;
    private int next;
    long viewed;

    Views(byte[] payload, int... steps) {
      this.bytes = ByteBuffer.wrap(payload);
      this.steps = steps;
    }

    @Override
    public int read() {
      return bytes.hasRemaining() ? bytes.get() & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (!bytes.hasRemaining()) {
        return -1;
      }
      int n = Math.min(len, bytes.remaining());
      bytes.get(b, off, n);
      return n;
    }

    @Override
    public ByteBuffer next(int max) {
      int n = Math.min(Math.min(max, steps[next++ % steps.length]), bytes.remaining());
      int off = Math.min(offset, bytes.position());
      // A view at an offset of a larger buffer, in the order asked: the reader must not rely on
      // either being the format's.
      ByteBuffer view =
          bytes.slice(bytes.position() - off, n + off).asReadOnlyBuffer().order(order);
      view.position(off);
      bytes.position(bytes.position() + n);
      viewed += n;
      return view;
    }
  }

  private static byte[] written(Object value, AllowListFilter filter) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JavaSerialization.write(value, out, filter, null);
    return out.toByteArray();
  }

  private static List<Object> arrays(int length) {
    Random r = new Random(length);
    byte[] bytes = new byte[length];
    r.nextBytes(bytes);
    boolean[] booleans = new boolean[length];
    char[] chars = new char[length];
    short[] shorts = new short[length];
    int[] ints = new int[length];
    float[] floats = new float[length];
    long[] longs = new long[length];
    double[] doubles = new double[length];
    for (int i = 0; i < length; i++) {
      booleans[i] = r.nextBoolean();
      chars[i] = (char) r.nextInt();
      shorts[i] = (short) r.nextInt();
      ints[i] = r.nextInt();
      floats[i] = Float.intBitsToFloat(r.nextInt()); // NaN payloads included
      longs[i] = r.nextLong();
      doubles[i] = Double.longBitsToDouble(r.nextLong());
    }
    return List.of(bytes, booleans, chars, shorts, ints, floats, longs, doubles);
  }

  @Test
  void everyPrimitiveArray_readFromViewsEndingAnywhere_isTheArrayWritten() throws IOException {
    // Steps that split elements of every size, a step of one byte, and views larger than the array.
    int[][] stepsTried = {{1}, {3}, {7, 5, 11}, {65_536}, {1 << 22}, {65_531, 13}};
    for (int length : new int[] {0, 1, 9, 70_000, 300_000}) {
      for (Object array : arrays(length)) {
        byte[] payload = written(array, DEFAULT);
        for (int[] steps : stepsTried) {
          Views in = new Views(payload, steps);
          Object read = JavaSerialization.read(in, DEFAULT, null);
          String what =
              array.getClass().getSimpleName()
                  + " of "
                  + length
                  + ", steps "
                  + Arrays.toString(steps);
          assertEquals(array.getClass(), read.getClass(), what);
          assertEquals(Array.getLength(array), Array.getLength(read), what);
          assertTrue(Arrays.deepEquals(new Object[] {array}, new Object[] {read}), what);
          assertEquals(-1, in.read(), "nothing after the value is read: " + what);
          if (length >= 9 && steps[0] > 1) {
            assertTrue(in.viewed > 0, "the elements came from views: " + what);
          }
        }
      }
    }
  }

  @Test
  void doubles_keepTheirRawBits() throws IOException {
    double[] doubles = {
      Double.longBitsToDouble(0x7ff0_0000_0000_0001L), -0.0, Double.NaN, Double.MIN_VALUE
    };
    double[] read =
        (double[]) JavaSerialization.read(new Views(written(doubles, DEFAULT), 5), DEFAULT, null);
    for (int i = 0; i < doubles.length; i++) {
      assertEquals(Double.doubleToRawLongBits(doubles[i]), Double.doubleToRawLongBits(read[i]));
    }
  }

  @Test
  void viewsInLittleEndianOrder_orNotAtZero_stillReadTheBigEndianFormat() throws IOException {
    for (Object array : arrays(5_000)) {
      byte[] payload = written(array, DEFAULT);
      Views in = new Views(payload, 333, 17);
      in.order = ByteOrder.LITTLE_ENDIAN;
      in.offset = 3;
      Object read = JavaSerialization.read(in, DEFAULT, null);
      assertTrue(
          Arrays.deepEquals(new Object[] {array}, new Object[] {read}),
          array.getClass().getSimpleName());
    }
  }

  @Test
  void truncatedArray_isRefusedAsTruncated() throws IOException {
    byte[] payload = written(new long[10_000], DEFAULT);
    byte[] cut = Arrays.copyOf(payload, payload.length - 3);
    SerdeException e =
        assertThrows(
            SerdeException.class,
            () -> JavaSerialization.read(new Views(cut, 4096), DEFAULT, null));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void arrayOverThePayloadLimit_isRefusedNamingTheKey() throws IOException {
    AllowListFilter small =
        AllowListFilter.of(MemoConfig.of(Map.of(AllowListFilter.MAX_PAYLOAD_BYTES, "1000")));
    byte[] payload = written(new byte[994], DEFAULT); // 7 + 994 bytes: one over
    SerdeException e =
        assertThrows(
            SerdeException.class,
            () -> JavaSerialization.read(new Views(payload, 64), small, null));
    assertTrue(e.getMessage().contains(AllowListFilter.MAX_PAYLOAD_BYTES), e.getMessage());
    byte[] fits = written(new byte[993], DEFAULT);
    assertArrayEquals(
        new byte[993], (byte[]) JavaSerialization.read(new Views(fits, 64), small, null));
  }

  @Test
  void arrayLongerThanTheFilterAllows_isRefusedBeforeReading() throws IOException {
    AllowListFilter short10 =
        AllowListFilter.of(MemoConfig.of(Map.of(AllowListFilter.MAX_ARRAY_LENGTH, "10")));
    Views in = new Views(written(new int[11], DEFAULT), 64);
    assertThrows(SerdeException.class, () -> JavaSerialization.read(in, short10, null));
    assertEquals(0, in.viewed, "no element was read");
  }

  @Test
  void objectsAndStrings_readAsFromAStream() throws IOException {
    Object[] values = {"text é 😀", List.of(1, 2, 3), 42L, Map.of("k", List.of(1.5, 2.5))};
    for (Object value : values) {
      Object read = JavaSerialization.read(new Views(written(value, DEFAULT), 3), DEFAULT, null);
      assertTrue(
          Arrays.deepEquals(new Object[] {value}, new Object[] {read}), String.valueOf(value));
    }
  }
}
