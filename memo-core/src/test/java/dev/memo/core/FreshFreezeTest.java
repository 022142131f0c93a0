package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.Immutable;
import dev.memo.core.Immutables.NotImmutable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link Immutables#freezeFresh}, for a value just deserialized for one caller, against {@link
 * Immutables#freeze}: the same form, order, comparator and refusals, with the JDK's mutable
 * collections wrapped where they are.
 */
class FreshFreezeTest {
  /** Freezes a value each way (freeze first: it only reads), checks both agree, returns fresh. */
  private static Object bothAgree(Object value) {
    Object frozen = Immutables.freeze(value).value;
    Object fresh = Immutables.freezeFresh(value).value;
    assertSameForm(frozen, fresh);
    return fresh;
  }

  /** Equal, of the same classes, in the same order, at every depth. */
  private static void assertSameForm(Object expected, Object actual) {
    assertEquals(expected, actual);
    if (expected == null) {
      return;
    }
    assertSame(expected.getClass(), actual.getClass());
    assertEquals(expected.hashCode(), actual.hashCode());
    assertEquals(expected.toString(), actual.toString());
    if (expected instanceof SortedSet<?> s) {
      assertSame(s.comparator(), ((SortedSet<?>) actual).comparator());
    }
    if (expected instanceof SortedMap<?, ?> m) {
      assertSame(m.comparator(), ((SortedMap<?, ?>) actual).comparator());
    }
    if (expected instanceof Collection<?> c) {
      List<Object> a = new ArrayList<>((Collection<?>) actual);
      List<Object> e = new ArrayList<>(c);
      for (int i = 0; i < e.size(); i++) {
        assertSameForm(e.get(i), a.get(i));
      }
    }
    if (expected instanceof Map<?, ?> m) {
      List<Map.Entry<?, ?>> a = new ArrayList<>(((Map<?, ?>) actual).entrySet());
      List<Map.Entry<?, ?>> e = new ArrayList<>(m.entrySet());
      for (int i = 0; i < e.size(); i++) {
        assertSameForm(e.get(i).getKey(), a.get(i).getKey());
        assertSameForm(e.get(i).getValue(), a.get(i).getValue());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(value);
      }
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        return (T) in.readObject();
      }
    } catch (IOException | ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  private static final Comparator<String> BY_LENGTH_THEN_TEXT =
      (Comparator<String> & Serializable)
          (a, b) -> a.length() != b.length() ? a.length() - b.length() : a.compareTo(b);

  @Test
  void arrayList_isWrappedInPlace_unmodifiableInItsOrder() {
    ArrayList<String> list = new ArrayList<>(List.of("c", "a", "b"));
    @SuppressWarnings("unchecked")
    List<String> out = (List<String>) bothAgree(list);
    assertEquals(List.of("c", "a", "b"), out);
    assertThrows(UnsupportedOperationException.class, () -> out.add("d"));
    assertThrows(UnsupportedOperationException.class, () -> out.set(0, "d"));
    assertThrows(UnsupportedOperationException.class, () -> out.iterator().remove());
    list.add("d"); // the wrapper is over the deserialized list itself
    assertEquals(4, out.size());
  }

  @Test
  void hashSetAndLinkedHashSet_areWrappedInPlace_inTheirIterationOrder() {
    Set<String> hashed = new HashSet<>();
    Set<String> linked = new LinkedHashSet<>();
    for (String s : List.of("pear", "fig", "apple", "kiwi", "date")) {
      hashed.add(s);
      linked.add(s);
    }
    for (Set<String> set : List.of(hashed, linked)) {
      List<String> order = new ArrayList<>(set);
      @SuppressWarnings("unchecked")
      Set<String> out = (Set<String>) bothAgree(set);
      assertEquals(order, new ArrayList<>(out));
      assertThrows(UnsupportedOperationException.class, () -> out.add("x"));
      assertThrows(UnsupportedOperationException.class, () -> out.remove("fig"));
      set.add("lime");
      assertTrue(out.contains("lime"));
    }
  }

  @Test
  void treeSet_isWrappedInPlace_withItsComparator() {
    TreeSet<String> set = new TreeSet<>(BY_LENGTH_THEN_TEXT);
    set.addAll(List.of("pear", "fig", "apple", "kiwi"));
    @SuppressWarnings("unchecked")
    NavigableSet<String> out = (NavigableSet<String>) bothAgree(set);
    assertSame(BY_LENGTH_THEN_TEXT, out.comparator());
    assertEquals(List.of("fig", "kiwi", "pear", "apple"), new ArrayList<>(out));
    assertEquals("kiwi", out.higher("fig"));
    assertThrows(UnsupportedOperationException.class, () -> out.add("x"));
    assertThrows(UnsupportedOperationException.class, out::pollFirst);
    assertThrows(UnsupportedOperationException.class, () -> out.headSet("pear").clear());
  }

  @Test
  void hashMapAndLinkedHashMap_areWrappedInPlace_inTheirIterationOrder() {
    Map<String, Integer> hashed = new HashMap<>();
    Map<String, Integer> linked = new LinkedHashMap<>();
    int i = 0;
    for (String s : List.of("pear", "fig", "apple", "kiwi", "date")) {
      hashed.put(s, i);
      linked.put(s, i++);
    }
    for (Map<String, Integer> map : List.of(hashed, linked)) {
      List<String> order = new ArrayList<>(map.keySet());
      @SuppressWarnings("unchecked")
      Map<String, Integer> out = (Map<String, Integer>) bothAgree(map);
      assertEquals(order, new ArrayList<>(out.keySet()));
      assertThrows(UnsupportedOperationException.class, () -> out.put("x", 1));
      assertThrows(UnsupportedOperationException.class, () -> out.remove("fig"));
      assertThrows(
          UnsupportedOperationException.class, () -> out.entrySet().iterator().next().setValue(9));
      map.put("lime", 7);
      assertEquals(7, out.get("lime"));
    }
  }

  @Test
  void treeMap_isWrappedInPlace_withItsComparator() {
    TreeMap<String, Integer> map = new TreeMap<>(BY_LENGTH_THEN_TEXT);
    map.put("apple", 1);
    map.put("fig", 2);
    map.put("kiwi", 3);
    @SuppressWarnings("unchecked")
    NavigableMap<String, Integer> out = (NavigableMap<String, Integer>) bothAgree(map);
    assertSame(BY_LENGTH_THEN_TEXT, out.comparator());
    assertEquals(List.of("fig", "kiwi", "apple"), new ArrayList<>(out.keySet()));
    assertThrows(UnsupportedOperationException.class, out::pollFirstEntry);
    assertThrows(UnsupportedOperationException.class, () -> out.firstEntry().setValue(5));
    assertThrows(UnsupportedOperationException.class, () -> out.tailMap("fig").clear());
  }

  @Test
  void accessOrderedLinkedHashMap_isCopiedInItsOrder_soThatReadsDoNotReorderIt() {
    LinkedHashMap<String, Integer> map = new LinkedHashMap<>(16, 0.75f, true);
    map.put("c", 1);
    map.put("a", 2);
    map.put("b", 3);
    map.get("c"); // order now a, b, c
    @SuppressWarnings("unchecked")
    Map<String, Integer> out = (Map<String, Integer>) bothAgree(map);
    assertEquals(List.of("a", "b", "c"), new ArrayList<>(map.keySet()));
    out.get("a");
    assertEquals(List.of("a", "b", "c"), new ArrayList<>(out.keySet()));
    map.put("d", 4);
    assertEquals(3, out.size());
  }

  @Test
  void listOfAndOtherKinds_areConvertedAsByFreeze() {
    bothAgree(new ArrayList<>(List.of(List.of(1, 2), Set.of(3), Map.of("k", 4))));
    bothAgree(Collections.unmodifiableList(new ArrayList<>(List.of(new ArrayList<>(List.of(1))))));
    bothAgree(new java.util.LinkedList<>(List.of(1, 2)));
    bothAgree(new java.util.concurrent.ConcurrentHashMap<>(Map.of("a", List.of(1))));
    bothAgree(Optional.of(new ArrayList<>(List.of(1))));
  }

  @Test
  void nestedCollections_areEachWrapped_andChangedElementsPutInPlace() {
    ArrayList<Object> inner = new ArrayList<>(List.of(1, 2));
    HashMap<String, Object> map = new HashMap<>(Map.of("in", inner, "n", 3));
    ArrayList<Object> outer = new ArrayList<>(List.of(map, "s"));
    @SuppressWarnings("unchecked")
    List<Map<String, List<Integer>>> out = (List<Map<String, List<Integer>>>) bothAgree(outer);
    assertThrows(UnsupportedOperationException.class, () -> out.get(0).get("in").add(3));
    assertThrows(UnsupportedOperationException.class, () -> out.get(0).put("x", List.of()));
  }

  record Both(List<Integer> first, List<Integer> second) implements Serializable {}

  @Test
  void collectionReachedTwice_isUnmodifiableFromBothPlaces() {
    ArrayList<Integer> shared = new ArrayList<>(List.of(1, 2));
    Both deserialized = roundTrip(new Both(shared, shared));
    assertSame(deserialized.first(), deserialized.second()); // Java serialization keeps sharing
    Both out = (Both) bothAgree(deserialized);
    assertThrows(UnsupportedOperationException.class, () -> out.first().add(3));
    assertThrows(UnsupportedOperationException.class, () -> out.second().add(3));
    assertEquals(new Both(List.of(1, 2), List.of(1, 2)), out);

    ArrayList<Object> innerShared = new ArrayList<>(List.of(1));
    ArrayList<Object> twice = new ArrayList<>(List.of(innerShared, innerShared));
    @SuppressWarnings("unchecked")
    List<List<Integer>> got = (List<List<Integer>>) bothAgree(roundTrip(twice));
    for (List<Integer> each : got) {
      assertThrows(UnsupportedOperationException.class, () -> each.add(2));
    }
  }

  @Test
  void arrayReachedTwice_isTwoArrays_asInFreeze() {
    int[] shared = {1, 2};
    ArrayList<Object> value = roundTrip(new ArrayList<>(List.of(shared, shared)));
    Immutables.Frozen fresh = Immutables.freezeFresh(value);
    List<?> out = (List<?>) fresh.value;
    assertTrue(fresh.copyPerCall);
    assertNotSame(out.get(0), out.get(1));
    ((int[]) out.get(0))[0] = 9;
    assertEquals(1, ((int[]) out.get(1))[0]);
  }

  record Member(String name, List<Integer> scores) implements Serializable {}

  record Team(String name, List<Member> members, Map<String, Set<String>> tags)
      implements Serializable {}

  @Test
  void nestedRecordsWithCollections_areRebuiltAroundTheWrappedCollections() {
    Map<String, Set<String>> tags = new LinkedHashMap<>();
    tags.put("colour", new LinkedHashSet<>(List.of("red", "blue")));
    Team team =
        new Team(
            "t",
            new ArrayList<>(
                List.of(
                    new Member("ann", new ArrayList<>(List.of(3, 1))),
                    new Member("bob", new ArrayList<>()))),
            tags);
    Team out = (Team) bothAgree(roundTrip(team));
    assertThrows(UnsupportedOperationException.class, () -> out.members().add(null));
    assertThrows(UnsupportedOperationException.class, () -> out.members().get(0).scores().add(4));
    assertThrows(UnsupportedOperationException.class, () -> out.tags().get("colour").add("x"));
  }

  static final AtomicInteger ACCESSOR_CALLS = new AtomicInteger();

  enum Unit {
    KG,
    LB
  }

  record Reading(int id, String name, double value, LocalDate day, UUID source, Unit unit) {
    @Override
    public String name() {
      ACCESSOR_CALLS.incrementAndGet();
      return name;
    }
  }

  record Readings(Reading first, Reading last, long count) {}

  @Test
  void recordOfImmutableFinalTypes_isTheSameInstance_withoutCallingItsAccessors() {
    ACCESSOR_CALLS.set(0);
    Reading r = new Reading(1, "a", 2.5, LocalDate.of(2026, 1, 2), new UUID(1, 2), Unit.KG);
    Readings rs = new Readings(r, r, 2);
    assertSame(r, Immutables.freeze(r).value);
    assertSame(r, Immutables.freezeFresh(r).value);
    assertSame(rs, Immutables.freeze(rs).value);
    assertSame(rs, Immutables.freezeFresh(rs).value);
    ArrayList<Object> list = new ArrayList<>(List.of(r, rs));
    List<?> out = (List<?>) Immutables.freezeFresh(list).value;
    assertSame(r, out.get(0));
    assertEquals(0, ACCESSOR_CALLS.get());
  }

  record Loose(String name, Object anything) {}

  record Chain(String name, Chain next) {}

  @Test
  void recordWithAComponentOfAnOpenType_isStillCheckedByItsValue() {
    Loose fine = new Loose("a", 1);
    assertSame(fine, Immutables.freezeFresh(fine).value);
    Loose bad = new Loose("a", new StringBuilder("x"));
    NotImmutable e = assertThrows(NotImmutable.class, () -> Immutables.freezeFresh(bad));
    assertEquals("result.anything() has type java.lang.StringBuilder", e.getMessage());
    Chain chain = new Chain("a", new Chain("b", null));
    assertSame(chain, Immutables.freezeFresh(chain).value);
  }

  @Test
  void unknownMutableTypeInside_isRefusedAsByFreeze_andTheValueIsLeftAsItWas() {
    ArrayList<Object> inner = new ArrayList<>(List.of(1));
    ArrayList<Object> list = new ArrayList<>();
    list.add(new ArrayList<>(List.of(inner)));
    HashMap<String, Object> map = new HashMap<>();
    map.put("sb", new StringBuilder("x"));
    list.add(map);
    NotImmutable frozen = assertThrows(NotImmutable.class, () -> Immutables.freeze(list));
    NotImmutable fresh = assertThrows(NotImmutable.class, () -> Immutables.freezeFresh(list));
    assertEquals("result[1][\"sb\"] has type java.lang.StringBuilder", fresh.getMessage());
    assertEquals(frozen.getMessage(), fresh.getMessage());
    assertInstanceOf(ArrayList.class, list.get(0));
    assertSame(inner, ((List<?>) list.get(0)).get(0)); // nothing was put in place
  }

  /** An {@link Immutable} that shares a list with the rest of a result. */
  record Holder(List<Integer> held) implements Immutable, Serializable {
    @Override
    public Object asImmutable() {
      return this;
    }
  }

  @Test
  void valueHoldingAnImmutable_isFrozenByCopying() {
    ArrayList<Integer> shared = new ArrayList<>(List.of(1));
    ArrayList<Object> value = new ArrayList<>(List.of(shared, new Holder(shared)));
    @SuppressWarnings("unchecked")
    List<Object> out = (List<Object>) Immutables.freezeFresh(value).value;
    assertEquals(Immutables.freeze(value).value, out);
    shared.add(2); // through the holder, say: the handed-out list is a copy
    assertEquals(List.of(1), out.get(0));
    assertSame(value.get(1), out.get(1));
  }

  @Test
  void setWhoseElementsChange_andMapWhoseKeysChange_areCopiedAsByFreeze() {
    Set<Object> set = new LinkedHashSet<>();
    set.add("a");
    set.add(new ArrayList<>(List.of(1)));
    set.add("b");
    @SuppressWarnings("unchecked")
    Set<Object> out = (Set<Object>) bothAgree(set);
    assertThrows(UnsupportedOperationException.class, () -> out.add("c"));
    set.add("c");
    assertEquals(3, out.size());

    TreeSet<List<Integer>> sorted = new TreeSet<>(Comparator.comparing(l -> l.get(0)));
    sorted.add(new ArrayList<>(List.of(2)));
    sorted.add(new ArrayList<>(List.of(1)));
    bothAgree(sorted);

    Map<Object, Object> map = new LinkedHashMap<>();
    map.put("a", new ArrayList<>(List.of(1)));
    map.put(new ArrayList<>(List.of(2)), "b");
    @SuppressWarnings("unchecked")
    Map<Object, Object> got = (Map<Object, Object>) bothAgree(map);
    assertThrows(UnsupportedOperationException.class, () -> ((List<?>) got.get("a")).clear());
    map.put("c", 3);
    assertEquals(2, got.size());
  }

  record Days(LocalDate[] days) {}

  @Test
  void recordOfJavaTimeArray_isNotImmutableByType_andEachCallerGetsItsOwnArray() {
    Days computed = new Days(new LocalDate[] {LocalDate.of(2020, 1, 1)});
    Immutables.Frozen frozen = Immutables.freeze(computed);
    assertNotSame(computed.days(), ((Days) frozen.value).days(), "the function's own array");
    assertNotSame(((Days) frozen.handOut()).days(), ((Days) frozen.handOut()).days());
    Immutables.Frozen fresh = Immutables.freezeFresh(new Days(new LocalDate[] {LocalDate.MIN}));
    Days first = (Days) fresh.handOut();
    first.days()[0] = LocalDate.MAX;
    assertEquals(LocalDate.MIN, ((Days) fresh.handOut()).days()[0], "one caller's change");
  }

  @Test
  void javaTimeArray_isCopiedForEveryCaller() {
    LocalDate[] computed = {LocalDate.MIN};
    Immutables.Frozen frozen = Immutables.freeze(computed);
    assertNotSame(computed, frozen.value);
    assertNotSame(frozen.handOut(), frozen.handOut());
  }

  @Test
  void freshSetOfListsHoldingArrays_findsItsOwnElements() {
    HashSet<Object> set = new HashSet<>();
    ArrayList<Object> inner = new ArrayList<>();
    inner.add(new int[] {1});
    set.add(inner);
    Set<?> got = (Set<?>) Immutables.freezeFresh(set).value;
    Object e = got.iterator().next();
    assertTrue(got.contains(e), "its own element is found where its hash code places it");
  }

  @Test
  void freshMapKeyedByListsHoldingArrays_findsItsOwnKeys() {
    HashMap<Object, Object> map = new HashMap<>();
    ArrayList<Object> key = new ArrayList<>();
    key.add(new int[] {1});
    map.put(key, "v");
    Map<?, ?> got = (Map<?, ?>) Immutables.freezeFresh(map).value;
    Object k = got.keySet().iterator().next();
    assertEquals("v", got.get(k), "its own key is found where its hash code places it");
  }
}
