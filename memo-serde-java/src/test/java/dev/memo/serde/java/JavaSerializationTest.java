package dev.memo.serde.java;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.SerdeException;
import dev.memo.serde.java.fixture.Plain;
import dev.memo.serde.java.fixture.Tripwire;
import dev.memo.serde.java.fixture.TripwireBase;
import dev.memo.serde.java.fixture.Versioned;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.OutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.chrono.JapaneseDate;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

final class JavaSerializationTest {
  private static final AllowListFilter DEFAULT = AllowListFilter.of(MemoConfig.empty());

  /** Lets a test write payloads that the filter under test must then refuse. */
  private static final ObjectInputFilter ANYTHING = info -> ObjectInputFilter.Status.ALLOWED;

  private static byte[] write(Object value, ObjectInputFilter filter) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JavaSerialization.write(value, out, filter);
    return out.toByteArray();
  }

  private static Object read(byte[] payload, ObjectInputFilter filter) throws IOException {
    return JavaSerialization.read(new ByteArrayInputStream(payload), filter);
  }

  private static AllowListFilter filter(String key, String value) {
    return AllowListFilter.of(MemoConfig.of(Map.of(key, value)));
  }

  /** The index of the first occurrence of {@code part} in {@code payload}. */
  private static int indexOf(byte[] payload, byte[] part) {
    for (int i = 0; i + part.length <= payload.length; i++) {
      if (Arrays.equals(payload, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    throw new AssertionError("payload does not contain " + new String(part, UTF_8));
  }

  // ---- the allow-list ----

  static Stream<Arguments> jdkValues() {
    TreeMap<String, Integer> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    caseInsensitive.put("Key", 1);
    TreeSet<String> reversed = new TreeSet<>(Collections.reverseOrder());
    reversed.addAll(List.of("a", "b"));
    TreeSet<String> reversedCaseInsensitive =
        new TreeSet<>(Collections.reverseOrder(String.CASE_INSENSITIVE_ORDER));
    reversedCaseInsensitive.addAll(List.of("a", "B"));
    TreeSet<String> nullsFirst = new TreeSet<>(Comparator.nullsFirst(Comparator.naturalOrder()));
    nullsFirst.addAll(Arrays.asList("b", null, "a"));
    EnumMap<DayOfWeek, String> enumMap = new EnumMap<>(DayOfWeek.class);
    enumMap.put(DayOfWeek.MONDAY, "start");
    return Stream.of(
        Arguments.of("List.of", List.of(1, 2, 3)),
        Arguments.of("List.of one", List.of("x")),
        Arguments.of("List.of none", List.of()),
        Arguments.of("Set.of", Set.of("a", "b", "c")),
        Arguments.of("Set.of one", Set.of("a")),
        Arguments.of("Map.of", Map.of("a", 1, "b", 2, "c", 3)),
        Arguments.of("Map.of one", Map.of("a", 1)),
        Arguments.of("Map.of none", Map.of()),
        Arguments.of("Arrays.asList", Arrays.asList("a", "b")),
        Arguments.of("unmodifiableList", Collections.unmodifiableList(new ArrayList<>(List.of(1)))),
        Arguments.of("unmodifiableSet", Collections.unmodifiableSet(new HashSet<>(Set.of(1)))),
        Arguments.of("unmodifiableMap", Collections.unmodifiableMap(new HashMap<>(Map.of(1, 2)))),
        Arguments.of(
            "unmodifiableNavigableMap",
            Collections.unmodifiableNavigableMap(new TreeMap<>(Map.of(1, 2)))),
        Arguments.of("emptyList", Collections.emptyList()),
        Arguments.of("emptySortedSet", Collections.emptySortedSet()),
        Arguments.of("emptyMap", Collections.emptyMap()),
        Arguments.of("singletonList", Collections.singletonList(1)),
        Arguments.of("singleton", Collections.singleton(1)),
        Arguments.of("singletonMap", Collections.singletonMap("k", 1)),
        Arguments.of("synchronizedList", Collections.synchronizedList(new ArrayList<>(List.of(1)))),
        Arguments.of("synchronizedMap", Collections.synchronizedMap(new HashMap<>(Map.of(1, 2)))),
        Arguments.of("CASE_INSENSITIVE_ORDER", caseInsensitive),
        Arguments.of("reverseOrder", reversed),
        Arguments.of("reverseOrder(comparator)", reversedCaseInsensitive),
        Arguments.of("nullsFirst", nullsFirst),
        Arguments.of("ArrayList", new ArrayList<>(List.of(1, 2))),
        Arguments.of("LinkedList", new LinkedList<>(List.of(1, 2))),
        Arguments.of("LinkedHashSet", new LinkedHashSet<>(List.of(2, 1))),
        Arguments.of("EnumMap", enumMap),
        Arguments.of("EnumSet", EnumSet.of(ChronoUnit.DAYS, ChronoUnit.HOURS)),
        Arguments.of("EnumSet of more than 64", EnumSet.allOf(Character.UnicodeScript.class)),
        Arguments.of("SimpleImmutableEntry", new AbstractMap.SimpleImmutableEntry<>("k", 1)),
        Arguments.of("SimpleEntry", new AbstractMap.SimpleEntry<>("k", 1)),
        Arguments.of("UUID", UUID.fromString("123e4567-e89b-12d3-a456-426614174000")),
        Arguments.of("BitSet", BitSet.valueOf(new long[] {5, 1L << 40})),
        Arguments.of("BigInteger", BigInteger.TWO.pow(200)),
        Arguments.of("BigDecimal", new BigDecimal("-1.000")),
        Arguments.of("Character", 'λ'),
        Arguments.of("Instant", Instant.ofEpochSecond(1_700_000_000, 5)),
        Arguments.of("LocalDate", LocalDate.of(2024, 2, 29)),
        Arguments.of("LocalTime", LocalTime.of(23, 59, 1)),
        Arguments.of("LocalDateTime", LocalDateTime.of(2024, 1, 1, 0, 0)),
        Arguments.of(
            "ZonedDateTime", ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Paris"))),
        Arguments.of(
            "OffsetDateTime", OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(-5))),
        Arguments.of("Duration", Duration.ofMillis(1500)),
        Arguments.of("Period", Period.of(1, 2, 3)),
        Arguments.of("Year", Year.of(2024)),
        Arguments.of("YearMonth", YearMonth.of(2024, 2)),
        Arguments.of("MonthDay", MonthDay.of(2, 29)),
        Arguments.of("ZoneId", ZoneId.of("America/New_York")),
        Arguments.of("JapaneseDate", JapaneseDate.of(2020, 1, 1)),
        Arguments.of("DayOfWeek", DayOfWeek.FRIDAY),
        Arguments.of("ArrayDeque as list", new ArrayList<>(new ArrayDeque<>(List.of(3, 4)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdkValues")
  void roundTrip_jdkValue_passesTheDefaultFilter(String description, Object value)
      throws IOException {
    assertEquals(value, read(write(value, DEFAULT), DEFAULT), description);
  }

  @Test
  void roundTrip_arrayDeque_passesTheDefaultFilter() throws IOException {
    ArrayDeque<Integer> deque = new ArrayDeque<>(List.of(3, 4));

    Object read = read(write(deque, DEFAULT), DEFAULT);

    assertEquals(List.of(3, 4), new ArrayList<>((ArrayDeque<?>) read));
  }

  @Test
  void roundTrip_sortedMapWithComparator_keepsTheComparator() throws IOException {
    TreeMap<String, Integer> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    map.put("Key", 1);

    @SuppressWarnings("unchecked")
    TreeMap<String, Integer> read = (TreeMap<String, Integer>) read(write(map, DEFAULT), DEFAULT);

    assertEquals(1, read.get("KEY"));
  }

  @Test
  void read_classNotAllowed_throwsNamingTheClassAndTheFix() throws IOException {
    byte[] payload = write(new ArrayList<>(List.of(new Plain(1))), ANYTHING);

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, DEFAULT));

    assertEquals(
        "payload names class dev.memo.serde.java.fixture.Plain, which is not allowed;"
            + " add it or its package to memo.serde.java.allow (for example"
            + " dev.memo.serde.java.fixture.*)",
        e.getMessage());
  }

  @Test
  void read_arrayOfClassNotAllowed_throwsNamingTheElementClass() throws IOException {
    byte[] payload = write(new Plain[] {new Plain(1)}, ANYTHING);

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, DEFAULT));

    assertEquals(
        "payload names class dev.memo.serde.java.fixture.Plain, which is not allowed;"
            + " add it or its package to memo.serde.java.allow (for example"
            + " dev.memo.serde.java.fixture.*)",
        e.getMessage());
  }

  @Test
  void read_jdkClassNotAllowed_suggestsTheClassNotItsPackage() throws IOException {
    byte[] payload = write(new java.util.Vector<>(List.of(1)), ANYTHING);

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, DEFAULT));

    assertEquals(
        "payload names class java.util.Vector, which is not allowed; add it to"
            + " memo.serde.java.allow",
        e.getMessage());
  }

  @Test
  void read_classAllowedByConfiguration_returnsTheValue() throws IOException {
    AllowListFilter filter = filter(AllowListFilter.ALLOW, "dev.memo.serde.java.fixture.*");
    List<Plain> value = new ArrayList<>(List.of(new Plain(1), new Plain(2)));

    assertEquals(value, read(write(value, filter), filter));
  }

  @BeforeEach
  void resetTripwire() {
    TripwireBase.constructed = false;
  }

  @Test
  void read_gadgetNotAllowed_neverInstantiatesItNorRunsItsReadObject(@TempDir Path dir)
      throws IOException {
    Path trace = dir.resolve("tripped");
    byte[] payload = write(new ArrayList<>(List.of("before", new Tripwire(trace))), ANYTHING);
    TripwireBase.constructed = false;

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, DEFAULT));

    assertEquals(
        "payload names class dev.memo.serde.java.fixture.Tripwire, which is not allowed;"
            + " add it or its package to memo.serde.java.allow (for example"
            + " dev.memo.serde.java.fixture.*)",
        e.getMessage());
    assertFalse(TripwireBase.constructed, "the refused class was instantiated");
    assertFalse(Files.exists(trace), "the refused class's readObject ran");
  }

  @Test
  void read_gadgetAllowed_doesRunItsReadObject(@TempDir Path dir) throws IOException {
    // The control for the test above: the tripwire does trip when its class is let through.
    Path trace = dir.resolve("tripped");
    byte[] payload = write(new Tripwire(trace), ANYTHING);
    TripwireBase.constructed = false;

    read(payload, filter(AllowListFilter.ALLOW, Tripwire.class.getName()));

    assertTrue(TripwireBase.constructed);
    assertTrue(Files.exists(trace));
  }

  @Test
  void write_classNotAllowed_throwsBecauseItCouldNotBeReadBack() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    SerdeException e =
        assertThrows(
            SerdeException.class,
            () -> JavaSerialization.write(new ArrayList<>(List.of(new Plain(1))), out, DEFAULT));

    assertEquals(
        "value of type java.util.ArrayList contains class"
            + " dev.memo.serde.java.fixture.Plain, which is not allowed, so it could not be read back;"
            + " add it or its package to memo.serde.java.allow (for example"
            + " dev.memo.serde.java.fixture.*)",
        e.getMessage());
  }

  @Test
  void write_serializableLambda_throwsNamingSerializedLambda() {
    Runnable lambda = (Runnable & Serializable) () -> {};

    SerdeException e = assertThrows(SerdeException.class, () -> write(lambda, DEFAULT));

    assertTrue(
        e.getMessage()
            .contains(
                "contains class java.lang.invoke.SerializedLambda, which is"
                    + " not allowed, so it could not be read back; add it to memo.serde.java.allow"),
        e.getMessage());
  }

  // ---- values that cannot be serialized ----

  private static final class Opaque {}

  @Test
  void write_notSerializableValue_throwsNamingTypeAndWaysOut() {
    SerdeException e = assertThrows(SerdeException.class, () -> write(new Opaque(), DEFAULT));

    String type = Opaque.class.getName();
    assertEquals(
        "value of type "
            + type
            + " cannot be serialized: "
            + type
            + " is not"
            + " Serializable; make it implement java.io.Serializable (or turn it into a record that"
            + " does), or choose another serde with memo.serde",
        e.getMessage());
  }

  @Test
  void write_valueHoldingNotSerializable_throwsNamingBothTypesAndWaysOut() {
    Map<String, Object> value = new HashMap<>(Map.of("ok", 1, "bad", new Opaque()));

    SerdeException e = assertThrows(SerdeException.class, () -> write(value, DEFAULT));

    String type = Opaque.class.getName();
    assertEquals(
        "value of type java.util.HashMap cannot be serialized: it contains a "
            + type
            + ", which is not Serializable; make "
            + type
            + " implement java.io.Serializable (or turn"
            + " it into a record that does), or choose another serde with memo.serde",
        e.getMessage());
  }

  record Holder(Object content) implements Serializable {}

  @Test
  void write_recordHoldingNotSerializable_throwsNamingIt() {
    SerdeException e =
        assertThrows(SerdeException.class, () -> write(new Holder(new Opaque()), DEFAULT));

    assertTrue(
        e.getMessage()
            .startsWith(
                "value of type "
                    + Holder.class.getName()
                    + " cannot be serialized: it contains a "
                    + Opaque.class.getName()
                    + ", which is not"
                    + " Serializable"),
        e.getMessage());
  }

  /** A serializable class whose writeObject fails, as some library classes do on purpose. */
  private static final class Refusing implements Serializable {
    private static final long serialVersionUID = 1L;

    private void writeObject(java.io.ObjectOutputStream out) throws IOException {
      throw new java.io.InvalidClassException("Refusing", "not today");
    }
  }

  @Test
  void write_classWhoseWriteObjectFails_throwsSerdeExceptionAndWritesNoException()
      throws IOException {
    ObjectInputFilter filter = ANYTHING;
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    SerdeException e =
        assertThrows(
            SerdeException.class, () -> JavaSerialization.write(new Refusing(), out, filter));

    assertEquals(
        "value of type "
            + Refusing.class.getName()
            + " cannot be serialized:"
            + " InvalidClassException: Refusing; not today",
        e.getMessage());
    // The stream would have serialized its exception after the failure: it does not. What did
    // reach out (the stream's header and the class's descriptor) is a prefix the caller discards.
    String written = new String(out.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(written.contains(Refusing.class.getName()), written);
    assertFalse(written.contains("InvalidClassException"), written);
    assertFalse(written.contains("not today"), written);
  }

  // ---- limits ----

  private static List<Object> nested(int depth) {
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      List<Object> outer = new ArrayList<>();
      outer.add(list);
      list = outer;
    }
    return list;
  }

  @Test
  void read_deeperThanMaxDepth_throwsNamingTheLimit() throws IOException {
    byte[] payload = write(nested(150), DEFAULT);

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, DEFAULT));

    assertEquals(
        "payload nests values deeper than memo.serde.java.max-depth (100); raise it if"
            + " such values are expected",
        e.getMessage());
    assertEquals(
        nested(150),
        read(payload, filter(AllowListFilter.MAX_DEPTH, "1000")),
        "with the limit raised");
  }

  @Test
  void read_arrayLongerThanMaxArrayLength_throwsNamingTheLimit() throws IOException {
    AllowListFilter filter = filter(AllowListFilter.MAX_ARRAY_LENGTH, "1000");

    SerdeException e =
        assertThrows(SerdeException.class, () -> read(write(new int[1001], DEFAULT), filter));

    assertEquals(
        "payload declares an array of 1001 elements, more than"
            + " memo.serde.java.max-array-length (1000); raise it if such values are expected",
        e.getMessage());
    assertArrayEquals(new int[1000], (int[]) read(write(new int[1000], DEFAULT), filter));
  }

  @Test
  void read_collectionLongerThanMaxArrayLength_throwsNamingTheLimit() throws IOException {
    AllowListFilter filter = filter(AllowListFilter.MAX_ARRAY_LENGTH, "1000");
    List<Integer> list = new ArrayList<>(Collections.nCopies(1001, 1));

    SerdeException e = assertThrows(SerdeException.class, () -> read(write(list, DEFAULT), filter));

    assertEquals(
        "payload declares an array of 1001 elements, more than"
            + " memo.serde.java.max-array-length (1000); raise it if such values are expected",
        e.getMessage());
  }

  record Cell(int index) implements Serializable {}

  @Test
  void read_moreReferencesThanMaxRefs_throwsNamingTheLimit() throws IOException {
    // Each cell refers back to the class descriptor, and the stream counts every reference.
    List<Cell> cells = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      cells.add(new Cell(i));
    }
    byte[] payload = write(cells, DEFAULT);

    SerdeException e =
        assertThrows(
            SerdeException.class, () -> read(payload, filter(AllowListFilter.MAX_REFS, "50")));

    assertEquals(
        "payload holds more than memo.serde.java.max-refs (50) object references; raise"
            + " it if such values are expected",
        e.getMessage());
    assertEquals(cells, read(payload, filter(AllowListFilter.MAX_REFS, "1000")));
  }

  @Test
  void read_arrayLargerThanTheHeap_throwsInsteadOfRunningOutOfMemory() throws IOException {
    long heap = Runtime.getRuntime().maxMemory();
    int length = Integer.MAX_VALUE - 15;
    assertTrue(8L * length > heap, "this test needs a heap under 16 GiB; the pom sets -Xmx");
    byte[] payload = write(new long[] {42}, DEFAULT);
    // A long[] of one element ends with its length and its 8 bytes.
    ByteBuffer.wrap(payload).putInt(payload.length - 12, length);

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, DEFAULT));

    assertEquals(
        "payload declares an array of "
            + length
            + " elements of long ("
            + 8L * length
            + " bytes), more than this JVM's maximum heap ("
            + heap
            + " bytes); it is"
            + " corrupt, or was written by a JVM with a larger heap (-Xmx)",
        e.getMessage());
  }

  @Test
  void read_nestingThatOverflowsTheStack_throwsSerdeException() throws IOException {
    // Object[]s nested 200,000 deep, written by hand: writing them would overflow the stack too.
    byte[] one = write(new Object[] {null}, DEFAULT);
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    payload.write(one, 0, one.length - 5); // header, TC_ARRAY and the class descriptor
    byte[] level = {0, 0, 0, 1, 0x75, 0x71, 0x00, 0x7e, 0x00, 0x00}; // length 1, array, handle
    for (int i = 0; i < 200_000; i++) {
      payload.write(level);
    }
    payload.write(new byte[] {0, 0, 0, 1, 0x70}); // length 1, null
    AllowListFilter unlimited = filter(AllowListFilter.MAX_DEPTH, "100000000");

    SerdeException e =
        assertThrows(SerdeException.class, () -> read(payload.toByteArray(), unlimited));

    assertEquals(
        "payload nests values too deeply for this thread's stack; lower"
            + " memo.serde.java.max-depth (or the filter's depth limit), or run with a larger thread"
            + " stack (-Xss)",
        e.getMessage());
    assertInstanceOf(StackOverflowError.class, e.getCause());
  }

  // ---- classes that changed or went away ----

  @Test
  void read_serialVersionUidChanged_throwsSerdeExceptionSayingTheClassChanged() throws IOException {
    AllowListFilter filter = filter(AllowListFilter.ALLOW, Versioned.class.getName());
    byte[] payload = write(new Versioned(), filter);
    byte[] name = Versioned.class.getName().getBytes(UTF_8);
    // In the class descriptor, the serialVersionUID follows the class name.
    ByteBuffer.wrap(payload).putLong(indexOf(payload, name) + name.length, 2L);

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, filter));

    assertEquals(
        "payload names class dev.memo.serde.java.fixture.Versioned, which has changed"
            + " since the value was written (local class incompatible: stream classdesc"
            + " serialVersionUID = 2, local class serialVersionUID = 1); the entry is stale and must"
            + " be recomputed",
        e.getMessage());
  }

  @Test
  void read_classMissing_throwsSerdeExceptionNamingIt() throws IOException {
    AllowListFilter filter = filter(AllowListFilter.ALLOW, "dev.memo.serde.java.fixture.*");
    byte[] payload = write(new Versioned(), filter);
    byte[] name = Versioned.class.getName().getBytes(UTF_8);
    payload[indexOf(payload, name) + name.length - 1] = 'X';

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, filter));

    assertEquals(
        "payload names class dev.memo.serde.java.fixture.VersioneX, which is not on the"
            + " class path; add the jar or module that defines it, or let the entry be recomputed",
        e.getMessage());
  }

  // ---- other filters ----

  @Test
  void read_otherFilterRefuses_throwsDescribingWhatItRefused() throws IOException {
    ObjectInputFilter noLongs = ObjectInputFilter.Config.createFilter("!java.lang.Long;java.**");
    byte[] payload = write(7L, DEFAULT);

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, noLongs));

    assertEquals(
        "payload was refused by the filter (class java.lang.Long, depth 1," + " references 1)",
        e.getMessage());
  }

  @Test
  void write_otherFilterRefuses_throwsBecauseItCouldNotBeReadBack() {
    ObjectInputFilter noLongs = ObjectInputFilter.Config.createFilter("!java.lang.Long");

    SerdeException e = assertThrows(SerdeException.class, () -> write(List.of(7L), noLongs));

    assertEquals(
        "value of type java.util.ImmutableCollections$List12 contains class"
            + " java.lang.Long, which the filter refuses, so it could not be read back",
        e.getMessage());
  }

  // ---- the caller's streams ----

  /** An input stream that fails after some bytes, as a disk or network would. */
  private static final class FailingInputStream extends FilterInputStream {
    final IOException failure = new IOException("disk gone");
    private int left;

    FailingInputStream(byte[] bytes, int failAfter) {
      super(new ByteArrayInputStream(bytes));
      this.left = failAfter;
    }

    @Override
    public int read() throws IOException {
      if (left-- <= 0) {
        throw failure;
      }
      return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        throw failure;
      }
      int n = super.read(b, off, Math.min(len, left));
      left -= Math.max(n, 0);
      return n;
    }
  }

  /** An output stream that fails after some bytes. */
  private static final class FailingOutputStream extends OutputStream {
    final IOException failure = new IOException("disk full");
    private int left;

    FailingOutputStream(int failAfter) {
      this.left = failAfter;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > left) {
        throw failure;
      }
      left -= len;
    }
  }

  @Test
  void read_callersStreamFails_throwsItsIOException() throws IOException {
    byte[] payload = write(new ArrayList<>(Collections.nCopies(1000, "text")), DEFAULT);
    FailingInputStream in = new FailingInputStream(payload, payload.length / 2);

    IOException e = assertThrows(IOException.class, () -> JavaSerialization.read(in, DEFAULT));

    assertSame(in.failure, e);
  }

  @Test
  void write_callersStreamFails_throwsItsIOException() {
    FailingOutputStream out = new FailingOutputStream(100_000);

    IOException e =
        assertThrows(
            IOException.class, () -> JavaSerialization.write(new double[100_000], out, DEFAULT));

    assertSame(out.failure, e);
  }

  @Test
  void read_plain_leavesTheBytesAfterTheValueUnread() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JavaSerialization.write(new ArrayList<>(List.of("a", new Cell(1))), out, DEFAULT);
    out.write("tail".getBytes(UTF_8));
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());

    JavaSerialization.read(in, DEFAULT);

    assertEquals("tail", new String(in.readAllBytes(), UTF_8));
  }

  // ---- compression ----

  /** gzip from the JDK, to test the compression hook apart from this module's serdes. */
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

  @Test
  void read_compressedDataLongerThanTheValue_throwsSerdeException() throws IOException {
    byte[] plain = write("value", DEFAULT);
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(payload)) {
      out.write(plain);
      out.write(new byte[] {1, 2, 3});
    }

    SerdeException e =
        assertThrows(
            SerdeException.class,
            () ->
                JavaSerialization.read(
                    new ByteArrayInputStream(payload.toByteArray()), DEFAULT, GZIP));

    assertEquals("payload holds 3 bytes after the value; it is corrupt", e.getMessage());
  }

  @Test
  void read_compressedChecksumWrong_throwsSerdeException() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JavaSerialization.write("value", out, DEFAULT, GZIP);
    byte[] payload = out.toByteArray();
    payload[payload.length - 8] ^= 1; // the CRC-32 in the trailer, checked only at the end

    SerdeException e =
        assertThrows(
            SerdeException.class,
            () -> JavaSerialization.read(new ByteArrayInputStream(payload), DEFAULT, GZIP));

    assertTrue(
        e.getMessage().startsWith("payload is corrupt or was not written by this serde ("),
        e.getMessage());
  }

  @Test
  void read_compressedAndCallersStreamFails_throwsItsIOException() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JavaSerialization.write(new ArrayList<>(Collections.nCopies(1000, "text")), out, DEFAULT, GZIP);
    FailingInputStream in = new FailingInputStream(out.toByteArray(), out.size() / 2);

    IOException e =
        assertThrows(IOException.class, () -> JavaSerialization.read(in, DEFAULT, GZIP));

    assertSame(in.failure, e);
  }

  // ---- the fast path ----

  static Stream<Arguments> rawValues() {
    double[] doubles = {1.5, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff0_0000_0000_0123L)};
    return Stream.of(
        Arguments.of("byte[]", new byte[] {0, -1, 127, -128}),
        Arguments.of("boolean[]", new boolean[] {true, false, true}),
        Arguments.of("char[]", new char[] {'a', 'ß', '\uffff', '\ud800'}),
        Arguments.of("short[]", new short[] {-300, 300, Short.MIN_VALUE}),
        Arguments.of("int[]", new int[] {1, -2, Integer.MAX_VALUE}),
        Arguments.of("float[]", new float[] {0.5f, -1f, Float.intBitsToFloat(0x7fc0_0001)}),
        Arguments.of("long[]", new long[] {Long.MIN_VALUE, 0, 3}),
        Arguments.of("double[]", doubles),
        Arguments.of("empty int[]", new int[0]),
        Arguments.of("large long[]", new java.util.Random(1).longs(100_000).toArray()),
        Arguments.of("String", "μέμο, 記憶, 𝄞 and 😀, nul \u0000"),
        Arguments.of("String with a lone surrogate", "a\ud800b\udc00"),
        Arguments.of("empty String", ""),
        Arguments.of("long String", "x".repeat(200_000) + "ü"),
        Arguments.of("Boolean", Boolean.TRUE),
        Arguments.of("Byte", (byte) -7),
        Arguments.of("Character", '\ud800'),
        Arguments.of("Short", Short.MIN_VALUE),
        Arguments.of("Integer", -123_456),
        Arguments.of("Float", Float.intBitsToFloat(0x7fc0_0001)),
        Arguments.of("Long", Long.MAX_VALUE),
        Arguments.of("Double", Double.longBitsToDouble(0x7ff0_0000_0000_0123L)));
  }

  private static boolean rawEquals(Object a, Object b) {
    if (a instanceof float[]) {
      float[] x = (float[]) a;
      float[] y = (float[]) b;
      for (int i = 0; i < x.length; i++) {
        if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
          return false;
        }
      }
      return x.length == y.length;
    }
    if (a instanceof Float) {
      return Float.floatToRawIntBits((Float) a) == Float.floatToRawIntBits((Float) b);
    }
    if (a instanceof Double) {
      return Double.doubleToRawLongBits((Double) a) == Double.doubleToRawLongBits((Double) b);
    }
    if (a instanceof double[]) {
      double[] x = (double[]) a;
      double[] y = (double[]) b;
      for (int i = 0; i < x.length; i++) {
        if (Double.doubleToRawLongBits(x[i]) != Double.doubleToRawLongBits(y[i])) {
          return false;
        }
      }
      return x.length == y.length;
    }
    return Arrays.deepEquals(new Object[] {a}, new Object[] {b});
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rawValues")
  void write_arrayOrString_takesTheFastPathAndReadsBackBitForBit(String description, Object value)
      throws IOException {
    byte[] payload = write(value, DEFAULT);

    assertEquals('m', payload[0], "marker");
    assertEquals(marker(value), payload[1], "marker");
    Object read = read(payload, DEFAULT);
    assertSame(value.getClass(), read.getClass());
    assertTrue(rawEquals(value, read), description);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rawValues")
  void write_arrayOrStringCompressed_takesTheFastPathInsideTheCompression(
      String description, Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JavaSerialization.write(value, out, DEFAULT, GZIP);

    byte[] inside = new GZIPInputStream(new ByteArrayInputStream(out.toByteArray())).readNBytes(2);
    assertArrayEquals(new byte[] {'m', marker(value)}, inside);
    Object read =
        JavaSerialization.read(new ByteArrayInputStream(out.toByteArray()), DEFAULT, GZIP);
    assertTrue(rawEquals(value, read), description);
  }

  /** The fast path's second marker byte: 'l' for arrays of elements wider than a byte. */
  private static byte marker(Object value) {
    boolean wide =
        value.getClass().isArray()
            && value.getClass() != byte[].class
            && value.getClass() != boolean[].class;
    return (byte) (wide ? 'l' : 'r');
  }

  /** An array as the fast path wrote it before little-endian arrays: 'm' 'r', big-endian. */
  private static byte[] bigEndianPayload(Object array) {
    int length = java.lang.reflect.Array.getLength(array);
    ByteBuffer b = ByteBuffer.allocate(7 + 8 * length);
    b.put((byte) 'm').put((byte) 'r');
    if (array instanceof char[]) {
      b.put((byte) 3).putInt(length).asCharBuffer().put((char[]) array);
      b.position(b.position() + 2 * length);
    } else if (array instanceof short[]) {
      b.put((byte) 4).putInt(length).asShortBuffer().put((short[]) array);
      b.position(b.position() + 2 * length);
    } else if (array instanceof int[]) {
      b.put((byte) 5).putInt(length).asIntBuffer().put((int[]) array);
      b.position(b.position() + 4 * length);
    } else if (array instanceof float[]) {
      b.put((byte) 6).putInt(length).asFloatBuffer().put((float[]) array);
      b.position(b.position() + 4 * length);
    } else if (array instanceof long[]) {
      b.put((byte) 7).putInt(length).asLongBuffer().put((long[]) array);
      b.position(b.position() + 8 * length);
    } else {
      b.put((byte) 8).putInt(length).asDoubleBuffer().put((double[]) array);
      b.position(b.position() + 8 * length);
    }
    return Arrays.copyOf(b.array(), b.position());
  }

  /** The fast path's values whose elements are written little-endian. */
  static Stream<Arguments> wideRawArrays() {
    return rawValues().filter(a -> marker(a.get()[1]) == 'l');
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wideRawArrays")
  void read_wideArrayWrittenBigEndianBeforeLittleEndian_stillReadsBitForBit(
      String description, Object value) throws IOException {
    byte[] old = bigEndianPayload(value);

    Object read = read(old, DEFAULT);
    assertSame(value.getClass(), read.getClass());
    assertTrue(rawEquals(value, read), description);
    // And the same array now takes the same bytes but for the marker and the elements' order.
    assertEquals(old.length, write(value, DEFAULT).length);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 9, 10, 14, 17})
  void read_littleEndianMarkerOnAValueNeverWrittenSo_throwsSayingItIsCorrupt(int tag) {
    byte[] payload = {'m', 'l', (byte) tag, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, DEFAULT));
    assertTrue(e.getMessage().contains("never little-endian"), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rawValues")
  void read_payloadSerializedBeforeTheFastPath_stillReads(String description, Object value)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (java.io.ObjectOutputStream objects = new java.io.ObjectOutputStream(out)) {
      objects.writeObject(value);
    }

    // Java serialization itself folds NaN payloads into one NaN, so compare as Arrays.equals does.
    assertTrue(
        Arrays.deepEquals(new Object[] {value}, new Object[] {read(out.toByteArray(), DEFAULT)}),
        description);
  }

  @Test
  void read_fastPathTruncated_throwsSayingItIsTruncated() throws IOException {
    byte[] payload = write(new int[] {1, 2, 3}, DEFAULT);
    byte[] string = write("ab\u00fc", DEFAULT);
    byte[] boxed = write(2.5d, DEFAULT);

    for (byte[] bytes : List.of(payload, string, boxed)) {
      for (int cut = 0; cut < bytes.length; cut++) {
        byte[] truncated = Arrays.copyOf(bytes, cut);
        SerdeException e = assertThrows(SerdeException.class, () -> read(truncated, DEFAULT));
        assertEquals("payload ends before the value is complete; it is truncated", e.getMessage());
      }
    }
  }

  @Test
  void read_fastPathLongerThanMaxArrayLength_throwsNamingTheLimit() throws IOException {
    AllowListFilter filter = filter(AllowListFilter.MAX_ARRAY_LENGTH, "3");

    SerdeException e =
        assertThrows(SerdeException.class, () -> read(write("four", DEFAULT), filter));

    assertEquals(
        "payload declares an array of 4 elements, more than"
            + " memo.serde.java.max-array-length (3); raise it if such values are expected",
        e.getMessage());
  }

  @Test
  void read_fastPathBoxedOfARefusedClass_throwsNamingTheClass() throws IOException {
    ObjectInputFilter noDoubles =
        info ->
            info.serialClass() == Double.class
                ? ObjectInputFilter.Status.REJECTED
                : ObjectInputFilter.Status.UNDECIDED;

    SerdeException e =
        assertThrows(SerdeException.class, () -> read(write(2.5d, DEFAULT), noDoubles));

    assertEquals(
        "payload was refused by the filter (class java.lang.Double, depth 1, references" + " 1)",
        e.getMessage());
  }

  @Test
  void read_fastPathBooleanByteOtherThanZeroOrOne_throwsSayingItIsCorrupt() {
    byte[] payload = {'m', 'r', 10, 2};

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, DEFAULT));

    assertEquals(
        "payload is corrupt or was not written by this serde (InvalidObjectException:"
            + " boolean byte 2 is neither 0 nor 1)",
        e.getMessage());
  }

  @Test
  void read_fastPathWithUnknownTag_throwsSayingItIsCorrupt() {
    byte[] payload = {'m', 'r', 99, 0, 0, 0, 0};

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, DEFAULT));

    assertEquals(
        "payload is corrupt or was not written by this serde (InvalidObjectException:"
            + " unknown raw value tag 99)",
        e.getMessage());
  }

  @Test
  void read_fastPathPlain_leavesTheBytesAfterTheValueUnread() throws IOException {
    for (Object value : List.of("ü€x", new long[] {7})) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      JavaSerialization.write(value, out, DEFAULT);
      out.write("tail".getBytes(UTF_8));
      ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());

      JavaSerialization.read(in, DEFAULT);

      assertEquals("tail", new String(in.readAllBytes(), UTF_8));
    }
  }
}
