package dev.memo.serde.zstd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.memo.MemoConfig;
import dev.memo.NotSigned;
import dev.memo.core.Memo;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;
import dev.memo.testkit.MemoTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The three Java-family serdes together: the fast path in each, and entries read across them. */
final class JavaFamilyTest {
  static final List<String> SERDES = List.of("java", "java-gzip", "zstd");

  private static Serde serde(String name) {
    for (SerdeProvider p : ServiceLoader.load(SerdeProvider.class)) {
      if (p.name().equals(name)) {
        return p.create(MemoConfig.empty().scoped("memo.serde." + name));
      }
    }
    throw new AssertionError("no serde " + name);
  }

  /** The bytes inside the serde's compression, where the fast path's marker must lead. */
  private static byte[] inside(String serde, byte[] payload) throws IOException {
    switch (serde) {
      case "java":
        return payload;
      case "java-gzip":
        return new GZIPInputStream(new ByteArrayInputStream(payload)).readAllBytes();
      default:
        byte[] rest = Arrays.copyOfRange(payload, 1, payload.length);
        if (payload[0] == ZstdCompression.STORED) {
          return rest;
        }
        try (InputStream in = new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(rest))) {
          return in.readAllBytes();
        }
    }
  }

  static Stream<Arguments> fastPathValues() {
    int n = 50_000; // large enough that gzip and zstd compress it
    byte[] bytes = new byte[n];
    boolean[] booleans = new boolean[n];
    char[] chars = new char[n];
    short[] shorts = new short[n];
    int[] ints = new int[n];
    float[] floats = new float[n];
    long[] longs = new long[n];
    double[] doubles = new double[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) (i % 7);
      booleans[i] = i % 3 == 0;
      chars[i] = (char) ('a' + i % 5);
      shorts[i] = (short) (i % 300);
      ints[i] = i % 1000;
      floats[i] = i % 10 * 0.5f;
      longs[i] = i % 100;
      doubles[i] = i % 10 * 0.25;
    }
    List<Object> values =
        List.of(
            bytes,
            booleans,
            chars,
            shorts,
            ints,
            floats,
            longs,
            doubles,
            "μέμο ".repeat(n / 5),
            new int[] {1, 2, 3},
            "short");
    List<Arguments> all = new ArrayList<>();
    for (String serde : SERDES) {
      for (Object value : values) {
        all.add(
            Arguments.of(
                serde,
                value.getClass().getSimpleName()
                    + (java.lang.reflect.Array.getLength(
                                value instanceof String ? ((String) value).toCharArray() : value)
                            < 10
                        ? " (small)"
                        : ""),
                value));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("fastPathValues")
  void write_arrayOrString_takesTheFastPathInEveryJavaFamilySerde(
      String name, String type, Object value) throws IOException {
    Serde serde = serde(name);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    serde.write(value, out);

    byte[] inside = inside(name, out.toByteArray());
    assertEquals('m', inside[0], "the fast path's marker");
    // 'l' for arrays whose elements are wider than a byte: written little-endian.
    boolean wide =
        value.getClass().isArray()
            && value.getClass() != byte[].class
            && value.getClass() != boolean[].class;
    assertEquals(wide ? 'l' : 'r', inside[1], "the fast path's marker");
    Object read = serde.read(new ByteArrayInputStream(out.toByteArray()));
    assertSame(value.getClass(), read.getClass());
    assertTrue(Arrays.deepEquals(new Object[] {value}, new Object[] {read}), name + " " + type);
  }

  // ---- switching serdes through a real memoizer ----

  // A counter cannot change the result, and memo signs the static fields a function reads.

  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();

  /** A record, so that it is allowed without configuration and takes the object stream. */
  record Table(String name, List<Long> rows) implements Serializable {}

  static Table table(Integer n) {
    CALLS.incrementAndGet();
    List<Long> rows = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      rows.add(i % 17);
    }
    return new Table("table-" + n, rows);
  }

  static double[] series(Integer n) {
    CALLS.incrementAndGet();
    double[] a = new double[n];
    Arrays.setAll(a, i -> i % 13 * 0.5);
    return a;
  }

  static Stream<Arguments> serdePairs() {
    List<Arguments> pairs = new ArrayList<>();
    for (String writer : SERDES) {
      for (String reader : SERDES) {
        if (!writer.equals(reader)) {
          pairs.add(Arguments.of(writer, reader));
        }
      }
    }
    return pairs.stream();
  }

  @BeforeEach
  void resetCalls() {
    CALLS.set(0);
  }

  private static Memo memo(Path store, String serde) {
    return Memo.builder()
        .store("directory")
        .config("memo.store.directory.path", store.toString())
        .serde(serde)
        .build();
  }

  @ParameterizedTest(name = "written by {0}, read after switching to {1}")
  @MethodSource("serdePairs")
  void apply_afterSwitchingSerde_readsTheEntryWithTheSerdeNamedInItsHeader(
      String writer, String reader, @TempDir Path store) {
    try (Memo memo = memo(store, writer)) {
      memo.function("table", JavaFamilyTest::table).apply(5000);
      memo.function("series", JavaFamilyTest::series).apply(5000);
      assertEquals(writer, memo.serdeName().orElseThrow());
    }
    try (Memo memo = memo(store, reader)) {
      Function<Integer, Table> tables = memo.function("table", JavaFamilyTest::table);
      Function<Integer, double[]> series = memo.function("series", JavaFamilyTest::series);

      assertEquals(table(5000), tables.apply(5000));
      assertArrayEquals(series(5000), series.apply(5000));
      assertEquals(2, memo.stats().hitCount());
      assertEquals(0, memo.stats().loadFailureCount());
    }
    assertEquals(4, CALLS.get(), "two computations, and the two expected values above");
  }

  @Test
  @MemoTest
  void create_withEveryJavaFamilySerdeOnTheClassPath_picksZstd(Memo memo) {
    assertEquals("zstd", memo.serdeName().orElseThrow());
  }
}
