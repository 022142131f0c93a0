package dev.memo.serde.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.SerdeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Payloads that declare far more elements than they hold, as a corrupt or crafted entry with valid
 * checksums does: each is refused after allocating about what it holds, never what it declares. The
 * declared sizes fit in the test's heap (-Xmx1g), so that only allocation bounded by the payload's
 * bytes, not the heap check, keeps the reader from allocating them; the thread's allocation counter
 * proves it.
 */
final class DeclaredLengthTest {
  private static final AllowListFilter DEFAULT = AllowListFilter.of(MemoConfig.empty());
  private static final int FIFTY_MILLION = 50_000_000;

  /** Far below any declared size here (at least 100 MB), far above what a refusal costs. */
  private static final long BOUND = 16L << 20;

  private static final Compression GZIP =
      new Compression() {
        @Override
        public OutputStream compress(OutputStream out) throws IOException {
          return new GZIPOutputStream(out);
        }

        @Override
        public InputStream decompress(InputStream in) throws IOException {
          return new GZIPInputStream(in);
        }
      };

  private interface Read {
    Object run() throws IOException;
  }

  /** Runs a read that must fail, returning its exception; fails if it allocated over BOUND. */
  private static SerdeException refusedWithin(Read read) {
    long before = allocatedBytes();
    SerdeException e = assertThrows(SerdeException.class, read::run);
    long allocated = allocatedBytes() - before;
    assertTrue(allocated < BOUND, "the read allocated " + allocated + " bytes");
    return e;
  }

  /**
   * The current thread's allocation counter, through reflection: this module does not read
   * jdk.management, and reflection needs no readability.
   */
  private static long allocatedBytes() {
    try {
      Object threads =
          Class.forName("java.lang.management.ManagementFactory")
              .getMethod("getThreadMXBean")
              .invoke(null);
      return (long)
          Class.forName("com.sun.management.ThreadMXBean")
              .getMethod("getCurrentThreadAllocatedBytes")
              .invoke(threads);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(
          "this test needs the thread allocation counter of jdk.management", e);
    }
  }

  private static Object read(byte[] payload, Compression compression) throws IOException {
    return JavaSerialization.read(new ByteArrayInputStream(payload), DEFAULT, compression);
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    }
    return out.toByteArray();
  }

  /** A fast-path payload: marker, tag, declared length, then a few bytes of data. */
  private static byte[] raw(int tag, int length) {
    return ByteBuffer.allocate(3 + 4 + 16)
        .put((byte) 'm')
        .put((byte) 'r')
        .put((byte) tag)
        .putInt(length)
        .array();
  }

  /** Java serialization of a value, without the fast path. */
  private static byte[] serialized(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  /** Replaces the int at the first occurrence of {@code before} followed by {@code after}. */
  private static byte[] patchInt(byte[] payload, byte[] context, int offsetInContext, int value) {
    for (int i = 0; i + context.length <= payload.length; i++) {
      if (Arrays.equals(payload, i, i + context.length, context, 0, context.length)) {
        byte[] patched = payload.clone();
        ByteBuffer.wrap(patched).putInt(i + offsetInContext, value);
        return patched;
      }
    }
    throw new AssertionError("pattern not found in the payload");
  }

  // ---- the fast path: exactly the bytes it holds ----

  @Test
  void read_fastPathDeclaringFiftyMillionElements_isTruncatedNotAllocated() throws IOException {
    // byte[], int[], long[], double[] and String, by their tags
    for (int tag : new int[] {1, 5, 7, 8, 9}) {
      byte[] payload = raw(tag, FIFTY_MILLION);
      for (Compression compression : Arrays.asList(null, GZIP)) {
        byte[] bytes = compression == null ? payload : gzip(payload);
        SerdeException e = refusedWithin(() -> read(bytes, compression));
        assertEquals(
            "payload ends before the value is complete; it is truncated",
            e.getMessage(),
            "tag " + tag + (compression == null ? "" : ", gzip"));
      }
    }
  }

  @Test
  void read_fastPathOfAllTheBytesItDeclares_readsBackWhole() throws IOException {
    int[] ints = new int[3_000_000];
    Arrays.setAll(ints, i -> i * 31);
    String text = "é".repeat(1_500_000);
    for (Compression compression : Arrays.asList(null, GZIP)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      JavaSerialization.write(ints, out, DEFAULT, compression);
      assertArrayEquals(ints, (int[]) read(out.toByteArray(), compression));
      out.reset();
      JavaSerialization.write(text, out, DEFAULT, compression);
      assertEquals(text, read(out.toByteArray(), compression));
    }
  }

  // ---- Java serialization: every array proven by the bytes after it ----

  record Holder(long[] values) implements Serializable {}

  @Test
  void read_serializedArrayDeclaringFiftyMillionElements_isRefusedAsCorrupt() throws IOException {
    byte[] ints =
        patchInt(
            serialized(new Object[] {new int[] {7, 7, 7}}),
            new byte[] {0, 0, 0, 3, 0, 0, 0, 7},
            0,
            FIFTY_MILLION);
    byte[] nested =
        patchInt(
            serialized(new Holder(new long[] {5, 5})),
            new byte[] {0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 5},
            0,
            FIFTY_MILLION);
    byte[] objects =
        patchInt(
            serialized(new Object[] {new Object[] {null, null, null}}),
            new byte[] {0, 0, 0, 3, 0x70, 0x70, 0x70},
            0,
            FIFTY_MILLION);
    AllowListFilter holders = AllowListFilter.of(MemoConfig.of(Map.of()));

    for (Compression compression : Arrays.asList(null, GZIP)) {
      SerdeException e = refusedWithin(() -> read(compress(ints, compression), compression));
      assertEquals(
          "payload declares an array of 50000000 elements of int, more than the bytes it"
              + " holds can fill; it is corrupt",
          e.getMessage());
      e =
          refusedWithin(
              () ->
                  JavaSerialization.read(
                      new ByteArrayInputStream(compress(nested, compression)),
                      holders,
                      compression));
      assertEquals(
          "payload declares an array of 50000000 elements of long, more than the bytes"
              + " it holds can fill; it is corrupt",
          e.getMessage());
      e = refusedWithin(() -> read(compress(objects, compression), compression));
      assertEquals(
          "payload declares an array of 50000000 elements of java.lang.Object, more than"
              + " the bytes it holds can fill; it is corrupt",
          e.getMessage());
    }
  }

  private static byte[] compress(byte[] plain, Compression compression) throws IOException {
    return compression == null ? plain : gzip(plain);
  }

  @Test
  void read_collectionsDeclaringMillionsOfElements_areRefusedAsCorrupt() throws IOException {
    // ArrayList: its size field; HashMap: the mappings count in its block data; HashSet: its size.
    byte[] list =
        patchInt(
            serialized(new ArrayList<>(List.of("a", "b"))),
            new byte[] {0, 0, 0, 2, 0x77, 0x04},
            0,
            FIFTY_MILLION);
    byte[] map =
        patchInt(
            serialized(new HashMap<>(Map.of("a", "b"))),
            new byte[] {0x77, 0x08, 0, 0, 0, 2, 0, 0, 0, 1},
            6,
            20_000_000);
    byte[] set =
        patchInt(
            serialized(new HashSet<>(List.of("a"))),
            new byte[] {0x77, 0x0c, 0, 0, 0, 16, 0x3f, 0x40, 0, 0, 0, 0, 0, 1},
            10,
            20_000_000);

    SerdeException e = refusedWithin(() -> read(list, null));
    assertEquals(
        "payload declares an array of 50000000 elements of java.lang.Object, more than"
            + " the bytes it holds can fill; it is corrupt",
        e.getMessage());
    e = refusedWithin(() -> read(map, null));
    assertEquals(
        "payload declares an array of 33554432 elements of java.util.Map$Entry, more"
            + " than the bytes it holds can fill; it is corrupt",
        e.getMessage());
    e = refusedWithin(() -> read(gzip(set), GZIP));
    assertEquals(
        "payload declares an array of 33554432 elements of java.util.Map$Entry, more"
            + " than the bytes it holds can fill; it is corrupt",
        e.getMessage());
  }

  @Test
  void read_largeCollectionsAndNestedArrays_stillReadBack() throws IOException {
    // The densest legitimate forms: nulls take one byte, a quarter load factor the largest table.
    List<Object> nulls = new ArrayList<>(Collections.nCopies(200_000, null));
    Map<Integer, Object> sparse = new HashMap<>(16, 0.25f);
    for (int i = 0; i < 50_000; i++) {
      sparse.put(i, null);
    }
    HashSet<Integer> set = new HashSet<>(16, 0.25f);
    for (int i = 0; i < 50_000; i++) {
      set.add(i);
    }
    Holder holder = new Holder(new long[1_000_000]);
    Object[] arrays = {new int[100_000], new Object[] {new double[50_000], null}, new byte[1]};
    for (Compression compression : Arrays.asList(null, GZIP)) {
      for (Object value : List.of(nulls, sparse, set)) {
        assertEquals(value, read(compress(serialized(value), compression), compression));
      }
      assertArrayEquals(
          holder.values(),
          ((Holder) read(compress(serialized(holder), compression), compression)).values());
      Object[] back = (Object[]) read(compress(serialized(arrays), compression), compression);
      assertEquals(100_000, ((int[]) back[0]).length);
      assertEquals(50_000, ((double[]) ((Object[]) back[1])[0]).length);
    }
  }

  @Test
  void read_arraysClaimingTheSameBytesTwice_areRefused() throws IOException {
    // Two arrays each declaring most of what follows: each alone fits, together they do not. The
    // first is allocated (its references are what the bytes after it can fill), the second not.
    int[] filler = new int[300_000];
    byte[] payload =
        patchInt(
            serialized(new Object[] {new Object[] {null}, filler}),
            new byte[] {0, 0, 0, 1, 0x70},
            0,
            8 * 1_100_000);

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, null));

    assertEquals(
        "payload declares an array of 300000 elements of int, more than the bytes it"
            + " holds can fill; it is corrupt",
        e.getMessage());
  }

  // ---- the ceiling for compressed payloads ----

  @Test
  void read_compressedPayloadOverMaxPayloadBytes_throwsNamingTheLimit() throws IOException {
    AllowListFilter limited =
        AllowListFilter.of(MemoConfig.of(Map.of(AllowListFilter.MAX_PAYLOAD_BYTES, "1MiB")));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JavaSerialization.write(new long[200_000], out, DEFAULT, GZIP);
    byte[] payload = out.toByteArray();

    SerdeException e =
        assertThrows(
            SerdeException.class,
            () -> JavaSerialization.read(new ByteArrayInputStream(payload), limited, GZIP));

    assertEquals(
        "payload holds more than memo.serde.java.max-payload-bytes (1048576) bytes of"
            + " serialized data; raise it if such values are expected",
        e.getMessage());
    out.reset();
    JavaSerialization.write(new long[100_000], out, DEFAULT, GZIP);
    assertEquals(
        100_000,
        ((long[])
                JavaSerialization.read(new ByteArrayInputStream(out.toByteArray()), limited, GZIP))
            .length);
  }
}
