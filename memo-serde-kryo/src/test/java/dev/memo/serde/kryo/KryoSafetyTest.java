package dev.memo.serde.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.kryo5.io.Output;
import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.SerdeException;
import dev.memo.serde.kryo.fixture.Harmless;
import dev.memo.serde.kryo.fixture.Marks;
import dev.memo.spi.Serde;
import dev.memo.testkit.SerdeContract.Colour;
import dev.memo.testkit.SerdeContract.Point;
import dev.memo.testkit.SerdeContract.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the kryo serde refuses, and that it refuses before harm is done. */
final class KryoSafetyTest {
  private static final String FIXTURE = "dev.memo.serde.kryo.fixture";

  static Serde kryo(Map<String, String> config) {
    return new KryoSerdeProvider().create(MemoConfig.of(config).scoped("memo.serde.kryo"));
  }

  static Serde kryo() {
    return kryo(Map.of());
  }

  static byte[] write(Serde serde, Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    serde.write(value, out);
    return out.toByteArray();
  }

  static Object read(Serde serde, byte[] payload) throws IOException {
    return serde.read(new ByteArrayInputStream(payload));
  }

  /** A string as Kryo writes it; strings of as many chars take as many bytes. */
  static byte[] kryoAscii(String s) {
    Output out = new Output(256);
    out.writeString(s);
    return out.toBytes();
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found: " + new String(needle, StandardCharsets.ISO_8859_1));
  }

  static byte[] replace(byte[] payload, int at, int length, byte[] with) {
    byte[] out = new byte[payload.length - length + with.length];
    System.arraycopy(payload, 0, out, 0, at);
    System.arraycopy(with, 0, out, at, with.length);
    System.arraycopy(payload, at + length, out, at + with.length, payload.length - at - length);
    return out;
  }

  @Test
  void read_classNotAllowed_isRefusedBeforeItsInitializerOrConstructorRuns() throws IOException {
    Serde writer = kryo(Map.of("memo.serde.kryo.allow", FIXTURE + ".Harmless"));
    Harmless value = new Harmless();
    value.value = 7;
    byte[] payload = write(writer, value);
    byte[] name = kryoAscii(FIXTURE + ".Harmless");
    byte[] forged =
        replace(payload, indexOf(payload, name), name.length, kryoAscii(FIXTURE + ".Tripwire"));

    SerdeException refused = assertThrows(SerdeException.class, () -> read(writer, forged));

    assertEquals(
        "payload names class "
            + FIXTURE
            + ".Tripwire, which is not allowed; add it or"
            + " its package to memo.serde.kryo.allow (for example "
            + FIXTURE
            + ".*)",
        refused.getMessage());
    assertFalse(Marks.INITIALIZED.get(), "the refused class's static initializer ran");
    assertFalse(Marks.CONSTRUCTED.get(), "the refused class was constructed");
    // The forgery is sound: a serde that allows the class does build one from it.
    Object built = read(kryo(Map.of("memo.serde.kryo.allow", FIXTURE + ".*")), forged);
    assertEquals(FIXTURE + ".Tripwire", built.getClass().getName());
    assertTrue(Marks.INITIALIZED.get() && Marks.CONSTRUCTED.get());
  }

  @Test
  void read_jdkClassOutsideTheTable_isRefused() throws IOException {
    byte[] payload = write(kryo(), new ArrayList<>(List.of(1)));
    byte[] name = kryoAscii("java.util.ArrayList");
    byte[] forged =
        replace(payload, indexOf(payload, name), name.length, kryoAscii("java.util.Hashtable"));

    SerdeException refused = assertThrows(SerdeException.class, () -> read(kryo(), forged));

    assertEquals(
        "payload names class java.util.Hashtable, which is not allowed; memo-serde-kryo"
            + " takes only the JDK values and collections it lists, enums, records and the classes"
            + " named in memo.serde.kryo.allow",
        refused.getMessage());
  }

  @Test
  void write_classNotAllowed_throwsSerdeExceptionNamingItAndTheKey() {
    SerdeException refused =
        assertThrows(
            SerdeException.class, () -> write(kryo(), new ArrayList<>(List.of(new Harmless()))));

    assertEquals(
        "value of type java.util.ArrayList cannot be written: class "
            + FIXTURE
            + ".Harmless is not allowed, so a value holding it is neither written nor read; add it or"
            + " its package to memo.serde.kryo.allow (for example "
            + FIXTURE
            + ".*)",
        refused.getMessage());
  }

  @Test
  void roundTrip_classAllowedByPackagePattern_isWrittenFieldByField() throws IOException {
    Serde serde = kryo(Map.of("memo.serde.kryo.allow", "dev.memo.serde.kryo.**"));
    Harmless value = new Harmless();
    value.value = 42;

    assertEquals(List.of(value), read(serde, write(serde, List.of(value))));
  }

  @Test
  void create_badAllowPattern_throwsNamingTheKeyAndTheForms() {
    MemoConfigurationException bad =
        assertThrows(
            MemoConfigurationException.class,
            () -> kryo(Map.of("memo.serde.kryo.allow", "com.example.*.Point")));

    assertTrue(bad.getMessage().contains("memo.serde.kryo.allow"), bad.getMessage());
    assertTrue(bad.getMessage().contains("com.example.*.Point"), bad.getMessage());
  }

  @Test
  void read_classesMetInAnotherOrder_readsEachOthersPayloads() throws IOException {
    Point point = new Point(1, 2, "p");
    Shape shape = new Shape("s", List.of(point), Colour.RED);
    Serde first = kryo();
    Serde second = kryo();
    // Each instance meets the classes in another order before the payloads that matter.
    write(first, point);
    write(first, shape);
    write(second, Colour.BLUE);
    write(second, List.of(shape));
    write(second, point);

    byte[] byFirst = write(first, List.of(Colour.GREEN, shape, point));
    byte[] bySecond = write(second, List.of(Colour.GREEN, shape, point));

    assertEquals(List.of(Colour.GREEN, shape, point), read(second, byFirst));
    assertEquals(List.of(Colour.GREEN, shape, point), read(first, bySecond));
    assertTrue(Arrays.equals(byFirst, bySecond), "the same value gives the same bytes");
  }

  @Test
  void read_secondPayloadOfAnInstance_isReadByAFreshInstance() throws IOException {
    Serde writer = kryo();
    write(writer, new Shape("first", List.of(new Point(0, 0, "a")), Colour.RED));
    byte[] second = write(writer, new Shape("second", List.of(new Point(1, 1, "b")), Colour.BLUE));

    assertEquals(
        new Shape("second", List.of(new Point(1, 1, "b")), Colour.BLUE), read(kryo(), second));
  }

  @Test
  void read_declaredCollectionSizeBeyondThePayload_throwsSerdeException() throws IOException {
    byte[] payload = write(kryo(), new ArrayList<>(List.of(1, 2, 3)));
    // After the class name and its 4-byte shape: the size plus one.
    byte[] name = kryoAscii("java.util.ArrayList");
    int at = indexOf(payload, name) + name.length + 4;
    Output huge = new Output(8);
    huge.writeVarInt(400_000_001, true);
    byte[] forged = replace(payload, at, 1, huge.toBytes());

    SerdeException refused = assertThrows(SerdeException.class, () -> read(kryo(), forged));

    assertTrue(
        refused
            .getMessage()
            .startsWith("payload declares a collection of 400000000" + " elements but holds only "),
        refused.getMessage());
  }

  @Test
  void read_declaredArrayLengthBeyondThePayload_throwsSerdeException() throws IOException {
    byte[] payload = write(kryo(), new String[] {"a", "b"});
    byte[] name = kryoAscii("[Ljava.lang.String;");
    int at = indexOf(payload, name) + name.length + 4;
    Output huge = new Output(8);
    huge.writeVarInt(Integer.MAX_VALUE - 9, true);
    byte[] forged = replace(payload, at, 1, huge.toBytes());

    SerdeException refused = assertThrows(SerdeException.class, () -> read(kryo(), forged));

    assertTrue(
        refused
            .getMessage()
            .startsWith("payload declares an array of 2147483637 elements" + " but holds only "),
        refused.getMessage());
  }

  @Test
  void read_rawArrayLengthBeyondThePayload_throwsSerdeException() throws IOException {
    byte[] payload = write(kryo(), new double[] {1, 2, 3});
    int at = indexOf(payload, new byte[] {'m', 'l'}) + 3;
    byte[] forged = payload.clone();
    ByteBuffer.wrap(forged, at, 4).putInt(Integer.MAX_VALUE - 16);

    SerdeException refused = assertThrows(SerdeException.class, () -> read(kryo(), forged));

    // memo-serde-java's reader reports the refusal in its own words around this serde's reason.
    assertTrue(
        refused
            .getMessage()
            .contains(
                "payload declares an array of 2147483631 elements but"
                    + " holds only 24 more bytes; it is corrupt"),
        refused.getMessage());
  }

  @Test
  void read_declaredLengthBeyondMaxLength_throwsSerdeExceptionNamingTheKey() throws IOException {
    byte[] payload = write(kryo(), new ArrayList<>(List.of(1, 2, 3)));

    SerdeException refused =
        assertThrows(
            SerdeException.class,
            () -> read(kryo(Map.of("memo.serde.kryo.max-length", "2")), payload));

    assertEquals(
        "payload declares a collection of 3 elements, more than memo.serde.kryo.max-length"
            + " (2); raise it if such values are expected",
        refused.getMessage());
  }

  private static Object nested(int depth) {
    Object value = "leaf";
    for (int i = 0; i < depth; i++) {
      value = new ArrayList<>(List.of(value));
    }
    return value;
  }

  @Test
  void read_nestedDeeperThanMaxDepth_throwsSerdeExceptionNamingTheKey() throws IOException {
    byte[] payload = write(kryo(), nested(30));

    SerdeException refused =
        assertThrows(
            SerdeException.class,
            () -> read(kryo(Map.of("memo.serde.kryo.max-depth", "10")), payload));

    assertEquals(
        "payload nests values deeper than memo.serde.kryo.max-depth (10); raise it if such"
            + " values are expected",
        refused.getMessage());
    assertEquals(nested(30), read(kryo(), payload));
  }

  @Test
  void write_cycle_throwsSerdeExceptionInsteadOfOverflowing() {
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);

    SerdeException refused = assertThrows(SerdeException.class, () -> write(kryo(), cycle));

    assertTrue(
        refused
            .getMessage()
            .startsWith(
                "value of type java.util.ArrayList nests objects"
                    + " deeper than memo.serde.kryo.max-depth (100), or holds a cycle"),
        refused.getMessage());
  }

  @Test
  void read_payloadOfAnotherKryoVersion_throwsSerdeExceptionSayingItIsStale() throws IOException {
    byte[] payload = write(kryo(), List.of(1, 2));
    byte[] version = KryoFormat.KRYO_VERSION.getBytes(StandardCharsets.US_ASCII);
    byte[] older = "5.5.0".getBytes(StandardCharsets.US_ASCII);
    byte[] forged = payload.clone();
    System.arraycopy(older, 0, forged, indexOf(payload, version), older.length);

    SerdeException stale = assertThrows(SerdeException.class, () -> read(kryo(), forged));

    assertEquals("5.6.2", KryoFormat.KRYO_VERSION, "read from the kryo5 jar's manifest");
    assertEquals(
        "payload was written by Kryo 5.5.0 in format 2, and this is Kryo 5.6.2 in"
            + " format 2; the entry is stale and must be recomputed",
        stale.getMessage());
  }

  /** A record with the same name as {@link Point} but other components, as after a code change. */
  @Test
  void read_recordWhoseComponentsChanged_throwsSerdeExceptionSayingItIsStale() throws IOException {
    record Pair(int left, int right) {}
    record Pain(int right, int left) {}
    Serde serde = kryo();
    byte[] payload = write(serde, new Pair(1, 2));
    String pair = Pair.class.getName();
    byte[] name = kryoAscii(pair);
    byte[] forged =
        replace(payload, indexOf(payload, name), name.length, kryoAscii(Pain.class.getName()));

    SerdeException stale = assertThrows(SerdeException.class, () -> read(serde, forged));

    assertEquals(
        "payload names class "
            + Pain.class.getName()
            + ", whose components or fields"
            + " have changed since the value was written; the entry is stale and must be recomputed",
        stale.getMessage());
  }

  /** A record whose canonical constructor guards its component. */
  record Positive(int value) {
    Positive {
      if (value < 0) {
        throw new IllegalArgumentException("negative " + value);
      }
    }
  }

  @Test
  void read_recordItsConstructorRefuses_throwsSerdeExceptionWithTheConstructorsReason()
      throws IOException {
    Serde serde = kryo();
    byte[] payload = write(serde, new Positive(5));
    // The int is the payload's last byte, zig-zag encoded: 5 is 10, -5 is 9.
    assertEquals(10, payload[payload.length - 1]);
    payload[payload.length - 1] = 9;

    SerdeException refused = assertThrows(SerdeException.class, () -> read(serde, payload));

    assertEquals(
        "payload is corrupt or was not written by this serde (KryoException: record "
            + Positive.class.getName()
            + "'s constructor refused the payload's components:"
            + " java.lang.IllegalArgumentException: negative -5)",
        refused.getMessage());
  }

  /** A record with a component of every kind RecordFields reads its own way. */
  record Everything(
      boolean z,
      byte b,
      short s,
      char c,
      int i,
      long j,
      float f,
      double d,
      String text,
      int[] ints,
      Object any,
      List<Object> list) {}

  @Test
  void roundTrip_recordsOfManyComponentKinds_afterAPayloadOfOtherClasses() throws IOException {
    Serde serde = kryo();
    // The same instance first writes and reads a payload of other classes: the class numbers and
    // remembered registrations of one payload must not leak into the next.
    Object other =
        List.of(
            Colour.RED, new Point(1, 2, "a"), Map.of("k", new Shape("s", List.of(), Colour.RED)));
    assertEquals(other, read(serde, write(serde, other)));
    Everything value =
        new Everything(
            true,
            (byte) -3,
            (short) 300,
            'x',
            -7,
            Long.MIN_VALUE,
            1.5f,
            -0.0,
            null,
            new int[] {1, 2},
            new Point(3, 4, "b"),
            Arrays.asList(Colour.RED, null, "t"));

    byte[] payload = write(serde, List.of(value, value));

    for (Serde reader : List.of(serde, kryo())) {
      Everything read = (Everything) ((List<?>) read(reader, payload)).get(1);
      assertSameContent(value, read);
    }
  }

  private static void assertSameContent(Everything value, Everything read) {
    assertEquals(value.z(), read.z());
    assertEquals(value.b(), read.b());
    assertEquals(value.s(), read.s());
    assertEquals(value.c(), read.c());
    assertEquals(value.i(), read.i());
    assertEquals(value.j(), read.j());
    assertEquals(value.f(), read.f());
    assertEquals(Double.doubleToRawLongBits(value.d()), Double.doubleToRawLongBits(read.d()));
    assertEquals(null, read.text());
    assertTrue(Arrays.equals(value.ints(), read.ints()));
    assertEquals(value.any(), read.any());
    assertEquals(value.list(), read.list());
  }
}
