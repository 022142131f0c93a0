package dev.memo.serde.kryo;

import static dev.memo.serde.kryo.KryoSafetyTest.indexOf;
import static dev.memo.serde.kryo.KryoSafetyTest.kryo;
import static dev.memo.serde.kryo.KryoSafetyTest.kryoAscii;
import static dev.memo.serde.kryo.KryoSafetyTest.read;
import static dev.memo.serde.kryo.KryoSafetyTest.replace;
import static dev.memo.serde.kryo.KryoSafetyTest.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Registration;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import dev.memo.SerdeException;
import dev.memo.serde.kryo.fixture.Harmless;
import dev.memo.serde.kryo.fixture.Marks;
import dev.memo.spi.Serde;
import dev.memo.testkit.SerdeContract.Colour;
import dev.memo.testkit.SerdeContract.Operation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The layout of collections and maps whose elements, keys or values share one class: that class is
 * written once, after a layout byte, and the elements without it; and the payloads a writer never
 * writes so are refused.
 */
final class KryoSharedClassTest {
  private static final String FIXTURE = "dev.memo.serde.kryo.fixture";

  private final Serde serde = kryo();

  /** A row of a table, as the benchmarks' map of records holds. */
  record Row(int id, String name, double amount) {}

  /** A record whose values take no bytes of a payload. */
  record Empty() {}

  /**
   * The layout byte of the collection or map that the payload names {@code className} for: after
   * the name, its 4-byte shape and its size plus one (one byte for the sizes used here).
   */
  private static int layoutAt(byte[] payload, String className) {
    byte[] name = kryoAscii(className);
    return indexOf(payload, name) + name.length + 4 + 1;
  }

  private Object roundTrip(Object value) throws IOException {
    Object read = read(serde, write(serde, value));
    assertEquals(value, read);
    assertSame(value.getClass(), read.getClass());
    assertEquals(String.valueOf(value), String.valueOf(read), "iteration order");
    return read;
  }

  @Test
  void write_mapOfRecords_writesTheKeyAndValueClassesOnce() throws IOException {
    Map<String, Row> rows = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      rows.put("row-" + i, new Row(i, "name" + (i % 7), i * 1.5));
    }

    byte[] payload = write(serde, rows);

    int at = layoutAt(payload, "java.util.LinkedHashMap");
    assertEquals(JdkSerializers.ONE_KEY_CLASS | JdkSerializers.ONE_VALUE_CLASS, payload[at]);
    roundTrip(rows);
  }

  @Test
  void write_mapOfRecords_isSmallerThanEachEntryBehindItsClasses() throws IOException {
    Map<String, Row> rows = new LinkedHashMap<>();
    Map<String, Object> mixed = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      rows.put("row-" + i, new Row(i, "n", i));
      mixed.put("row-" + i, new Row(i, "n", i));
    }
    mixed.put("row-100", 1); // another class among the values: each is written behind its class
    rows.put("row-100", new Row(1, "n", 1));

    int shared = write(serde, rows).length;
    int each = write(serde, mixed).length;

    // Behind its class, each record after the first takes two bytes more (a marker and the class's
    // number in the payload): about 200 for 100 records, less the last value's difference.
    assertTrue(each - shared >= 180, "shared " + shared + ", each " + each);
  }

  @Test
  void write_listOfStrings_writesStringOnce() throws IOException {
    List<String> words = new ArrayList<>(List.of("alpha", "beta", "", "gamma"));

    byte[] payload = write(serde, words);

    assertEquals(JdkSerializers.ONE_CLASS, payload[layoutAt(payload, "java.util.ArrayList")]);
    roundTrip(words);
    roundTrip(List.of("alpha", "beta"));
    assertThrows(
        UnsupportedOperationException.class,
        () -> ((List<?>) read(serde, write(serde, List.of("a", "b")))).clear());
  }

  @Test
  void roundTrip_setsOfEnums_keepTheirKinds() throws IOException {
    Set<Colour> ordered = new LinkedHashSet<>(List.of(Colour.BLUE, Colour.RED));

    byte[] payload = write(serde, ordered);

    assertEquals(JdkSerializers.ONE_CLASS, payload[layoutAt(payload, "java.util.LinkedHashSet")]);
    roundTrip(ordered);
    roundTrip(new HashSet<>(List.of(Colour.GREEN, Colour.RED)));
    roundTrip(new TreeSet<>(List.of(Colour.GREEN, Colour.RED, Colour.BLUE)));
    assertEquals(
        Set.of(Colour.RED, Colour.BLUE),
        read(serde, write(serde, Set.of(Colour.RED, Colour.BLUE))));
    roundTrip(EnumSet.of(Colour.RED));
  }

  @Test
  void roundTrip_enumConstantsWithBodies_keepEachConstant() throws IOException {
    roundTrip(new ArrayList<>(List.of(Operation.PLUS, Operation.PLUS)));
    roundTrip(new ArrayList<>(List.of(Operation.PLUS, Operation.TIMES, Colour.RED)));
    Map<Operation, Operation> swapped = new LinkedHashMap<>();
    swapped.put(Operation.PLUS, Operation.TIMES);
    swapped.put(Operation.TIMES, Operation.PLUS);
    roundTrip(swapped);
  }

  @Test
  void write_elementsOfSeveralClasses_writesEachBehindItsClass() throws IOException {
    List<Object> mixed = new ArrayList<>(List.of(1, "one", 1L, Colour.RED, new Row(1, "r", 1)));

    byte[] payload = write(serde, mixed);

    assertEquals(JdkSerializers.EACH_CLASS, payload[layoutAt(payload, "java.util.ArrayList")]);
    @SuppressWarnings("unchecked")
    List<Object> read = (List<Object>) roundTrip(mixed);
    for (int i = 0; i < mixed.size(); i++) {
      assertSame(mixed.get(i).getClass(), read.get(i).getClass(), "element " + i);
    }
  }

  @Test
  void write_mapWithOneKeyClassAndMixedValues_sharesOnlyTheKeyClass() throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("a", 1);
    map.put("b", "two");
    map.put("c", 3.0);

    byte[] payload = write(serde, map);

    assertEquals(
        JdkSerializers.ONE_KEY_CLASS, payload[layoutAt(payload, "java.util.LinkedHashMap")]);
    roundTrip(map);
    Map<Object, String> inverse = new LinkedHashMap<>();
    inverse.put(1, "a");
    inverse.put("two", "b");
    payload = write(serde, inverse);
    assertEquals(
        JdkSerializers.ONE_VALUE_CLASS, payload[layoutAt(payload, "java.util.LinkedHashMap")]);
    roundTrip(inverse);
  }

  @Test
  void write_nullElementKeyOrValue_writesThoseBehindTheirClasses() throws IOException {
    List<String> withNull = new ArrayList<>(Arrays.asList("a", null, "c"));
    Map<String, String> nullValue = new LinkedHashMap<>();
    nullValue.put("a", "x");
    nullValue.put("b", null);
    Map<String, String> nullKey = new HashMap<>();
    nullKey.put(null, "x");
    nullKey.put("b", "y");

    byte[] list = write(serde, withNull);
    byte[] values = write(serde, nullValue);
    byte[] keys = write(serde, nullKey);

    assertEquals(JdkSerializers.EACH_CLASS, list[layoutAt(list, "java.util.ArrayList")]);
    assertEquals(JdkSerializers.ONE_KEY_CLASS, values[layoutAt(values, "java.util.LinkedHashMap")]);
    assertEquals(JdkSerializers.ONE_VALUE_CLASS, keys[layoutAt(keys, "java.util.HashMap")]);
    roundTrip(withNull);
    roundTrip(nullValue);
    roundTrip(nullKey);
    roundTrip(new ArrayList<>(Arrays.asList(null, null)));
  }

  @Test
  void write_recordsOfNoComponents_writesEachBehindItsClass() throws IOException {
    List<Empty> empties = new ArrayList<>(List.of(new Empty(), new Empty(), new Empty()));

    byte[] payload = write(serde, empties);

    assertEquals(JdkSerializers.EACH_CLASS, payload[layoutAt(payload, "java.util.ArrayList")]);
    roundTrip(empties);
  }

  @Test
  void roundTrip_sortedMapOfOneKeyClass_keepsItsComparatorAndOrder() throws IOException {
    TreeMap<String, Row> reversed = new TreeMap<>(Comparator.reverseOrder());
    reversed.put("a", new Row(1, "a", 1));
    reversed.put("c", new Row(3, "c", 3));
    reversed.put("b", new Row(2, "b", 2));

    @SuppressWarnings("unchecked")
    TreeMap<String, Row> read = (TreeMap<String, Row>) roundTrip(reversed);

    assertSame(Comparator.reverseOrder(), read.comparator());
    assertEquals(List.of("c", "b", "a"), new ArrayList<>(read.keySet()));
    assertEquals(Map.of("a", 1, "b", 2), read(serde, write(serde, Map.of("a", 1, "b", 2))));
    assertThrows(
        UnsupportedOperationException.class,
        () -> ((Map<?, ?>) read(serde, write(serde, Map.of("a", 1, "b", 2)))).clear());
  }

  @Test
  void roundTrip_classWrittenFieldByField_sharesItsClass() throws IOException {
    Serde allowing = kryo(Map.of("memo.serde.kryo.allow", FIXTURE + ".Harmless"));
    Harmless one = new Harmless();
    one.value = 1;
    Harmless two = new Harmless();
    two.value = 2;
    List<Harmless> list = new ArrayList<>(List.of(one, two));

    byte[] payload = write(allowing, list);

    assertEquals(JdkSerializers.ONE_CLASS, payload[layoutAt(payload, "java.util.ArrayList")]);
    assertEquals(list, read(allowing, payload));
  }

  @Test
  void read_disallowedClassInTheSharedSlot_isRefusedBeforeItsInitializerRuns() throws IOException {
    Serde writer = kryo(Map.of("memo.serde.kryo.allow", FIXTURE + ".Harmless"));
    Harmless one = new Harmless();
    one.value = 7;
    byte[] payload = write(writer, new ArrayList<>(List.of(one, one)));
    byte[] name = kryoAscii(FIXTURE + ".Harmless");
    int at = indexOf(payload, name);
    assertEquals(JdkSerializers.ONE_CLASS, payload[layoutAt(payload, "java.util.ArrayList")]);
    assertTrue(at > layoutAt(payload, "java.util.ArrayList"), "the class is in the shared slot");
    byte[] forged = replace(payload, at, name.length, kryoAscii(FIXTURE + ".Landmine"));

    SerdeException refused = assertThrows(SerdeException.class, () -> read(writer, forged));

    assertEquals(
        "payload names class "
            + FIXTURE
            + ".Landmine, which is not allowed; add it or its package to memo.serde.kryo.allow"
            + " (for example "
            + FIXTURE
            + ".*)",
        refused.getMessage());
    assertFalse(Marks.LANDMINE_INITIALIZED.get(), "the refused class's static initializer ran");
    assertFalse(Marks.LANDMINE_CONSTRUCTED.get(), "the refused class was constructed");
    // The forgery is sound: a serde that allows the class builds them from it.
    List<?> built = (List<?>) read(kryo(Map.of("memo.serde.kryo.allow", FIXTURE + ".*")), forged);
    assertEquals(FIXTURE + ".Landmine", built.get(1).getClass().getName());
    assertTrue(Marks.LANDMINE_INITIALIZED.get() && Marks.LANDMINE_CONSTRUCTED.get());
  }

  @Test
  void read_sharedClassWhoseValuesTakeNoBytes_isRefused() throws IOException {
    byte[] payload = write(serde, new ArrayList<>(List.of(new Empty())));
    int layout = layoutAt(payload, "java.util.ArrayList");
    assertEquals(JdkSerializers.EACH_CLASS, payload[layout]);
    // Declares as many empty records as bytes remain, behind their one class named once: were it
    // read, each of as many such lists in a payload could build that many records from no bytes.
    byte[] forged = payload.clone();
    forged[layout - 1] = (byte) (forged.length - layout);
    forged[layout] = JdkSerializers.ONE_CLASS;

    SerdeException refused = assertThrows(SerdeException.class, () -> read(serde, forged));

    assertEquals(
        "payload gives a collection's elements the one class "
            + Empty.class.getName()
            + ", whose values may take no bytes, which this serde never writes; it is corrupt",
        refused.getMessage());
  }

  @Test
  void read_valueOfASharedClassThatTakesNoBytes_isRefused() {
    Kryo kryo = new Kryo();
    Registration nothing =
        new Registration(
            Comparator.naturalOrder().getClass(),
            new JdkSerializers.Singleton(Comparator.naturalOrder()),
            100);
    Input input = new Input(new byte[] {1, 2, 3});

    SerdeException refused =
        assertThrows(
            SerdeException.class,
            () -> JdkSerializers.readOne(kryo, input, nothing, "a collection's element"));

    assertEquals(
        "payload gives a collection's element a value of no bytes; it is corrupt",
        refused.getMessage());
  }

  @Test
  void read_hugeDeclaredCountOfSharedRecords_isRefusedBeforeAllocating() throws IOException {
    Map<String, Row> rows = new LinkedHashMap<>();
    rows.put("a", new Row(1, "a", 1));
    rows.put("b", new Row(2, "b", 2));
    byte[] payload = write(serde, rows);
    int size = layoutAt(payload, "java.util.LinkedHashMap") - 1;
    Output huge = new Output(8);
    huge.writeVarInt(400_000_001, true);
    byte[] forged = replace(payload, size, 1, huge.toBytes());

    SerdeException refused = assertThrows(SerdeException.class, () -> read(serde, forged));

    assertTrue(
        refused
            .getMessage()
            .startsWith("payload declares a map of 400000000 elements but holds only "),
        refused.getMessage());
  }

  @Test
  void read_unknownLayoutByte_isRefused() throws IOException {
    byte[] map = write(serde, new HashMap<>(Map.of("a", 1)));
    byte[] list = write(serde, new ArrayList<>(List.of("a")));
    map[layoutAt(map, "java.util.HashMap")] = 4;
    list[layoutAt(list, "java.util.ArrayList")] = 2;

    SerdeException mapRefused = assertThrows(SerdeException.class, () -> read(serde, map));
    SerdeException listRefused = assertThrows(SerdeException.class, () -> read(serde, list));

    assertEquals(
        "payload gives a map the layout 4, which this serde does not write; it is corrupt",
        mapRefused.getMessage());
    assertEquals(
        "payload gives a collection the layout 2, which this serde does not write; it is corrupt",
        listRefused.getMessage());
  }

  /**
   * A {@code LinkedHashMap} of {"a"=1, "b"=2} as this serde wrote it in format 1, before a class
   * shared by a map's keys or values was written once: its preamble, then the object graph.
   */
  private static byte[] formatOnePayload() {
    byte[] version = "5.6.2".getBytes(StandardCharsets.US_ASCII);
    String graph =
        "00" // GRAPH
            + "01006a6176612e7574696c2e4c696e6b6564486173684d61f0" // the class by name
            + "00000000" // its shape
            + "03826102020382620204"; // two entries, each key and value behind its class
    byte[] body = new byte[graph.length() / 2];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) Integer.parseInt(graph.substring(2 * i, 2 * i + 2), 16);
    }
    byte[] payload = new byte[4 + version.length + body.length];
    payload[0] = 'k';
    payload[1] = 'y';
    payload[2] = 1;
    payload[3] = (byte) version.length;
    System.arraycopy(version, 0, payload, 4, version.length);
    System.arraycopy(body, 0, payload, 4 + version.length, body.length);
    return payload;
  }

  @Test
  void read_payloadOfFormatOne_isAStaleEntry() throws IOException {
    byte[] old = formatOnePayload();
    Map<String, Integer> value = new LinkedHashMap<>();
    value.put("a", 1);
    value.put("b", 2);
    byte[] current = write(serde, value);
    // The same preamble but for its format byte.
    assertArrayEquals(Arrays.copyOf(current, 2), Arrays.copyOf(old, 2));
    assertArrayEquals(Arrays.copyOfRange(current, 3, 10), Arrays.copyOfRange(old, 3, 10));

    SerdeException stale = assertThrows(SerdeException.class, () -> read(serde, old));

    assertEquals(
        "payload was written by Kryo 5.6.2 in format 1, and this is Kryo 5.6.2 in format 2;"
            + " the entry is stale and must be recomputed",
        stale.getMessage());
  }

  /** A record of primitives and strings, which a map or a list writes without Kryo's calls. */
  record Flat(String name, int id, String note, double amount) {}

  @Test
  void roundTrip_flatRecordsAndStringKeys_ofEveryStringForm() throws IOException {
    String[] forms = {
      "", "a", "ab", "ünï", "日本", "x".repeat(32), "y".repeat(33), "z".repeat(31) + "é", null
    };
    Map<String, Flat> map = new LinkedHashMap<>();
    List<Flat> list = new ArrayList<>();
    List<String> strings = new ArrayList<>();
    for (int i = 0; i < forms.length; i++) {
      String form = forms[i];
      Flat flat = new Flat(form, i, forms[forms.length - 1 - i], i * 0.5);
      map.put(form == null ? "null" : form, flat);
      list.add(flat);
      if (form != null) {
        strings.add(form);
      }
    }

    roundTrip(map);
    roundTrip(list);
    roundTrip(strings);
  }

  @Test
  void roundTrip_flatRecordsNearTheDepthLimit_readsWhatWasWritten() throws IOException {
    int written = 0;
    int refused = 0;
    for (int limit = 2; limit <= 6; limit++) {
      Serde limited = kryo(Map.of("memo.serde.kryo.max-depth", Integer.toString(limit)));
      for (int nesting = 0; nesting <= 6; nesting++) {
        Map<String, Flat> map = new LinkedHashMap<>();
        map.put("k", new Flat("n", 1, null, 2.0));
        Object value = map;
        for (int i = 0; i < nesting; i++) {
          value = new ArrayList<>(List.of(value));
        }
        Object[] values = {value, new ArrayList<>(List.of(new Flat("m", 2, "o", 3.0)))};
        for (Object v : values) {
          byte[] payload;
          try {
            payload = write(limited, v);
          } catch (SerdeException e) {
            refused++;
            continue;
          }
          // What the writer allowed, the reader of the same limit reads back.
          assertEquals(v, read(limited, payload), "limit " + limit + ", nesting " + nesting);
          written++;
        }
      }
    }
    assertTrue(written > 0 && refused > 0, written + " written, " + refused + " refused");
  }

  @Test
  void read_stringComponentsWrittenUnderAHigherDepthLimit_refusedWhereTheLowerLimitWouldRefuse()
      throws IOException {
    int read = 0;
    int refused = 0;
    for (int limit = 2; limit <= 6; limit++) {
      Serde limited = kryo(Map.of("memo.serde.kryo.max-depth", Integer.toString(limit)));
      for (int nesting = 0; nesting <= 6; nesting++) {
        Object value = new Flat("n", 1, "o", 2.0);
        for (int i = 0; i < nesting; i++) {
          value = new ArrayList<>(List.of(value));
        }
        byte[] payload = write(kryo(), value);
        boolean writes;
        try {
          write(limited, value);
          writes = true;
        } catch (SerdeException e) {
          writes = false;
        }
        String where = "limit " + limit + ", nesting " + nesting;
        if (writes) {
          assertEquals(value, read(limited, payload), where);
          read++;
        } else {
          // The record's String components are read at the same depth as they are written: a
          // reader of the lower limit refuses what its writer would not have written.
          SerdeException e =
              assertThrows(SerdeException.class, () -> read(limited, payload), where);
          assertTrue(e.getMessage().startsWith("payload nests values deeper than"), e.getMessage());
          refused++;
        }
      }
    }
    assertTrue(read > 0 && refused > 0, read + " read, " + refused + " refused");
  }
}
