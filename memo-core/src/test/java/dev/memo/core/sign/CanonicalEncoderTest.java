package dev.memo.core.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memo.MemoConfig;
import dev.memo.Signable;
import dev.memo.Signature;
import dev.memo.SignatureException;
import dev.memo.SignatureSink;
import dev.memo.core.signer.Sha256SignerProvider;
import dev.memo.core.signer.Xxh3SignerProvider;
import dev.memo.spi.Signer;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.AbstractSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

final class CanonicalEncoderTest {
  private static final String IGNORE_0 =
      "or ignore the parameter with FunctionOptions.ignoreParameters(0)";
  private static final String CLASS = CanonicalEncoderTest.class.getName();

  static Stream<Signer> signers() {
    return Stream.of(
        new Sha256SignerProvider().create(MemoConfig.empty()),
        new Xxh3SignerProvider().create(MemoConfig.empty()));
  }

  private static Signature sign(Signer signer, Object... roots) {
    CanonicalEncoder encoder = new CanonicalEncoder(signer, TypeSigners.none());
    for (int i = 0; i < roots.length; i++) {
      encoder.putRoot(roots[i], "argument " + i + " of \"f\"", null);
    }
    return encoder.finish();
  }

  private static String failure(Object value, String hint) {
    CanonicalEncoder encoder = new CanonicalEncoder(new RecordingSigner(), TypeSigners.none());
    return assertThrows(
            SignatureException.class,
            () -> encoder.putRoot(value, "argument 0 of \"primes\"", hint))
        .getMessage();
  }

  // ---------------------------------------------------------------- test types

  record Item(String name, int count) {}

  record Named(Object name) {}

  record PointA(int x, int y) {}

  record PointB(int x, int y) {}

  record Boxed(Integer x, Integer y) {}

  record Primitives(boolean z, byte b, short s, char c, int i, long j, float f, double d) {}

  enum Color {
    RED,
    GREEN
  }

  enum Light {
    RED,
    GREEN
  }

  enum Op {
    PLUS {
      @Override
      int apply(int a, int b) {
        return a + b;
      }
    },
    MINUS {
      @Override
      int apply(int a, int b) {
        return a - b;
      }
    };

    abstract int apply(int a, int b);
  }

  static final class Opaque {}

  static final class Grid implements Signable {
    final int width;
    final double[] cells;

    Grid(int width, double... cells) {
      this.width = width;
      this.cells = cells;
    }

    @Override
    public void signTo(SignatureSink sink) {
      sink.putInt(width).putValue(cells);
    }
  }

  static final class OtherGrid implements Signable {
    final int width;
    final double[] cells;

    OtherGrid(int width, double... cells) {
      this.width = width;
      this.cells = cells;
    }

    @Override
    public void signTo(SignatureSink sink) {
      sink.putInt(width).putValue(cells);
    }
  }

  static final class Holder implements Signable {
    final Object content;

    Holder(Object content) {
      this.content = content;
    }

    @Override
    public void signTo(SignatureSink sink) {
      sink.putString("holder").putValue(content);
    }
  }

  static final class Exploding implements Signable {
    @Override
    public void signTo(SignatureSink sink) {
      throw new IllegalStateException("boom");
    }
  }

  record Moody(int mood) {
    @Override
    public int mood() {
      throw new UnsupportedOperationException("not today");
    }
  }

  /**
   * A set whose size() promises more than its iterator gives, as a concurrently modified one may.
   */
  static final class LyingSet extends AbstractSet<Integer> {
    @Override
    public Iterator<Integer> iterator() {
      return List.of(1, 2).iterator();
    }

    @Override
    public int size() {
      return 3;
    }
  }

  // ---------------------------------------------------------------- equal content signs equally

  @ParameterizedTest
  @MethodSource("signers")
  void sign_hashMapLinkedHashMapInOtherOrderTreeMapAndMapOf_signEqually(Signer signer) {
    Map<String, Integer> hash = new HashMap<>();
    Map<String, Integer> linked = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      hash.put("k" + i, i);
    }
    for (int i = 49; i >= 0; i--) {
      linked.put("k" + i, i);
    }
    Map<String, Integer> tree = new TreeMap<>(Collections.reverseOrder());
    tree.putAll(hash);
    Signature expected = sign(signer, hash);
    assertEquals(expected, sign(signer, linked));
    assertEquals(expected, sign(signer, tree));
    assertEquals(expected, sign(signer, Map.copyOf(hash)));
    assertEquals(
        sign(signer, Map.of("a", 1, "b", 2)), sign(signer, new TreeMap<>(Map.of("b", 2, "a", 1))));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_listOfArrayListLinkedListAndArraysAsList_signEqually(Signer signer) {
    Signature expected = sign(signer, List.of("a", 1, 2L));
    assertEquals(expected, sign(signer, new ArrayList<>(List.of("a", 1, 2L))));
    assertEquals(expected, sign(signer, new LinkedList<>(List.of("a", 1, 2L))));
    assertEquals(expected, sign(signer, Arrays.asList("a", 1, 2L)));
    assertEquals(
        expected, sign(signer, Collections.unmodifiableList(new ArrayList<>(List.of("a", 1, 2L)))));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_hashSetTreeSetLinkedHashSetInOtherOrderAndSetOf_signEqually(Signer signer) {
    List<Integer> numbers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      numbers.add(i * 7919 % 1000);
    }
    Set<Integer> hash = new HashSet<>(numbers);
    List<Integer> reversed = new ArrayList<>(numbers);
    Collections.reverse(reversed);
    Signature expected = sign(signer, hash);
    assertEquals(expected, sign(signer, new TreeSet<>(numbers)));
    assertEquals(expected, sign(signer, new LinkedHashSet<>(reversed)));
    assertEquals(expected, sign(signer, Set.copyOf(numbers)));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_nestedCollectionsBuiltDifferently_signEqually(Signer signer) {
    Map<String, List<Set<Integer>>> a = new HashMap<>();
    a.put("x", List.of(Set.of(1, 2, 3), Set.of()));
    a.put("y", List.of(new HashSet<>(List.of(4))));
    Map<String, List<Set<Integer>>> b = new TreeMap<>();
    b.put("y", new ArrayList<>(List.of(new TreeSet<>(List.of(4)))));
    b.put("x", new LinkedList<>(List.of(new LinkedHashSet<>(List.of(3, 2, 1)), new HashSet<>())));
    assertEquals(sign(signer, a), sign(signer, b));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_arrayDequeAndConcurrentLinkedDeque_signEqually(Signer signer) {
    assertEquals(
        sign(signer, new ArrayDeque<>(List.of(1, 2, 3))),
        sign(signer, new ConcurrentLinkedDeque<>(List.of(1, 2, 3))));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_equalRecordsEnumsAndSignables_signEqually(Signer signer) {
    assertEquals(sign(signer, new Item("a", 1)), sign(signer, new Item("a", 1)));
    assertEquals(sign(signer, Color.RED), sign(signer, Color.RED));
    assertEquals(sign(signer, Op.PLUS), sign(signer, Op.PLUS));
    assertEquals(sign(signer, new Grid(2, 1.0, 2.0)), sign(signer, new Grid(2, 1.0, 2.0)));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_boxedNanVariants_signEqually(Signer signer) {
    double otherNaN = Double.longBitsToDouble(0x7ff8_0000_0000_0001L);
    assertEquals(sign(signer, Double.NaN), sign(signer, otherNaN));
    assertEquals(sign(signer, Float.NaN), sign(signer, Float.intBitsToFloat(0x7fc0_0001)));
    assertEquals(
        sign(signer, OptionalDouble.of(Double.NaN)), sign(signer, OptionalDouble.of(otherNaN)));
    CanonicalEncoder encoder = new CanonicalEncoder(signer, TypeSigners.none());
    Signature viaSink = encoder.putDouble(otherNaN).finish();
    assertEquals(viaSink, encoder.putDouble(Double.NaN).finish());
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_jdkValueTypesOfEqualValue_signEqually(Signer signer) {
    List<Object> values = jdkValues();
    List<Object> again = jdkValues();
    for (int i = 0; i < values.size(); i++) {
      assertEquals(
          sign(signer, values.get(i)), sign(signer, again.get(i)), values.get(i).toString());
    }
  }

  private static List<Object> jdkValues() {
    return List.of(
        true,
        (byte) 1,
        (short) 1,
        '1',
        1,
        1L,
        1.0f,
        1.0,
        "1",
        new BigInteger("123456789012345678901234567890"),
        new BigDecimal("1.50"),
        new UUID(1, 2),
        String.class,
        Optional.of(1),
        OptionalInt.of(1),
        OptionalLong.of(1),
        OptionalDouble.of(1),
        Instant.ofEpochSecond(1, 2),
        Duration.ofSeconds(1, 2),
        LocalDate.of(2024, 2, 29),
        LocalTime.of(1, 2, 3, 4),
        LocalDateTime.of(2024, 2, 29, 1, 2, 3, 4),
        OffsetTime.of(1, 2, 3, 4, ZoneOffset.ofHours(2)),
        OffsetDateTime.of(2024, 2, 29, 1, 2, 3, 4, ZoneOffset.ofHours(2)),
        ZonedDateTime.of(2024, 2, 29, 1, 2, 3, 4, ZoneId.of("Europe/Vienna")),
        ZoneOffset.ofHours(2),
        ZoneId.of("Europe/Vienna"),
        Period.of(1, 2, 3),
        Year.of(2024),
        YearMonth.of(2024, 2),
        MonthDay.of(2, 29));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_jdkValueTypes_allDifferFromEachOther(Signer signer) {
    List<Object> values = new ArrayList<>(jdkValues());
    values.addAll(
        List.of(
            false,
            Optional.empty(),
            OptionalInt.empty(),
            OptionalLong.empty(),
            OptionalDouble.empty(),
            BigInteger.ONE,
            BigDecimal.ONE,
            Integer.class));
    Set<Signature> signatures = new HashSet<>();
    for (Object v : values) {
      signatures.add(sign(signer, v));
    }
    assertEquals(values.size(), signatures.size());
  }

  // ---------------------------------------------------------------- different content differs

  @ParameterizedTest
  @MethodSource("signers")
  void sign_oneAsEachNumberType_allDiffer(Signer signer) {
    List<Object> ones =
        List.of(
            1,
            1L,
            (short) 1,
            (byte) 1,
            (char) 1,
            1.0f,
            1.0,
            BigInteger.ONE,
            BigDecimal.ONE,
            true,
            "1");
    Set<Signature> signatures = new HashSet<>();
    for (Object one : ones) {
      signatures.add(sign(signer, one));
    }
    assertEquals(ones.size(), signatures.size());
    assertNotEquals(sign(signer, 1), sign(signer, 1L));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_negativeZeroAndZero_differ(Signer signer) {
    assertNotEquals(sign(signer, -0.0), sign(signer, 0.0));
    assertNotEquals(sign(signer, -0.0f), sign(signer, 0.0f));
    assertNotEquals(sign(signer, new double[] {-0.0}), sign(signer, new double[] {0.0}));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_twoConstantsOfOneEnum_differ(Signer signer) {
    assertNotEquals(sign(signer, Color.RED), sign(signer, Color.GREEN));
    assertNotEquals(sign(signer, Op.PLUS), sign(signer, Op.MINUS));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_sameNamedConstantsOfTwoEnums_differ(Signer signer) {
    assertNotEquals(sign(signer, Color.RED), sign(signer, Light.RED));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_changeDeepInsideNestedCollection_differs(Signer signer) {
    Map<String, List<Map<String, int[]>>> a =
        Map.of("a", List.of(Map.of("b", new int[] {1, 2, 3})));
    Map<String, List<Map<String, int[]>>> b =
        Map.of("a", List.of(Map.of("b", new int[] {1, 2, 4})));
    Map<String, List<Map<String, int[]>>> c =
        Map.of("a", List.of(Map.of("c", new int[] {1, 2, 3})));
    assertNotEquals(sign(signer, a), sign(signer, b));
    assertNotEquals(sign(signer, a), sign(signer, c));
    assertEquals(
        sign(signer, a), sign(signer, Map.of("a", List.of(Map.of("b", new int[] {1, 2, 3})))));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_stringsSplitDifferently_differ(Signer signer) {
    assertNotEquals(sign(signer, List.of("ab", "c")), sign(signer, List.of("a", "bc")));
    assertNotEquals(sign(signer, "ab", "c"), sign(signer, "a", "bc"));
    // A tab is the string tag's byte: without the length, both would be 09 61 09 62 09 63.
    assertNotEquals(sign(signer, List.of("a\tb", "c")), sign(signer, List.of("a", "b\tc")));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_recordsOfTwoClassesWithEqualComponents_differ(Signer signer) {
    assertNotEquals(sign(signer, new PointA(1, 2)), sign(signer, new PointB(1, 2)));
    assertNotEquals(sign(signer, new PointA(1, 2)), sign(signer, new PointA(2, 1)));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_recordsInARowOfOneClassOrOfTwo_differ(Signer signer) {
    // The second of two records of one class is tagged "the latest class" instead of its name.
    assertNotEquals(
        sign(signer, List.of(new PointA(1, 2), new PointA(1, 2))),
        sign(signer, List.of(new PointA(1, 2), new PointB(1, 2))));
    assertNotEquals(
        sign(signer, List.of(new PointA(1, 2), new PointB(1, 2), new PointA(1, 2))),
        sign(signer, List.of(new PointA(1, 2), new PointB(1, 2), new PointB(1, 2))));
    assertNotEquals(
        sign(signer, List.of(new Named(new PointA(1, 2)), new PointA(1, 2))),
        sign(signer, List.of(new Named(new PointA(1, 2)), new Named(new PointA(1, 2)))));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_setsAndMapsOfRecords_doNotDependOnOrderOrOnWhatCameBefore(Signer signer) {
    Set<PointA> forward = new LinkedHashSet<>(List.of(new PointA(1, 2), new PointA(3, 4)));
    Set<PointA> backward = new LinkedHashSet<>(List.of(new PointA(3, 4), new PointA(1, 2)));
    Map<PointA, PointB> m1 = new LinkedHashMap<>();
    m1.put(new PointA(1, 2), new PointB(1, 2));
    m1.put(new PointA(3, 4), new PointB(3, 4));
    Map<PointA, PointB> m2 = new LinkedHashMap<>();
    m2.put(new PointA(3, 4), new PointB(3, 4));
    m2.put(new PointA(1, 2), new PointB(1, 2));

    assertEquals(sign(signer, forward), sign(signer, backward));
    assertEquals(sign(signer, m1), sign(signer, m2));
    // A record before the set names the class the set's elements have: they still sign alike.
    assertEquals(
        sign(signer, List.of(new PointA(0, 0), forward)),
        sign(signer, List.of(new PointA(0, 0), backward)));
    assertEquals(
        sign(signer, List.of(new PointB(0, 0), m1)), sign(signer, List.of(new PointB(0, 0), m2)));
  }

  @Test
  void encode_recordsOfOneClassInARow_nameTheClassOnce() {
    byte[] two = encode(List.of(new PointA(1, 2), new PointA(3, 4)));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(bytes(0x40, 2, 0, 0, 0, 0x31));
    expected.writeBytes(Shape.encodedName(PointA.class.getName()));
    expected.writeBytes(encode(1, 2));
    expected.write(0x34);
    expected.writeBytes(encode(3, 4));

    assertEquals(Arrays.toString(expected.toByteArray()), Arrays.toString(two));
  }

  @Test
  void encode_recordAfterASetOfOtherRecords_refersToTheClassBeforeTheSet() {
    byte[] all = encode(List.of(new PointA(0, 0), Set.of(new PointB(1, 1)), new PointA(2, 2)));
    ByteArrayOutputStream tail = new ByteArrayOutputStream();
    tail.write(0x34);
    tail.writeBytes(encode(2, 2));

    byte[] end = Arrays.copyOfRange(all, all.length - tail.size(), all.length);
    assertEquals(Arrays.toString(tail.toByteArray()), Arrays.toString(end));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_signablesOfTwoClassesWithEqualContent_differ(Signer signer) {
    assertNotEquals(sign(signer, new Grid(2, 1.0)), sign(signer, new OtherGrid(2, 1.0)));
    assertNotEquals(sign(signer, new Grid(2, 1.0)), sign(signer, new Grid(2, 1.5)));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_emptyContainersOfEachKind_allDiffer(Signer signer) {
    List<Object> empties =
        List.of(
            List.of(),
            Set.of(),
            Map.of(),
            new ArrayDeque<>(),
            new Object[0],
            new String[0],
            new int[0],
            new long[0],
            "",
            Optional.empty());
    Set<Signature> signatures = new HashSet<>();
    for (Object empty : empties) {
      signatures.add(sign(signer, empty));
    }
    assertEquals(empties.size(), signatures.size());
    assertNotEquals(sign(signer, List.of()), sign(signer, Set.of()));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_nullAndStringNull_differ(Signer signer) {
    assertNotEquals(sign(signer, (Object) null), sign(signer, "null"));
    assertNotEquals(sign(signer, Collections.singletonList(null)), sign(signer, List.of("null")));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_listDequeArrayAndTypedArrayOfSameElements_allDiffer(Signer signer) {
    List<Object> forms =
        List.of(
            List.of("a", "b"),
            new ArrayDeque<>(List.of("a", "b")),
            new Object[] {"a", "b"},
            new String[] {"a", "b"},
            Set.of("a", "b"));
    Set<Signature> signatures = new HashSet<>();
    for (Object form : forms) {
      signatures.add(sign(signer, form));
    }
    assertEquals(forms.size(), signatures.size());
    assertNotEquals(sign(signer, new int[] {1, 2}), sign(signer, new long[] {1, 2}));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_valuesEqualByCompareToButNotByEquals_differ(Signer signer) {
    assertNotEquals(sign(signer, new BigDecimal("1.0")), sign(signer, new BigDecimal("1.00")));
    ZonedDateTime vienna = ZonedDateTime.of(2024, 1, 1, 12, 0, 0, 0, ZoneId.of("Europe/Vienna"));
    assertNotEquals(
        sign(signer, vienna), sign(signer, vienna.withZoneSameInstant(ZoneOffset.ofHours(1))));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_unpairedSurrogateAndQuestionMark_differ(Signer signer) {
    assertNotEquals(sign(signer, "a\uD800"), sign(signer, "a?"));
    assertNotEquals(sign(signer, "\uDC00\uD800"), sign(signer, "\uD800\uDC00"));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_optionalOfValueAndValue_differ(Signer signer) {
    assertNotEquals(sign(signer, Optional.of(1)), sign(signer, 1));
    assertNotEquals(sign(signer, Optional.of(1)), sign(signer, OptionalInt.of(1)));
    assertNotEquals(sign(signer, Optional.empty()), sign(signer, OptionalInt.empty()));
  }

  // ---------------------------------------------------------------- roots and reuse

  @ParameterizedTest
  @MethodSource("signers")
  void putRoot_severalRoots_signTheirSequence(Signer signer) {
    Signature ab = sign(signer, "a", "b");
    assertNotEquals(ab, sign(signer, "b", "a"));
    assertNotEquals(ab, sign(signer, "a"));
    assertNotEquals(ab, sign(signer, List.of("a", "b")));
    assertEquals(ab, sign(signer, "a", "b"));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void finish_leavesEncoderEmpty_soNextSignatureIsIndependent(Signer signer) {
    CanonicalEncoder encoder = new CanonicalEncoder(signer, TypeSigners.none());
    encoder.putRoot(Map.of("a", Set.of(1)), "argument 0 of \"f\"", null);
    Signature first = encoder.finish();
    encoder.putRoot(Map.of("a", Set.of(1)), "argument 0 of \"f\"", null);
    assertEquals(first, encoder.finish());
    assertEquals(sign(signer), encoder.finish());
  }

  @ParameterizedTest
  @MethodSource("signers")
  void putRoot_afterFailure_encoderIsReset(Signer signer) {
    CanonicalEncoder encoder = new CanonicalEncoder(signer, TypeSigners.none());
    encoder.putRoot("kept?", "argument 0 of \"f\"", null);
    assertThrows(
        SignatureException.class,
        () ->
            encoder.putRoot(
                Map.of("k", Set.of(List.of(new Opaque()))), "argument 1 of \"f\"", null));
    encoder.putRoot(List.of(1, Set.of(2)), "argument 0 of \"f\"", null);
    assertEquals(sign(signer, List.of(1, Set.of(2))), encoder.finish());
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sinkMethods_writeWhatPutValueWrites(Signer signer) {
    CanonicalEncoder encoder = new CanonicalEncoder(signer, TypeSigners.none());
    byte[] bytes = {1, 2, 3};
    Signature viaSink =
        encoder
            .putInt(1)
            .putLong(2)
            .putDouble(3.0)
            .putBoolean(true)
            .putString("s")
            .putBytes(bytes)
            .finish();
    Signature viaValue = sign(signer, 1, 2L, 3.0, true, "s", bytes);
    assertEquals(viaValue, viaSink);
  }

  // ---------------------------------------------------------------- primitive arrays

  static Stream<Arguments> arrays() {
    List<Arguments> cases = new ArrayList<>();
    for (Signer signer : signers().toList()) {
      for (Class<?> type :
          List.of(
              boolean.class,
              byte.class,
              short.class,
              char.class,
              int.class,
              long.class,
              float.class,
              double.class)) {
        int width = PrimitiveArrays.width(type);
        // Element counts, and one array of 3 MiB of payload.
        for (int length : new int[] {0, 1, 7, 8 * 1024 + 1, 3 * 1024 * 1024 / width}) {
          cases.add(Arguments.of(signer, type, length));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}[{2}]")
  @MethodSource("arrays")
  void sign_primitiveArray_equalsItsCopyAndDiffersAfterOneChange(
      Signer signer, Class<?> type, int length) {
    Object array = PrimitiveArrays.random(type, length, 42);
    Object copy = PrimitiveArrays.copy(array);
    Signature signature = sign(signer, array);
    assertEquals(signature, sign(signer, copy));
    if (length > 0) {
      for (int index : new int[] {0, length / 2, length - 1}) {
        PrimitiveArrays.change(copy, index);
        assertNotEquals(signature, sign(signer, copy), "after a change at " + index);
        PrimitiveArrays.change(copy, index); // undone
      }
      assertEquals(signature, sign(signer, copy), "after the changes are undone");
    }
  }

  // ---------------------------------------------------------------- exact encoding

  private static byte[] encode(Object... roots) {
    RecordingSigner recording = new RecordingSigner();
    CanonicalEncoder encoder = new CanonicalEncoder(recording, TypeSigners.none());
    for (Object root : roots) {
      encoder.putRoot(root, "argument", null);
    }
    return encoder.finish().bytes();
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  @Test
  void encode_scalars_areTagThenLittleEndianBytes() {
    assertEquals(Arrays.toString(bytes(0x05, 1, 0, 0, 0)), Arrays.toString(encode(1)));
    assertEquals(Arrays.toString(bytes(0x06, 1, 0, 0, 0, 0, 0, 0, 0)), Arrays.toString(encode(1L)));
    assertEquals(Arrays.toString(bytes(0x00)), Arrays.toString(encode((Object) null)));
    assertEquals(
        Arrays.toString(bytes(0x08, 0, 0, 0, 0, 0, 0, 0xF8, 0x7F)),
        Arrays.toString(encode(Double.longBitsToDouble(0x7ff8_0000_0000_0001L))));
  }

  @Test
  void encode_string_isLengthThenUtf8() {
    assertEquals(
        Arrays.toString(bytes(0x09, 3, 0, 0, 0, 'a', 0xC3, 0xA9)), Arrays.toString(encode("aé")));
    assertEquals(
        Arrays.toString(bytes(0x09, 4, 0, 0, 0, 0xF0, 0x9F, 0x98, 0x80)),
        Arrays.toString(encode("\uD83D\uDE00")));
  }

  @Test
  void encode_stringOfAnyLength_isLengthThenWtf8WhateverTheBufferHolds() {
    // Short strings are encoded in one pass, long ones (beyond the buffer at three bytes a char)
    // in two, and a string may start anywhere in the buffer: every case gives the same bytes.
    String unit = "aé\u20ac\uD83D\uDE00\uD800x\uDC00";
    for (int repeat : new int[] {1, 100, 200, 800}) {
      String text = unit.repeat(repeat);
      for (String before : new String[] {"", "p".repeat(4000)}) {
        byte[] utf8 = wtf8(text);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(encode(before));
        expected.writeBytes(bytes(0x09, utf8.length, utf8.length >>> 8, utf8.length >>> 16, 0));
        expected.writeBytes(utf8);

        byte[] actual = encode(before, text);

        assertEquals(
            Arrays.toString(expected.toByteArray()),
            Arrays.toString(actual),
            "repeat " + repeat + " after " + before.length() + " chars");
      }
    }
  }

  /** UTF-8, with each unpaired surrogate as its own three-byte sequence. */
  private static byte[] wtf8(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.writeBytes(s.substring(i, i + 2).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        i++;
      } else if (Character.isSurrogate(c)) {
        out.write(0xE0 | c >> 12);
        out.write(0x80 | (c >> 6 & 0x3F));
        out.write(0x80 | (c & 0x3F));
      } else {
        out.writeBytes(String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  @Test
  void encode_enum_isClassNameAndConstantNameNotOrdinal() {
    byte[] actual = encode(Color.GREEN);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(0x30);
    expected.writeBytes(Shape.encodedName(Color.class.getName()));
    expected.writeBytes(Shape.encodedName("GREEN"));
    assertEquals(Arrays.toString(expected.toByteArray()), Arrays.toString(actual));

    // A constant with a body belongs to an anonymous subclass; it still signs as its enum.
    ByteArrayOutputStream minus = new ByteArrayOutputStream();
    minus.write(0x30);
    minus.writeBytes(Shape.encodedName(Op.class.getName()));
    minus.writeBytes(Shape.encodedName("MINUS"));
    assertEquals(Arrays.toString(minus.toByteArray()), Arrays.toString(encode(Op.MINUS)));
  }

  @Test
  void encode_recordWithPrimitiveComponents_writesThemAsTheirBoxes() {
    Primitives p = new Primitives(true, (byte) 2, (short) 3, 'c', 5, 6L, 7f, 8.0);
    byte[] record = encode(p);
    byte[] boxes = encode(true, (byte) 2, (short) 3, 'c', 5, 6L, 7f, 8.0);
    byte[] header = new byte[record.length - boxes.length];
    System.arraycopy(record, 0, header, 0, header.length);
    byte[] tail = Arrays.copyOfRange(record, header.length, record.length);
    ByteArrayOutputStream expectedHeader = new ByteArrayOutputStream();
    expectedHeader.write(0x31);
    expectedHeader.writeBytes(Shape.encodedName(Primitives.class.getName()));
    assertEquals(Arrays.toString(expectedHeader.toByteArray()), Arrays.toString(header));
    assertEquals(Arrays.toString(boxes), Arrays.toString(tail));
  }

  @Test
  void encode_primitiveArrayAtAnyBufferPosition_givesTheSameBytes() {
    // Arrays shorter than the buffer's free space are copied element by element, longer ones
    // through a bulk view: both must write the same bytes wherever the buffer stands.
    for (int length : new int[] {0, 1, 300, 511, 512, 513, 1000, 5000}) {
      long[] longs = (long[]) PrimitiveArrays.random(long.class, length, length);
      double[] doubles = (double[]) PrimitiveArrays.random(double.class, length, length);
      for (int prefix : new int[] {0, 1, 7, 3000, 4090}) {
        String pad = "x".repeat(prefix);
        byte[] padBytes = encode(pad);
        assertEquals(
            Arrays.toString(concat(padBytes, expectedArray('J', longs))),
            Arrays.toString(encode(pad, longs)),
            "long[" + length + "] after " + prefix);
        assertEquals(
            Arrays.toString(concat(padBytes, expectedArray('D', doubles))),
            Arrays.toString(encode(pad, doubles)),
            "double[" + length + "] after " + prefix);
      }
    }
  }

  private static byte[] expectedArray(char descriptor, Object array) {
    int length = Array.getLength(array);
    ByteBuffer b = ByteBuffer.allocate(6 + length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x50).put((byte) descriptor).putInt(length);
    for (int i = 0; i < length; i++) {
      if (array instanceof long[]) {
        b.putLong(((long[]) array)[i]);
      } else {
        b.putLong(Double.doubleToRawLongBits(((double[]) array)[i]));
      }
    }
    return b.array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  // ---------------------------------------------------------------- errors

  @Test
  void putRoot_unsignableTypeInsideRecordInsideList_namesArgumentPathTypeAndWaysOut() {
    Object value = List.of(new Named("a"), new Named("b"), new Named(new Opaque()));
    assertEquals(
        "cannot sign argument 0 of \"primes\": the value at [2].name has type "
            + CLASS
            + "$Opaque, which memo cannot sign; make it a record or implement dev.memo.Signable,"
            + " register a dev.memo.spi.TypeSigner for it, or ignore the parameter with"
            + " FunctionOptions.ignoreParameters(0)",
        failure(value, IGNORE_0));
  }

  @Test
  void putRoot_unsignableMapValue_pathNamesTheKey() {
    Map<String, Object> value =
        new TreeMap<>(Map.of("alpha", 1, "weights", List.of(1, new Opaque())));
    assertEquals(
        "cannot sign argument 0 of \"primes\": the value at {\"weights\"}[1] has type "
            + CLASS
            + "$Opaque, which memo cannot sign; make it a record or implement dev.memo.Signable,"
            + " or register a dev.memo.spi.TypeSigner for it",
        failure(value, null));
    assertEquals(
        "cannot sign argument 0 of \"primes\": the value at {7}.name has type "
            + CLASS
            + "$Opaque, which memo cannot sign; make it a record or implement dev.memo.Signable,"
            + " or register a dev.memo.spi.TypeSigner for it",
        failure(Map.of(7, new Named(new Opaque())), null));
  }

  @Test
  void putRoot_unsignableMapKeyOrSetElement_pathNamesItsType() {
    assertEquals(
        "cannot sign argument 0 of \"primes\": the value at [0]{key <Opaque>} has type "
            + CLASS
            + "$Opaque, which memo cannot sign; make it a record or implement dev.memo.Signable,"
            + " or register a dev.memo.spi.TypeSigner for it",
        failure(List.of(Map.of(new Opaque(), 1)), null));
    assertEquals(
        "cannot sign argument 0 of \"primes\": the value at {element <Named>}.name has type "
            + CLASS
            + "$Opaque, which memo cannot sign; make it a record or implement"
            + " dev.memo.Signable, or register a dev.memo.spi.TypeSigner for it",
        failure(Set.of(new Named(new Opaque())), null));
  }

  @Test
  void putRoot_unsignableRoot_saysTheValueHasType() {
    assertEquals(
        "cannot sign argument 0 of \"primes\": the value has type "
            + CLASS
            + "$Opaque, which"
            + " memo cannot sign; make it a record or implement dev.memo.Signable, register a"
            + " dev.memo.spi.TypeSigner for it, or ignore the parameter with"
            + " FunctionOptions.ignoreParameters(0)",
        failure(new Opaque(), IGNORE_0));
  }

  @Test
  void putRoot_stringBuilder_isRefusedAsMutable() {
    assertEquals(
        "cannot sign argument 0 of \"primes\": the value at [0] has type java.lang.StringBuilder,"
            + " which memo cannot sign: a CharSequence other than String can change after it is"
            + " signed; pass a String (toString()) instead, or ignore the parameter with"
            + " FunctionOptions.ignoreParameters(0)",
        failure(List.of(new StringBuilder("x")), IGNORE_0));
  }

  @Test
  void putRoot_otherCollectionIteratorOrStream_isRefused() {
    assertEquals(
        "cannot sign argument 0 of \"primes\": the value has type java.util.PriorityQueue, which"
            + " memo cannot sign: only a List, Set or Deque is signed as a collection; pass a List"
            + " or a Set instead (List.copyOf, Set.copyOf)",
        failure(new PriorityQueue<>(List.of(1)), null));
    assertEquals(
        "cannot sign argument 0 of \"primes\": the value has type java.util.ArrayList$Itr, which"
            + " memo cannot sign: it is used up by reading it; collect it into a List first",
        failure(new ArrayList<>().iterator(), null));
    Stream<Integer> stream = Stream.of(1);
    assertEquals(
        "cannot sign argument 0 of \"primes\": the value has type "
            + stream.getClass().getName()
            + ", which memo cannot sign: it is used up by reading it; collect it into a List first",
        failure(stream, null));
  }

  @Test
  void putRoot_listContainingItself_reportsDepthSuggestingCycle() {
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    assertEquals(
        "cannot sign argument 0 of \"primes\": the value at [0][0][0][0][0][0][0][0]...(248 more)"
            + " is nested more than 256 levels deep, which suggests a cycle (a collection, array or"
            + " record that contains itself); break the cycle, implement dev.memo.Signable to sign"
            + " the structure yourself, or ignore the parameter with"
            + " FunctionOptions.ignoreParameters(0)",
        failure(cycle, IGNORE_0));
  }

  @Test
  void putRoot_signableThatPutsItself_reportsDepth() {
    Signable loop =
        new Signable() {
          @Override
          public void signTo(SignatureSink sink) {
            sink.putValue(this);
          }
        };
    String message = failure(loop, null);
    assertEquals(
        "cannot sign argument 0 of \"primes\": the value at"
            + " .signTo().signTo().signTo().signTo().signTo().signTo().signTo().signTo()...(248"
            + " more) is nested more than 256 levels deep, which suggests a cycle (a collection,"
            + " array or record that contains itself); break the cycle, or implement"
            + " dev.memo.Signable to sign the structure yourself",
        message);
  }

  @Test
  void putRoot_signableWritingUnsignableValue_pathGoesThroughSignTo() {
    assertEquals(
        "cannot sign argument 0 of \"primes\": the value at [0].signTo()[1] has type "
            + CLASS
            + "$Opaque, which memo cannot sign; make it a record or implement dev.memo.Signable,"
            + " or register a dev.memo.spi.TypeSigner for it",
        failure(List.of(new Holder(List.of(1, new Opaque()))), null));
  }

  @Test
  void putRoot_signToThrows_namesTheMethodAndKeepsTheCause() {
    CanonicalEncoder encoder = new CanonicalEncoder(new RecordingSigner(), TypeSigners.none());
    SignatureException e =
        assertThrows(
            SignatureException.class,
            () -> encoder.putRoot(List.of(new Exploding()), "argument 0 of \"primes\"", IGNORE_0));
    assertEquals(
        "cannot sign argument 0 of \"primes\": the value at [0] has type "
            + CLASS
            + "$Exploding,"
            + " whose signTo threw java.lang.IllegalStateException: boom; fix "
            + CLASS
            + "$Exploding.signTo",
        e.getMessage());
    assertEquals("boom", e.getCause().getMessage());
  }

  @Test
  void putRoot_recordAccessorThrows_namesTheAccessor() {
    assertEquals(
        "cannot sign argument 0 of \"primes\": the value at [0] has type "
            + CLASS
            + "$Moody,"
            + " whose accessor mood() threw java.lang.UnsupportedOperationException: not today;"
            + " fix "
            + CLASS
            + "$Moody.mood()",
        failure(List.of(new Moody(1)), null));
  }

  @Test
  void putRoot_setWhoseSizeDisagreesWithIteration_isRefused() {
    assertEquals(
        "cannot sign argument 0 of \"primes\": the value has type "
            + CLASS
            + "$LyingSet, which"
            + " changed while memo signed it (size() was 3 but iteration gave 2 elements); do not"
            + " modify an argument while a memoized call signs it",
        failure(new LyingSet(), null));
  }

  @Test
  void putValue_atTopLevel_failsNamingAValue() {
    CanonicalEncoder encoder = new CanonicalEncoder(new RecordingSigner(), TypeSigners.none());
    SignatureException e =
        assertThrows(SignatureException.class, () -> encoder.putValue(List.of(new Opaque())));
    assertEquals(
        "cannot sign a value: the value at [0] has type "
            + CLASS
            + "$Opaque, which memo cannot"
            + " sign; make it a record or implement dev.memo.Signable, or register a"
            + " dev.memo.spi.TypeSigner for it",
        e.getMessage());
  }

  @Test
  void putString_null_isRefused() {
    CanonicalEncoder encoder = new CanonicalEncoder(new RecordingSigner(), TypeSigners.none());
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> encoder.putString(null));
    assertEquals("putString(null): use putValue to sign a value that may be null", e.getMessage());
  }

  @Test
  void encode_boxedAndPrimitiveRecordComponents_signAlikeApartFromClassName() {
    byte[] primitive = encode(new PointA(1, 2));
    byte[] boxed = encode(new Boxed(1, 2));
    int pn = Shape.encodedName(PointA.class.getName()).length;
    int bn = Shape.encodedName(Boxed.class.getName()).length;
    assertEquals(
        Arrays.toString(Arrays.copyOfRange(primitive, 1 + pn, primitive.length)),
        Arrays.toString(Arrays.copyOfRange(boxed, 1 + bn, boxed.length)));
  }
}
