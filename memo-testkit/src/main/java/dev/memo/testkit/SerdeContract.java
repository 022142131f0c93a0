package dev.memo.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.memo.MemoConfig;
import dev.memo.NotSigned;
import dev.memo.SerdeException;
import dev.memo.core.Memo;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;
import dev.memo.spi.Store;
import dev.memo.spi.StoreProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every {@link Serde} meets. A backend proves itself with a subclass:
 *
 * <pre>{@code
 * final class JavaSerdeTest extends SerdeContract {
 *   @Override
 *   protected String providerName() {
 *     return "java";
 *   }
 * }
 * }</pre>
 *
 * <p>The contract finds the serde as memo does, through {@link ServiceLoader} by provider name, so
 * the provider's registration is tested too. It covers round trips of null, strings, boxed values,
 * collections, records, enums and arrays (one of 8 MiB); reading by a fresh instance; truncated,
 * bit-flipped and foreign payloads; values that cannot be serialized; the caller's streams left
 * open; streaming writes; concurrent use of one instance; and, through a real memoizer, an entry
 * written by this serde read back after the memoizer switched to another serde. The values it
 * round-trips use only the JDK and the small public types declared here ({@link Point}, {@link
 * Shape}, {@link Colour}, {@link Operation}); the records implement {@link Serializable}, which a
 * serde that does not use Java serialization may ignore.
 *
 * <p>Test methods are independent; each gets a serde created for it.
 */
public abstract class SerdeContract extends ProviderContract<SerdeProvider> {

  @Override
  protected final Class<SerdeProvider> providerType() {
    return SerdeProvider.class;
  }

  private static final long SEED = 20240607L;
  private static final int MIB = 1024 * 1024;

  private Serde serde;

  /** For subclasses. */
  protected SerdeContract() {}

  /**
   * Returns the name of the provider under test, such as {@code java}.
   *
   * @return the provider name
   */
  @Override
  protected abstract String providerName();

  /**
   * Returns the configuration the serde is created with, unscoped: the contract passes {@code
   * config().scoped("memo.serde." + providerName())} to the provider, as memo does.
   *
   * @return the configuration; empty unless overridden
   */
  protected MemoConfig config() {
    return MemoConfig.empty();
  }

  /**
   * Finds the provider named {@link #providerName()} through {@link ServiceLoader} and creates a
   * serde, failing the test unless exactly one provider has that name.
   *
   * @return a new serde
   */
  protected final Serde newSerde() {
    return provider().create(config().scoped("memo.serde." + providerName()));
  }

  @BeforeEach
  void createSerde() {
    serde = newSerde();
  }

  // ---- values ----

  /**
   * A small record the contract round-trips.
   *
   * @param x the abscissa
   * @param y the ordinate
   * @param label a name, may be null
   */
  public record Point(int x, int y, @Nullable String label) implements Serializable {}

  /**
   * A record holding a list of records and an enum.
   *
   * @param name the shape's name
   * @param corners its corners
   * @param colour its colour
   */
  public record Shape(String name, List<Point> corners, Colour colour) implements Serializable {}

  /** A plain enum the contract round-trips. */
  public enum Colour {
    /** Red. */
    RED,
    /** Green. */
    GREEN,
    /** Blue. */
    BLUE
  }

  /** An enum whose constants have bodies, and so classes of their own. */
  public enum Operation {
    /** Adds. */
    PLUS {
      @Override
      public int apply(int a, int b) {
        return a + b;
      }
    },
    /** Multiplies. */
    TIMES {
      @Override
      public int apply(int a, int b) {
        return a * b;
      }
    };

    /**
     * Applies the operation.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the result
     */
    public abstract int apply(int a, int b);
  }

  /** Not serializable by any means a serde could know. */
  private static final class Opaque {
    @Override
    public String toString() {
      return "Opaque";
    }
  }

  /** A value of many kinds, for the corruption tests. */
  private static Map<String, Object> sample() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", "μέμο ✓");
    map.put("count", 42);
    map.put("ratio", 0.25d);
    map.put("amount", new BigDecimal("12345.6789"));
    map.put("list", new ArrayList<>(List.of(1L, 2L, 3L)));
    map.put("set", new TreeSet<>(Set.of("a", "b", "c")));
    map.put(
        "shape",
        new Shape(
            "triangle",
            List.of(new Point(0, 0, "a"), new Point(4, 0, "b"), new Point(0, 3, "c")),
            Colour.GREEN));
    map.put("ints", new int[] {1, 2, 3});
    return map;
  }

  // ---- helpers ----

  private static byte[] write(Serde serde, Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    serde.write(value, out);
    return out.toByteArray();
  }

  private static Object read(Serde serde, byte[] payload) throws IOException {
    return serde.read(new ByteArrayInputStream(payload));
  }

  private Object roundTrip(Object value) throws IOException {
    return read(serde, write(serde, value));
  }

  /** Reads, failing unless the result is a value or a SerdeException. */
  private static void readExpectingValueOrSerdeException(Serde serde, byte[] payload, String what) {
    try {
      read(serde, payload);
    } catch (SerdeException expected) {
      assertNotNull(expected.getMessage(), what + ": SerdeException without a message");
    } catch (Throwable t) {
      fail(what + ": read threw " + t + ", but only SerdeException may report a bad payload", t);
    }
  }

  // ---- discovery ----

  @Test
  void discovery_providerNamedOnce_createsSerdeWithItsName() {
    SerdeProvider provider = provider();
    assertTrue(
        providerName().matches("[a-z0-9-]+"),
        "provider names are lower-case letters, digits and dashes: " + providerName());
    assertEquals(providerName(), serde.name());
    assertEquals(
        providerName(), provider.create(config().scoped("memo.serde." + providerName())).name());
  }

  // ---- round trips ----

  @Test
  void roundTrip_null_returnsNull() throws IOException {
    assertNull(roundTrip(null));
  }

  static Stream<String> strings() {
    return Stream.of(
        "",
        "hello",
        "μέμο, 記憶, मेमो, ميمو",
        "clef 𝄞 and emoji 😀 outside the basic plane",
        "nul \u0000 inside",
        "x".repeat(70_000) + "ü");
  }

  @ParameterizedTest
  @MethodSource("strings")
  void roundTrip_string_returnsEqualString(String value) throws IOException {
    assertEquals(value, roundTrip(value));
  }

  static Stream<Object> boxedValues() {
    return Stream.of(
        Integer.MIN_VALUE,
        7L,
        Long.MAX_VALUE,
        1.5d,
        -0.0d,
        Double.NaN,
        Double.MIN_VALUE,
        2.5f,
        (short) -7,
        (byte) 0x7f,
        'λ',
        true,
        false,
        new BigInteger("123456789012345678901234567890"),
        new BigDecimal("1.50"));
  }

  @ParameterizedTest
  @MethodSource("boxedValues")
  void roundTrip_boxedValue_returnsEqualValueOfSameType(Object value) throws IOException {
    Object read = roundTrip(value);
    assertEquals(value, read);
    assertSame(value.getClass(), read.getClass());
  }

  @Test
  void roundTrip_nestedCollections_returnsEqualCollectionsInOrder() throws IOException {
    Map<String, Object> linked = new LinkedHashMap<>();
    linked.put("zebra", 1);
    linked.put("apple", List.of(Set.of("x", "y"), Map.of("k", List.of(1, 2, 3))));
    linked.put("mango", new TreeMap<>(Map.of("b", 2L, "a", 1L)));
    Map<String, Object> hash = new HashMap<>();
    hash.put("nested", linked);
    hash.put("linked", new LinkedList<>(List.of("first", "second")));
    hash.put("set", new HashSet<>(List.of(1, 2, 3)));
    hash.put("sorted", new TreeSet<>(List.of("c", "a", "b")));
    hash.put("empty", List.of());
    hash.put("nulls", Arrays.asList("a", null, "c"));
    List<Object> value = new ArrayList<>(List.of(hash, List.of(List.of(List.of("deep")))));

    Object read = roundTrip(value);

    assertEquals(value, read);
    @SuppressWarnings("unchecked")
    Map<String, Object> readHash = (Map<String, Object>) ((List<Object>) read).get(0);
    @SuppressWarnings("unchecked")
    Map<String, Object> readLinked = (Map<String, Object>) readHash.get("nested");
    assertEquals(
        List.of("zebra", "apple", "mango"),
        new ArrayList<>(readLinked.keySet()),
        "insertion order of a LinkedHashMap");
    assertEquals(
        List.of("a", "b", "c"),
        new ArrayList<>((Set<?>) readHash.get("sorted")),
        "order of a sorted set");
  }

  @Test
  void roundTrip_recordsAndEnums_returnsEqualValues() throws IOException {
    Shape shape =
        new Shape(
            "square",
            List.of(new Point(0, 0, "a"), new Point(1, 0, null), new Point(1, 1, "c")),
            Colour.BLUE);

    assertEquals(new Point(-1, 2, "p"), roundTrip(new Point(-1, 2, "p")));
    assertEquals(shape, roundTrip(shape));
    assertSame(Colour.RED, roundTrip(Colour.RED));
    Object times = roundTrip(Operation.TIMES);
    assertSame(Operation.TIMES, times);
    assertEquals(12, ((Operation) times).apply(3, 4));
    assertEquals(
        List.of(Operation.PLUS, Colour.GREEN),
        roundTrip(new ArrayList<>(List.of(Operation.PLUS, Colour.GREEN))));
  }

  static Stream<Object> primitiveArrays() {
    return Stream.of(
        new int[] {1, -2, Integer.MAX_VALUE},
        new long[] {Long.MIN_VALUE, 0, 3},
        new double[] {1.5, -0.0, Double.NaN, Double.POSITIVE_INFINITY},
        new float[] {0.5f, -1f},
        new byte[] {0, -1, 127},
        new short[] {-300, 300},
        new char[] {'a', 'ß', '\uffff'},
        new boolean[] {true, false, true},
        new int[0],
        new int[][] {{1, 2}, {}, {3}});
  }

  @ParameterizedTest
  @MethodSource("primitiveArrays")
  void roundTrip_primitiveArray_returnsEqualArray(Object array) throws IOException {
    Object read = roundTrip(array);
    assertSame(array.getClass(), read.getClass());
    assertTrue(
        Arrays.deepEquals(new Object[] {array}, new Object[] {read}),
        "arrays differ: " + Arrays.deepToString(new Object[] {read}));
  }

  @Test
  void roundTrip_eightMebibyteDoubleArray_returnsEqualArray() throws IOException {
    double[] array = new Random(SEED).doubles(MIB).toArray();

    assertArrayEquals(array, (double[]) roundTrip(array));
  }

  @Test
  void read_byFreshSerdeInstance_returnsWhatAnotherInstanceWrote() throws IOException {
    Shape shape =
        new Shape("line", List.of(new Point(0, 0, "from"), new Point(9, 9, "to")), Colour.RED);
    byte[] payload = write(serde, List.of(shape, "text", 3L));

    assertEquals(List.of(shape, "text", 3L), read(newSerde(), payload));
  }

  // ---- corrupt, truncated and foreign payloads ----

  @Test
  void read_truncatedPayload_throwsSerdeException() throws IOException {
    byte[] payload = write(serde, sample());
    int step = Math.max(1, payload.length / 2048);

    for (int cut = 0;
        cut < payload.length;
        cut += cut < 64 || payload.length - cut <= 64 ? 1 : step) {
      byte[] truncated = Arrays.copyOf(payload, cut);
      int at = cut;
      assertThrows(
          SerdeException.class,
          () -> read(serde, truncated),
          () -> "payload of " + payload.length + " bytes cut to " + at);
    }
  }

  @Test
  void read_bitFlippedPayload_throwsSerdeExceptionOrReturnsValue() throws IOException {
    byte[] payload = write(serde, sample());
    Random random = new Random(SEED);

    for (int trial = 0; trial < 300; trial++) {
      byte[] flipped = payload.clone();
      int flips = 1 + random.nextInt(3);
      StringBuilder where = new StringBuilder();
      for (int i = 0; i < flips; i++) {
        int bit = random.nextInt(flipped.length * 8);
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        where.append(' ').append(bit);
      }
      readExpectingValueOrSerdeException(serde, flipped, "trial " + trial + ", bits" + where);
    }
  }

  static Stream<Arguments> foreignPayloads() throws IOException {
    byte[] random = new byte[1024];
    new Random(SEED).nextBytes(random);
    ByteArrayOutputStream gzip = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
      out.write(
          "some text that a log rotation left here\n".repeat(20).getBytes(StandardCharsets.UTF_8));
    }
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(zip)) {
      out.putNextEntry(new ZipEntry("entry.txt"));
      out.write("zipped".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return Stream.of(
        Arguments.of("random bytes", random),
        Arguments.of("empty input", new byte[0]),
        Arguments.of("gzip of text", gzip.toByteArray()),
        Arguments.of("zip archive", zip.toByteArray()),
        Arguments.of("text", "{\"json\": true}".getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("foreignPayloads")
  void read_foreignBytes_throwsSerdeException(String description, byte[] payload) {
    assertThrows(SerdeException.class, () -> read(serde, payload), description);
  }

  // ---- values that cannot be written ----

  @Test
  void write_unserializableValue_throwsSerdeExceptionNamingItsType() {
    String type = Opaque.class.getName();

    SerdeException alone = assertThrows(SerdeException.class, () -> write(serde, new Opaque()));
    SerdeException inside =
        assertThrows(
            SerdeException.class, () -> write(serde, new ArrayList<>(List.of("ok", new Opaque()))));

    assertTrue(alone.getMessage().contains(type), alone.getMessage());
    assertTrue(inside.getMessage().contains(type), inside.getMessage());
  }

  // ---- the caller's streams ----

  /** An output stream that records whether it was closed and the largest single write. */
  private static final class RecordingOutputStream extends ByteArrayOutputStream {
    boolean closed;
    int writes;
    int largestWrite;

    @Override
    public synchronized void write(int b) {
      writes++;
      largestWrite = Math.max(largestWrite, 1);
      super.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes++;
      largestWrite = Math.max(largestWrite, len);
      super.write(b, off, len);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** An input stream that records whether it was closed. */
  private static final class RecordingInputStream extends ByteArrayInputStream {
    boolean closed;

    RecordingInputStream(byte[] bytes) {
      super(bytes);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void readAndWrite_succeeding_leaveCallersStreamsOpen() throws IOException {
    RecordingOutputStream out = new RecordingOutputStream();
    serde.write(sample(), out);
    RecordingInputStream in = new RecordingInputStream(out.toByteArray());
    serde.read(in);

    assertFalse(out.closed, "write closed the caller's stream");
    assertFalse(in.closed, "read closed the caller's stream");
  }

  @Test
  void readAndWrite_failing_leaveCallersStreamsOpen() throws IOException {
    RecordingOutputStream out = new RecordingOutputStream();
    assertThrows(SerdeException.class, () -> serde.write(new Opaque(), out));
    byte[] payload = write(serde, sample());
    RecordingInputStream in = new RecordingInputStream(Arrays.copyOf(payload, payload.length / 2));
    assertThrows(SerdeException.class, () -> serde.read(in));

    assertFalse(out.closed, "a failed write closed the caller's stream");
    assertFalse(in.closed, "a failed read closed the caller's stream");
  }

  @Test
  void write_eightMebibyteArray_reachesCallersStreamInChunks() throws IOException {
    RecordingOutputStream out = new RecordingOutputStream();
    serde.write(new Random(SEED).doubles(MIB).toArray(), out);

    // A serde that built the whole payload in memory first would hand it over in one large write.
    assertTrue(
        out.writes > 1 && out.largestWrite <= MIB,
        "writes: " + out.writes + ", largest: " + out.largestWrite + " bytes");
  }

  // ---- through the memoizer ----

  // A counter cannot change the result, and memo signs the static fields a function reads.

  @NotSigned private static final AtomicInteger COMPUTED = new AtomicInteger();

  private static Shape square(Integer side) {
    COMPUTED.incrementAndGet();
    return new Shape(
        "square-" + side, List.of(new Point(0, 0, "a"), new Point(side, side, "c")), Colour.RED);
  }

  /**
   * An entry this serde wrote is still read, by this serde, after the memoizer was switched to
   * another serde: memo reads each entry with the serde its header names, found through {@link
   * ServiceLoader} and created with the default configuration.
   */
  @Test
  void memo_entryWrittenByThisSerde_isReadAfterSwitchingToAnotherSerde() {
    COMPUTED.set(0);
    StoreProvider memory = null;
    for (StoreProvider p :
        ServiceLoader.load(StoreProvider.class, SerdeContract.class.getClassLoader())) {
      if (p.name().equals("memory")) {
        memory = p;
      }
    }
    assertNotNull(memory, "memo-core's memory store");
    try (Store store = memory.create(MemoConfig.empty().scoped("memo.store.memory"))) {
      try (Memo memo = Memo.builder().store(store).serde(newSerde()).build()) {
        memo.function("contract-square", SerdeContract::square).apply(4);
      }
      try (Memo memo = Memo.builder().store(store).serde(new Utf8Serde()).build()) {
        assertEquals(square(4), memo.function("contract-square", SerdeContract::square).apply(4));
        assertEquals(1, memo.stats().hitCount(), "read with the serde named in the header");
        assertEquals(0, memo.stats().loadFailureCount());
      }
    }
    assertEquals(2, COMPUTED.get(), "computed once, plus the expected value above");
  }

  // ---- concurrency ----

  @Test
  void roundTrip_fourThreadsOnOneSerde_eachReadsWhatItWrote() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Void>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        Callable<Void> task =
            () -> {
              start.await();
              for (int i = 0; i < 100; i++) {
                Shape value =
                    new Shape(
                        "thread-" + id + "-" + i,
                        List.of(new Point(id, i, "p" + i)),
                        Colour.values()[(id + i) % 3]);
                List<Object> expected = List.of(value, id * 1000L + i, "t" + id);
                assertEquals(expected, roundTrip(expected));
              }
              return null;
            };
        results.add(pool.submit(task));
      }
      start.countDown();
      for (Future<Void> result : results) {
        result.get(); // rethrows a thread's failed assertion, wrapped
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
