package dev.memo.serde.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.SerdeException;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast path's flat lists (an {@code ArrayList} of nulls, Strings and boxed primitives): round
 * trips through the real {@code java} and {@code java-gzip} serdes, the lists that keep going
 * through the object stream, the filter asked as the object stream asks it, and crafted payloads.
 */
final class RawListTest {
  private static final AllowListFilter DEFAULT = AllowListFilter.of(MemoConfig.empty());

  /** Lets a test write payloads that the filter under test must then refuse. */
  private static final ObjectInputFilter ANYTHING = info -> ObjectInputFilter.Status.ALLOWED;

  private static final int LIST_TAG = 18;

  private static Serde serde(String name) {
    for (SerdeProvider provider : ServiceLoader.load(SerdeProvider.class)) {
      if (provider.name().equals(name)) {
        return provider.create(MemoConfig.empty().scoped("memo.serde." + name));
      }
    }
    throw new AssertionError("no serde provider named " + name);
  }

  private static byte[] write(Serde serde, Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    serde.write(value, out);
    return out.toByteArray();
  }

  private static Object read(Serde serde, byte[] payload) throws IOException {
    return serde.read(new ByteArrayInputStream(payload));
  }

  private static byte[] write(Object value, ObjectInputFilter filter) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JavaSerialization.write(value, out, filter);
    return out.toByteArray();
  }

  private static Object read(byte[] payload, ObjectInputFilter filter) throws IOException {
    return JavaSerialization.read(new ByteArrayInputStream(payload), filter);
  }

  /** Java serialization of a value, as payloads were written before the fast path took lists. */
  private static byte[] serialized(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  private static AllowListFilter filter(String key, String value) {
    return AllowListFilter.of(MemoConfig.of(Map.of(key, value)));
  }

  // ---- generated values ----

  private static final String[] STRINGS = {
    "", "a", "ü", "€", "記憶", "𝄞", "\ud800", "\udc00x", "nul \u0000 inside", "\uffff"
  };

  /** An element of every kind the fast path takes, chosen by {@code kind} (0 to 9). */
  private static Object element(Random random, int kind) {
    switch (kind) {
      case 0:
        return null;
      case 1:
        {
          // Fresh instances, not interned literals: the object stream sees distinct Strings.
          if (random.nextBoolean()) {
            return new String(STRINGS[random.nextInt(STRINGS.length)]);
          }
          char[] chars = new char[random.nextInt(40)];
          for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) random.nextInt(Character.MAX_VALUE + 1);
          }
          return new String(chars);
        }
      case 2:
        return random.nextBoolean();
      case 3:
        return (byte) random.nextInt();
      case 4:
        return (char) random.nextInt(Character.MAX_VALUE + 1);
      case 5:
        return (short) random.nextInt();
      case 6:
        return random.nextInt();
      case 7:
        {
          int pick = random.nextInt(4);
          return pick == 0
              ? Float.intBitsToFloat(0x7fc0_0000 | random.nextInt(0x40_0000))
              : pick == 1 ? -0.0f : random.nextFloat() * random.nextInt();
        }
      case 8:
        return random.nextLong();
      default:
        {
          int pick = random.nextInt(4);
          return pick == 0
              ? Double.longBitsToDouble(0x7ff0_0000_0000_0001L | random.nextLong() >>> 13)
              : pick == 1 ? -0.0d : random.nextGaussian();
        }
    }
  }

  private static ArrayList<Object> list(Random random, int size, int onlyKind) {
    ArrayList<Object> list = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      list.add(element(random, onlyKind >= 0 ? onlyKind : random.nextInt(10)));
    }
    return list;
  }

  /** Equal, element by element, with the same class and, for floats and doubles, the same bits. */
  private static void assertSameElements(List<?> expected, Object actual, String what) {
    assertNotNull(actual, what);
    assertSame(ArrayList.class, actual.getClass(), what);
    List<?> read = (List<?>) actual;
    assertEquals(expected.size(), read.size(), what);
    for (int i = 0; i < expected.size(); i++) {
      Object a = expected.get(i);
      Object b = read.get(i);
      String at = what + ", element " + i;
      if (a == null) {
        assertEquals(null, b, at);
        continue;
      }
      assertNotNull(b, at);
      assertSame(a.getClass(), b.getClass(), at);
      if (a instanceof Float) {
        assertEquals(Float.floatToRawIntBits((Float) a), Float.floatToRawIntBits((Float) b), at);
      } else if (a instanceof Double) {
        assertEquals(
            Double.doubleToRawLongBits((Double) a), Double.doubleToRawLongBits((Double) b), at);
      } else {
        assertEquals(a, b, at);
      }
    }
  }

  static Stream<String> serdes() {
    return Stream.of("java", "java-gzip");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("serdes")
  void roundTrip_generatedFlatLists_readBackElementForElement(String name) throws IOException {
    Serde serde = serde(name);
    Random random = new Random(20261202);
    List<Integer> sizes = new ArrayList<>();
    for (int size = 0; size <= 40; size++) {
      sizes.add(size);
    }
    sizes.addAll(List.of(127, 128, 255, 256, 1000, 1023, 1024, 1999, 2000));
    for (int size : sizes) {
      for (int kind = -1; kind < 10; kind++) {
        ArrayList<Object> value = list(random, size, kind);
        String what = name + ", size " + size + ", kind " + (kind < 0 ? "mixed" : kind);

        assertSameElements(value, read(serde, write(serde, value)), what);
      }
    }
  }

  @Test
  void write_flatList_takesTheFastPath() throws IOException {
    ArrayList<Object> value = new ArrayList<>(Arrays.asList(0, 42, null, "x", 2.5));

    byte[] payload = write(value, DEFAULT);

    assertArrayEquals(new byte[] {'m', 'r', LIST_TAG}, Arrays.copyOf(payload, 3));
    assertEquals(5, ByteBuffer.wrap(payload, 3, 4).getInt(), "size");
    assertEquals(value, read(payload, DEFAULT));
  }

  @Test
  void read_largeFlatList_growsPastItsFirstRoomAndReadsBack() throws IOException {
    // More elements than the list is given before they arrive.
    ArrayList<Object> value = new ArrayList<>(Collections.nCopies(300_000, (Object) 7));
    value.set(299_999, "last");

    for (String name : List.of("java", "java-gzip")) {
      assertSameElements(value, read(serde(name), write(serde(name), value)), name);
    }
  }

  /** An ArrayList of its own class, which the fast path must not flatten into an ArrayList. */
  static final class NamedList extends ArrayList<Object> {
    private static final long serialVersionUID = 1L;
  }

  static Stream<Arguments> notFlat() {
    NamedList subclass = new NamedList();
    subclass.add(1);
    ArrayList<Object> nested = new ArrayList<>(List.of(1, "a"));
    nested.add(new ArrayList<>(List.of(2)));
    return Stream.of(
        Arguments.of("subclass of ArrayList", subclass),
        Arguments.of("List.of", List.of(1, 2, 3)),
        Arguments.of("LinkedList", new LinkedList<>(List.of(1, 2))),
        Arguments.of("Arrays.asList", Arrays.asList("a", "b")),
        Arguments.of("holding a BigInteger", new ArrayList<>(List.of(1, BigInteger.TEN))),
        Arguments.of("holding an enum", new ArrayList<>(List.of(DayOfWeek.MONDAY))),
        Arguments.of("holding a list", nested),
        Arguments.of("holding a UUID", new ArrayList<>(List.of(7, new UUID(1, 2)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notFlat")
  void write_listThatIsNotFlat_goesThroughTheObjectStream(String description, Object value)
      throws IOException {
    AllowListFilter filter = filter(AllowListFilter.ALLOW, NamedList.class.getName());
    byte[] payload = write(value, filter);

    assertEquals((byte) 0xAC, payload[0], "Java serialization's magic");
    assertEquals((byte) 0xED, payload[1], "Java serialization's magic");
    Object read = read(payload, filter);
    assertSame(value.getClass(), read.getClass());
    assertTrue(Arrays.deepEquals(new Object[] {value}, new Object[] {read}), description);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("serdes")
  void read_flatListSerializedBeforeTheFastPath_stillReads(String name) throws IOException {
    ArrayList<Object> value = list(new Random(7), 500, -1);
    Serde serde = serde(name);
    byte[] payload = serialized(value);
    if (name.equals("java-gzip")) {
      payload = gzip(payload, payload.length);
    }

    // Java serialization folds NaN payloads into one NaN, so compare as equals does.
    assertEquals(value, read(serde, payload));
  }

  // ---- the filter, asked as the object stream asks it ----

  /** A filter that allows everything and remembers what it was asked. */
  private static final class Questions implements ObjectInputFilter {
    final List<String> asked = new ArrayList<>();

    @Override
    public Status checkInput(FilterInfo info) {
      asked.add(
          (info.serialClass() == null ? "reference" : info.serialClass().getName())
              + " length "
              + info.arrayLength()
              + " depth "
              + info.depth()
              + " references "
              + info.references());
      return Status.UNDECIDED;
    }
  }

  @Test
  void read_flatList_asksTheFilterWhatTheObjectStreamAsks() throws IOException {
    Random random = new Random(3);
    for (int size : new int[] {0, 1, 2, 10, 57}) {
      ArrayList<Object> value = list(random, size, -1);
      // Every kind at least once, and repeated, so that references to class descriptors appear.
      value.addAll(Arrays.asList(1, 2, 3L, 4L, (short) 5, (byte) 6, 'c', true, 1.5f, 2.5d, null));
      value.addAll(Arrays.asList(new String("s"), 9, 'd', false, 0.5f, 0.25d, (short) 1));
      Questions byStream = new Questions();
      Questions byFastPath = new Questions();

      assertEquals(value, read(serialized(value), byStream));
      assertEquals(value, read(write(value, DEFAULT), byFastPath));

      assertEquals(byStream.asked, byFastPath.asked, "size " + size);
    }
  }

  @Test
  void read_flatListSharingStrings_asksWhatTheObjectStreamAsks_andSharesThemAgain()
      throws IOException {
    String a = new String("a");
    String b = new String("b");
    // Literals are shared: a list of them holds one String object many times.
    ArrayList<Object> value =
        new ArrayList<>(Arrays.asList(a, a, a, 1, a, b, null, b, 2, new String("a"), a));
    Questions byStream = new Questions();
    Questions byFastPath = new Questions();
    byte[] fast = write(value, DEFAULT);
    assertEquals(LIST_TAG, fast[2], "fast path");

    assertEquals(value, read(serialized(value), byStream));
    List<?> read = (List<?>) read(fast, byFastPath);

    assertEquals(value, read);
    assertEquals(byStream.asked, byFastPath.asked);
    assertSame(read.get(0), read.get(1));
    assertSame(read.get(0), read.get(10));
    assertSame(read.get(5), read.get(7));
    assertTrue(read.get(9) != read.get(0), "a distinct equal String stays distinct");
  }

  static Stream<Arguments> referenceLimits() {
    return Stream.of(
        Arguments.of("maxrefs=10", ObjectInputFilter.Config.createFilter("maxrefs=10")),
        Arguments.of("max-refs 10", filter(AllowListFilter.MAX_REFS, "10")),
        Arguments.of("max-depth 1", filter(AllowListFilter.MAX_DEPTH, "1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("referenceLimits")
  void read_oneStringManyTimesPastALimit_failsAsTheObjectStreamDoes(
      String description, ObjectInputFilter filter) throws IOException {
    ArrayList<Object> value = new ArrayList<>();
    value.add(1);
    String shared = new String("shared");
    for (int i = 0; i < 20; i++) {
      value.add(shared);
    }
    byte[] fast = write(value, ANYTHING);
    assertEquals(LIST_TAG, fast[2], "fast path");

    String expected = message(() -> read(serialized(value), filter));
    String actual = message(() -> read(fast, filter));

    assertTrue(!expected.equals("read"), "the object stream refuses: " + expected);
    assertEquals(expected, actual, description);
  }

  static Stream<Arguments> refusals() {
    Supplier<ObjectInputFilter> noArrayList =
        () -> ObjectInputFilter.Config.createFilter("!java.util.ArrayList");
    return Stream.of(
        Arguments.of("ArrayList refused", noArrayList.get()),
        Arguments.of(
            "Integer refused", ObjectInputFilter.Config.createFilter("!java.lang.Integer")),
        Arguments.of("Number refused", ObjectInputFilter.Config.createFilter("!java.lang.Number")),
        Arguments.of(
            "String refused (the stream never asks)",
            ObjectInputFilter.Config.createFilter("!java.lang.String")),
        Arguments.of("length refused", ObjectInputFilter.Config.createFilter("maxarray=9")),
        Arguments.of("depth 2 refused", ObjectInputFilter.Config.createFilter("maxdepth=1")),
        Arguments.of("references refused", ObjectInputFilter.Config.createFilter("maxrefs=5")),
        Arguments.of("max-array-length 9", filter(AllowListFilter.MAX_ARRAY_LENGTH, "9")),
        Arguments.of("max-depth 1", filter(AllowListFilter.MAX_DEPTH, "1")),
        Arguments.of("max-depth 2", filter(AllowListFilter.MAX_DEPTH, "2")),
        Arguments.of("max-refs 7", filter(AllowListFilter.MAX_REFS, "7")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void read_filterRefusingPartOfAFlatList_failsAsTheObjectStreamDoes(
      String description, ObjectInputFilter filter) throws IOException {
    ArrayList<Object> value = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      value.add(42 * i);
    }
    value.add(new String("text"));
    byte[] fast = write(value, ANYTHING);
    byte[] stream = serialized(value);
    assertEquals(LIST_TAG, fast[2], "fast path");

    String expected = message(() -> read(stream, filter));
    String actual = message(() -> read(fast, filter));

    assertEquals(expected, actual, description);
  }

  private interface Read {
    Object run() throws IOException;
  }

  /** The message of the SerdeException the read throws, or "read" if it reads. */
  private static String message(Read read) throws IOException {
    try {
      read.run();
      return "read";
    } catch (SerdeException e) {
      return e.getMessage();
    }
  }

  @Test
  void read_filterRefusingTheList_failsNamingItBeforeReadingAnElement() throws IOException {
    // The refusal comes before the size is read: a list declaring more than it holds is refused,
    // not reported truncated.
    ObjectInputFilter noArrayList = ObjectInputFilter.Config.createFilter("!java.util.ArrayList");
    byte[] payload = crafted(1_000, new byte[] {6});

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, noArrayList));

    assertEquals(
        "payload was refused by the filter (class java.util.ArrayList, depth 1, references 1)",
        e.getMessage());
  }

  @Test
  void read_sizeLongerThanMaxArrayLength_failsBeforeReadingAnElement() throws IOException {
    byte[] payload = crafted(1_001, new byte[] {0});

    SerdeException e =
        assertThrows(
            SerdeException.class,
            () -> read(payload, filter(AllowListFilter.MAX_ARRAY_LENGTH, "1000")));

    assertEquals(
        "payload declares an array of 1001 elements, more than"
            + " memo.serde.java.max-array-length (1000); raise it if such values are expected",
        e.getMessage());
  }

  @Test
  void write_flatListHoldingAClassTheFilterRefuses_failsAsTheObjectStreamDoes() {
    ObjectInputFilter noLongs = ObjectInputFilter.Config.createFilter("!java.lang.Long");
    ObjectInputFilter noNumbers = ObjectInputFilter.Config.createFilter("!java.lang.Number");
    ObjectInputFilter noLists = ObjectInputFilter.Config.createFilter("!java.util.ArrayList");
    ArrayList<Object> value = new ArrayList<>(Arrays.asList("a", null, 7L));

    for (ObjectInputFilter filter : List.of(noLongs, noNumbers, noLists)) {
      SerdeException fast = assertThrows(SerdeException.class, () -> write(value, filter));
      NamedList same = new NamedList();
      same.addAll(value);
      SerdeException stream = assertThrows(SerdeException.class, () -> write(same, filter));

      assertEquals(
          stream.getMessage().replace(NamedList.class.getName(), ArrayList.class.getName()),
          fast.getMessage());
    }
    assertEquals(
        "value of type java.util.ArrayList contains class java.lang.Long, which the filter"
            + " refuses, so it could not be read back",
        assertThrows(SerdeException.class, () -> write(value, noLongs)).getMessage());
  }

  // ---- crafted payloads ----

  /** A fast-path list payload: marker, tag, declared size, then the given element bytes. */
  private static byte[] crafted(int size, byte[] elements) {
    return ByteBuffer.allocate(7 + elements.length)
        .put((byte) 'm')
        .put((byte) 'r')
        .put((byte) LIST_TAG)
        .putInt(size)
        .put(elements)
        .array();
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

  @ParameterizedTest
  @ValueSource(ints = {2_000_000, 50_000_000, 200_000_000})
  void read_sizeFarBeyondThePayload_isTruncatedAfterAllocatingLittle(int size) throws IOException {
    // Sizes whose Object[] fits the test's heap (-Xmx1g), so the heap check does not refuse them:
    // only room that follows the elements read keeps the reader from allocating them.
    byte[] payload = crafted(size, new byte[] {14, 0, 0, 0, 1, 0});

    long before = allocatedBytes();
    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, DEFAULT));
    long allocated = allocatedBytes() - before;

    assertEquals("payload ends before the value is complete; it is truncated", e.getMessage());
    assertTrue(allocated < 4L << 20, "the read allocated " + allocated + " bytes");
  }

  @Test
  void read_sizeBeyondMaxPayloadBytes_failsNamingTheLimit() throws IOException {
    byte[] payload = crafted(1_000, new byte[] {0, 0, 0});

    SerdeException e =
        assertThrows(
            SerdeException.class,
            () -> read(payload, filter(AllowListFilter.MAX_PAYLOAD_BYTES, "1000")));

    assertEquals(
        "payload holds more than memo.serde.java.max-payload-bytes (1000) bytes of serialized"
            + " data; raise it if such values are expected",
        e.getMessage());
  }

  @Test
  void read_elementsBeyondMaxPayloadBytes_failsNamingTheLimit() throws IOException {
    // Few elements, long ones: the count of bytes read, not the size, reaches the limit.
    ArrayList<Object> value = new ArrayList<>(List.of("x".repeat(600), "y".repeat(600)));
    byte[] payload = write(value, DEFAULT);
    AllowListFilter limit = filter(AllowListFilter.MAX_PAYLOAD_BYTES, "1000");

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, limit));

    assertEquals(
        "payload holds more than memo.serde.java.max-payload-bytes (1000) bytes of serialized"
            + " data; raise it if such values are expected",
        e.getMessage());
    assertEquals(value, read(payload, filter(AllowListFilter.MAX_PAYLOAD_BYTES, "1300")));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 18, 20, 99, 255})
  void read_unknownElementTag_failsSayingItIsCorrupt(int tag) {
    byte[] payload = crafted(2, new byte[] {0, (byte) tag, 0, 0, 0, 0, 0, 0, 0, 0});

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, DEFAULT));

    assertEquals(
        "payload is corrupt or was not written by this serde (InvalidObjectException:"
            + " unknown raw list element tag "
            + tag
            + ")",
        e.getMessage());
  }

  static Stream<Arguments> badReferences() {
    byte[] string = {9, 0, 0, 0, 1, 'a'};
    byte[] integer = {14, 0, 0, 0, 7};
    byte[] nothing = {0};
    return Stream.of(
        Arguments.of("to itself", string, 1, "list element 1 refers to element 1"),
        Arguments.of("ahead", string, 5, "list element 1 refers to element 5"),
        Arguments.of("negative", string, -1, "list element 1 refers to element -1"),
        Arguments.of("to a null", nothing, 0, "list element 1 refers to element 0"),
        Arguments.of("to an Integer", integer, 0, "list element 1 refers to element 0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badReferences")
  void read_referenceToNoEarlierString_failsSayingItIsCorrupt(
      String description, byte[] first, int index, String says) {
    byte[] elements =
        ByteBuffer.allocate(first.length + 5).put(first).put((byte) 19).putInt(index).array();
    byte[] payload = crafted(2, elements);

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, DEFAULT));

    assertEquals(
        "payload is corrupt or was not written by this serde (InvalidObjectException: "
            + says
            + ", not an earlier String)",
        e.getMessage(),
        description);
  }

  @Test
  void read_flatListUnderTheLittleEndianMarker_failsSayingItIsCorrupt() throws IOException {
    // One encoding per value: a list is only ever written under 'm' 'r'.
    byte[] payload = write(new ArrayList<>(List.of(1, 2)), DEFAULT);
    payload[1] = 'l';

    SerdeException e = assertThrows(SerdeException.class, () -> read(payload, DEFAULT));

    assertEquals(
        "payload is corrupt or was not written by this serde (InvalidObjectException:"
            + " raw value tag 18 is never little-endian)",
        e.getMessage());
  }

  @Test
  void read_negativeSize_failsSayingItIsCorrupt() {
    SerdeException e =
        assertThrows(SerdeException.class, () -> read(crafted(-1, new byte[0]), DEFAULT));

    assertEquals(
        "payload is corrupt or was not written by this serde (InvalidObjectException:"
            + " negative list size -1)",
        e.getMessage());
  }

  @Test
  void read_malformedStringElement_failsSayingItIsCorrupt() {
    // A String of one char whose first byte is a continuation byte; then one of negative length.
    byte[] malformed = crafted(1, new byte[] {9, 0, 0, 0, 1, (byte) 0x80});
    byte[] negative = crafted(1, new byte[] {9, -1, -1, -1, -1});
    byte[] badBoolean = crafted(1, new byte[] {10, 2});

    assertEquals(
        "payload is corrupt or was not written by this serde (InvalidObjectException:"
            + " malformed string byte 128)",
        assertThrows(SerdeException.class, () -> read(malformed, DEFAULT)).getMessage());
    assertEquals(
        "payload is corrupt or was not written by this serde (InvalidObjectException:"
            + " negative length -1)",
        assertThrows(SerdeException.class, () -> read(negative, DEFAULT)).getMessage());
    assertEquals(
        "payload is corrupt or was not written by this serde (InvalidObjectException:"
            + " boolean byte 2 is neither 0 nor 1)",
        assertThrows(SerdeException.class, () -> read(badBoolean, DEFAULT)).getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("serdes")
  void read_truncatedAtEveryByte_failsSayingItIsTruncated(String name) throws IOException {
    ArrayList<Object> value =
        new ArrayList<>(Arrays.asList(1, null, "aü€", "", true, 'λ', (byte) 2, (short) 3));
    value.addAll(Arrays.asList(4L, 0.5f, -0.0d));
    byte[] payload = write(value, DEFAULT);
    assertEquals(LIST_TAG, payload[2], "fast path");
    Serde serde = serde(name);

    for (int cut = 0; cut < payload.length; cut++) {
      // Inside a whole gzip stream for java-gzip: the list is cut, not the compression.
      byte[] truncated = name.equals("java") ? Arrays.copyOf(payload, cut) : gzip(payload, cut);
      SerdeException e = assertThrows(SerdeException.class, () -> read(serde, truncated));
      assertEquals(
          "payload ends before the value is complete; it is truncated",
          e.getMessage(),
          "cut at " + cut);
    }
    assertSameElements(value, read(serde, write(serde, value)), "whole");
  }

  private static byte[] gzip(byte[] plain, int length) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(plain, 0, length);
    }
    return out.toByteArray();
  }

  @Test
  void read_plainFlatList_leavesTheBytesAfterTheValueUnread() throws IOException {
    ArrayList<Object> value = new ArrayList<>(Arrays.asList("ü€x", 7L, null));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JavaSerialization.write(value, out, DEFAULT);
    out.write(new byte[] {'t', 'a', 'i', 'l'});
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());

    assertEquals(value, JavaSerialization.read(in, DEFAULT));

    assertArrayEquals(new byte[] {'t', 'a', 'i', 'l'}, in.readAllBytes());
  }
}
