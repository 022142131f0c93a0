package dev.memo.serde.kryo;

import static dev.memo.serde.kryo.KryoSafetyTest.kryo;
import static dev.memo.serde.kryo.KryoSafetyTest.read;
import static dev.memo.serde.kryo.KryoSafetyTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.SerdeException;
import dev.memo.spi.Serde;
import dev.memo.testkit.SerdeContract.Colour;
import dev.memo.testkit.SerdeContract.Operation;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each kind of value comes back equal and of the same kind; a comparator that cannot be written is
 * refused.
 */
final class KryoKindsTest {
  private final Serde serde = kryo();

  record Cell(String name, Optional<BigDecimal> amount, List<Map<String, int[]>> rows) {}

  static Stream<Object> values() {
    TreeMap<String, Integer> reversed = new TreeMap<>(Comparator.reverseOrder());
    reversed.putAll(Map.of("a", 1, "b", 2, "c", 3));
    TreeSet<String> caseless = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    caseless.addAll(List.of("b", "A", "c"));
    TreeMap<Integer, String> natural = new TreeMap<>(Comparator.naturalOrder());
    natural.put(2, "two");
    return Stream.of(
        List.of(),
        List.of(1),
        List.of(1, 2),
        List.of(1, 2, 3, 4),
        Set.of(),
        Set.of("a"),
        Set.of("a", "b", "c"),
        Map.of(),
        Map.of("k", 1),
        Map.of("a", 1, "b", 2, "c", 3),
        Arrays.asList("x", null, "z"),
        Collections.unmodifiableList(new ArrayList<>(List.of(1, 2))),
        Collections.unmodifiableCollection(new ArrayList<>(List.of(1, 2))),
        Collections.unmodifiableSet(new LinkedHashSet<>(List.of(3, 1, 2))),
        Collections.unmodifiableMap(new LinkedHashMap<>(Map.of("a", 1))),
        Collections.unmodifiableSortedMap(reversed),
        Collections.unmodifiableNavigableMap(natural),
        Collections.unmodifiableSortedSet(caseless),
        Collections.unmodifiableNavigableSet(caseless),
        Collections.emptyList(),
        Collections.emptySet(),
        Collections.emptyMap(),
        Collections.singletonList("one"),
        Collections.singleton("one"),
        Collections.singletonMap("k", "v"),
        new ArrayList<>(List.of(1, "two", 3.0)),
        new LinkedList<>(List.of(1, 2)),
        new HashSet<>(List.of(1, 2)),
        new LinkedHashSet<>(List.of(3, 1, 2)),
        new HashMap<>(Map.of(1, "one")),
        reversed,
        caseless,
        natural,
        EnumSet.of(Colour.RED, Colour.BLUE),
        EnumSet.noneOf(Colour.class),
        EnumSet.of(Operation.TIMES),
        Month.MARCH,
        Optional.of("x"),
        Optional.empty(),
        OptionalInt.of(3),
        OptionalLong.empty(),
        OptionalDouble.of(0.5),
        LocalDate.of(2024, 2, 29),
        LocalTime.NOON,
        LocalDateTime.of(2024, 1, 1, 12, 0),
        Instant.ofEpochSecond(1_700_000_000L, 5),
        Duration.ofMillis(1500),
        Period.ofDays(3),
        ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Paris")),
        OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(-5)),
        ZoneId.of("Asia/Tokyo"),
        ZoneOffset.UTC,
        Year.of(2024),
        YearMonth.of(2024, 2),
        new BigDecimal("-1234.5600"),
        new BigInteger("98765432109876543210"),
        UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
        BitSet.valueOf(new long[] {5}),
        new Cell("c", Optional.of(BigDecimal.ONE), List.of(Map.of("r", new int[] {1}))));
  }

  @ParameterizedTest
  @MethodSource("values")
  void roundTrip_jdkKind_returnsEqualValueOfTheSameClass(Object value) throws IOException {
    Object read = read(serde, write(serde, value));

    assertSame(value.getClass(), read.getClass());
    if (value instanceof Cell) {
      Cell c = (Cell) value;
      Cell r = (Cell) read;
      assertEquals(c.name(), r.name());
      assertEquals(c.amount(), r.amount());
      assertTrue(Arrays.equals(c.rows().get(0).get("r"), r.rows().get(0).get("r")));
    } else {
      assertEquals(comparable(value), comparable(read));
    }
    if (value instanceof Collection || value instanceof Map) {
      assertEquals(String.valueOf(value), String.valueOf(read), "iteration order");
    }
  }

  /** The value, or its text when its class keeps Object's identity equals. */
  static Object comparable(Object value) {
    if (value == null) {
      return null;
    }
    try {
      boolean identity =
          value.getClass().getMethod("equals", Object.class).getDeclaringClass() == Object.class;
      return identity ? value.getClass().getName() + ":" + value : value;
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void roundTrip_sortedCollections_keepTheirComparators() throws IOException {
    TreeMap<String, Integer> reversed = new TreeMap<>(Comparator.reverseOrder());
    TreeSet<String> caseless = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    @SuppressWarnings("unchecked")
    TreeMap<String, Integer> readMap =
        (TreeMap<String, Integer>) read(serde, write(serde, reversed));
    @SuppressWarnings("unchecked")
    TreeSet<String> readSet = (TreeSet<String>) read(serde, write(serde, caseless));

    assertSame(Comparator.reverseOrder(), readMap.comparator());
    assertSame(String.CASE_INSENSITIVE_ORDER, readSet.comparator());
  }

  @Test
  void roundTrip_listOf_staysUnmodifiable() throws IOException {
    @SuppressWarnings("unchecked")
    List<Object> read = (List<Object>) read(serde, write(serde, List.of(1, 2, 3)));

    assertThrows(UnsupportedOperationException.class, () -> read.add(4));
  }

  @Test
  void write_treeMapWithLambdaComparator_throwsSerdeExceptionSayingWhatCanBeWritten() {
    TreeMap<String, Integer> byLength = new TreeMap<>(Comparator.comparingInt(String::length));
    byLength.put("abc", 3);

    SerdeException refused = assertThrows(SerdeException.class, () -> write(serde, byLength));

    String comparator = byLength.comparator().getClass().getName();
    assertEquals(
        "value of type java.util.TreeMap cannot be written: TreeMap's comparator, of"
            + " class "
            + comparator
            + ", cannot be written, so the TreeMap could not be read back;"
            + " sort with natural ordering, Comparator.reverseOrder() or"
            + " String.CASE_INSENSITIVE_ORDER, with an enum or record that implements Comparator, or"
            + " copy the entries into a LinkedHashMap or LinkedHashSet",
        refused.getMessage());
  }

  // ---- round trips of generated values ----

  record Item(String name, long id, double weight, Colour colour, List<Object> tags) {}

  /**
   * A random value of the kinds above, nested at most {@code depth} deep; seeded, so repeatable.
   */
  static Object generate(Random r, int depth) {
    int kinds = depth <= 0 ? 10 : 20;
    switch (r.nextInt(kinds)) {
      case 0:
        return r.nextInt();
      case 1:
        return r.nextLong();
      case 2:
        return r.nextDouble() * 1e6 - 5e5;
      case 3:
        return randomString(r);
      case 4:
        return new BigDecimal(BigInteger.valueOf(r.nextLong()), r.nextInt(20) - 5);
      case 5:
        return LocalDate.ofEpochDay(r.nextInt(100_000));
      case 6:
        return Instant.ofEpochSecond(r.nextInt(), r.nextInt(1_000_000_000));
      case 7:
        return Colour.values()[r.nextInt(3)];
      case 8:
        return r.nextBoolean() ? Optional.of(randomString(r)) : Optional.empty();
      case 9:
        return r.nextBoolean() ? null : UUID.randomUUID();
      case 10:
        return new Item(
            randomString(r),
            r.nextLong(),
            r.nextDouble(),
            Colour.values()[r.nextInt(3)],
            list(r, depth, new ArrayList<>()));
      case 11:
        return list(r, depth, new ArrayList<>());
      case 12:
        return List.copyOf(
            list(r, depth, new ArrayList<>()).stream().filter(v -> v != null).toList());
      case 13:
        return list(r, depth, new LinkedList<>());
      case 14:
        return map(r, depth, new HashMap<>());
      case 15:
        return map(r, depth, new LinkedHashMap<>());
      case 16:
        {
          TreeMap<String, Object> m =
              new TreeMap<>(r.nextBoolean() ? null : Comparator.reverseOrder());
          for (int i = r.nextInt(5); i > 0; i--) {
            m.put(randomString(r), generate(r, depth - 1));
          }
          return m;
        }
      case 17:
        {
          Set<Object> s = r.nextBoolean() ? new HashSet<>() : new LinkedHashSet<>();
          for (int i = r.nextInt(5); i > 0; i--) {
            s.add(randomString(r));
          }
          return s;
        }
      case 18:
        return Collections.unmodifiableMap(map(r, depth, new LinkedHashMap<>()));
      default:
        {
          ArrayDeque<Object> d = new ArrayDeque<>();
          for (int i = r.nextInt(4); i > 0; i--) {
            d.add(r.nextInt(100));
          }
          return d;
        }
    }
  }

  private static List<Object> list(Random r, int depth, List<Object> into) {
    for (int i = r.nextInt(6); i > 0; i--) {
      into.add(generate(r, depth - 1));
    }
    return into;
  }

  private static Map<Object, Object> map(Random r, int depth, Map<Object, Object> into) {
    for (int i = r.nextInt(6); i > 0; i--) {
      into.put(r.nextBoolean() ? randomString(r) : (Object) r.nextInt(50), generate(r, depth - 1));
    }
    return into;
  }

  private static String randomString(Random r) {
    StringBuilder s = new StringBuilder();
    for (int i = r.nextInt(12); i > 0; i--) {
      int pick = r.nextInt(10);
      s.append(
          pick < 6
              ? (char) ('a' + r.nextInt(26))
              : pick < 8
                  ? (char) (0x3b1 + r.nextInt(20))
                  : pick < 9 ? (char) (0x4e00 + r.nextInt(500)) : (char) r.nextInt(0x10000));
    }
    return s.toString();
  }

  /**
   * The value with the order of every ordered container made part of its equality: lists, linked
   * and sorted maps and sets become lists; hash-based ones, whose order is not theirs to keep,
   * sets.
   */
  static Object ordered(Object v) {
    if (v instanceof Item) {
      Item item = (Item) v;
      return List.of(item.name(), item.id(), item.weight(), item.colour(), ordered(item.tags()));
    }
    boolean keepsOrder =
        v instanceof List
            || v instanceof LinkedHashMap
            || v instanceof TreeMap
            || v instanceof LinkedHashSet
            || v instanceof TreeSet
            || v instanceof ArrayDeque
            || (v != null
                && v.getClass().getName().startsWith("java.util.Collections$Unmodifiable"));
    if (v instanceof Map) {
      Collection<Object> entries = keepsOrder ? new ArrayList<>() : new HashSet<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        entries.add(Arrays.asList(ordered(e.getKey()), ordered(e.getValue())));
      }
      return entries;
    }
    if (v instanceof Collection) {
      Collection<Object> elements = keepsOrder ? new ArrayList<>() : new HashSet<>();
      for (Object e : (Collection<?>) v) {
        elements.add(ordered(e));
      }
      return elements;
    }
    return v;
  }

  @Test
  void roundTrip_generatedValues_returnEqualValuesOfTheSameKinds() throws IOException {
    Random r = new Random(20241202L);
    Serde zstd =
        new KryoZstdSerdeProvider()
            .create(dev.memo.MemoConfig.empty().scoped("memo.serde.kryo-zstd"));
    for (int i = 0; i < 1000; i++) {
      Object value = generate(r, 4);
      Object read = read(serde, write(serde, value));
      Object readZstd = read(zstd, write(zstd, value));

      int at = i;
      assertEquals(ordered(value), ordered(read), () -> "value " + at);
      assertEquals(ordered(value), ordered(readZstd), () -> "value " + at + " through kryo-zstd");
      if (value != null) {
        assertSame(value.getClass(), read.getClass(), "kind of value " + i);
      }
    }
  }
}
