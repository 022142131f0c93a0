package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memo.Immutable;
import dev.memo.MemoException;
import dev.memo.NotSigned;
import dev.memo.core.fakes.MapStore;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ImmutabilityTest {
  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();

  private final MapStore store = new MapStore();

  @BeforeEach
  void reset() {
    CALLS.set(0);
  }

  private Memo memo() {
    return MemoTest.isolated().store(store).build();
  }

  private Memo copyMode() {
    return MemoTest.isolated().store(store).config("memo.immutability", "copy").build();
  }

  static List<List<Integer>> nested(Integer n) {
    CALLS.incrementAndGet();
    List<List<Integer>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new ArrayList<>(List.of(i, i * i)));
    }
    return out;
  }

  @Test
  void nestedList_cannotBeModifiedAtAnyDepth_onAMissAStoreHitOrATierHit() {
    try (Memo memo = memo()) {
      Function<Integer, List<List<Integer>>> f = memo.function(ImmutabilityTest::nested);
      assertUnmodifiable(f.apply(3)); // the miss
      assertUnmodifiable(f.apply(3)); // the object tier
      assertEquals(List.of(List.of(0, 0), List.of(1, 1), List.of(2, 4)), f.apply(3));
    }
    try (Memo next = memo()) {
      assertUnmodifiable(next.function(ImmutabilityTest::nested).apply(3)); // the store
    }
    assertEquals(1, CALLS.get());
  }

  private static void assertUnmodifiable(List<List<Integer>> result) {
    assertThrows(UnsupportedOperationException.class, () -> result.add(List.of()));
    assertThrows(UnsupportedOperationException.class, () -> result.remove(0));
    assertThrows(UnsupportedOperationException.class, () -> result.get(0).set(0, 9));
    assertThrows(UnsupportedOperationException.class, () -> result.get(1).add(9));
  }

  static double[] ramp(Integer n) {
    CALLS.incrementAndGet();
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }

  @Test
  void arrayModifiedByTheCaller_doesNotChangeTheNextHit() {
    try (Memo memo = memo()) {
      Function<Integer, double[]> f = memo.function(ImmutabilityTest::ramp);
      double[] first = f.apply(3);
      first[0] = 99;
      double[] second = f.apply(3);
      assertArrayEquals(new double[] {0, 1, 2}, second);
      second[1] = 99;
      assertArrayEquals(new double[] {0, 1, 2}, f.apply(3));
      assertEquals(1, CALLS.get());
      assertEquals(0, memo.stats().bytesRead(), "the hits came from the object tier");
    }
  }

  /** A mutable type memo knows nothing about. */
  static final class Counter implements Serializable {
    int count;

    Counter(int count) {
      this.count = count;
    }
  }

  @Test
  void unknownMutableType_failsInStrictModeButIsStored() {
    try (Memo memo = memo()) {
      Supplier<Counter> f =
          memo.supplier(
              "counter",
              () -> {
                CALLS.incrementAndGet();
                return new Counter(1);
              });
      var e = assertThrows(MemoException.class, f::get);
      assertEquals(
          "cannot hand out the result of \"counter\" immutable: result has type"
              + " dev.memo.core.ImmutabilityTest$Counter, which memo does not know to be immutable;"
              + " implement dev.memo.Immutable in dev.memo.core.ImmutabilityTest$Counter (or make it a"
              + " record of immutable parts), or set memo.immutability=copy to receive a fresh copy"
              + " on every call (the result was stored)",
          e.getMessage());
    }
    assertEquals(1, store.valueKeys().size());
    try (Memo copies = copyMode()) {
      assertEquals(
          1,
          copies
              .supplier(
                  "counter",
                  () -> {
                    CALLS.incrementAndGet();
                    return new Counter(1);
                  })
              .get()
              .count);
    }
    assertEquals(1, CALLS.get(), "the stored result was found");
  }

  @Test
  void unknownTypeInsideAMap_isNamedWithItsPath() {
    try (Memo memo = memo()) {
      Supplier<Map<String, List<Counter>>> f =
          memo.supplier(
              "nested-counter",
              () -> {
                Map<String, List<Counter>> m = new LinkedHashMap<>();
                m.put("a", List.of(new Counter(1), new Counter(2)));
                return m;
              });
      var e = assertThrows(MemoException.class, f::get);
      assertEquals(
          "cannot hand out the result of \"nested-counter\" immutable: result[\"a\"][0]"
              + " has type dev.memo.core.ImmutabilityTest$Counter, which memo does not know to be"
              + " immutable; implement dev.memo.Immutable in dev.memo.core.ImmutabilityTest$Counter"
              + " (or make it a record of immutable parts), or set memo.immutability=copy to receive a"
              + " fresh copy on every call (the result was stored)",
          e.getMessage());
    }
  }

  @Test
  void unknownMutableType_inCopyMode_isAFreshCopyOnEveryCall() {
    try (Memo memo = copyMode()) {
      Supplier<Counter> f =
          memo.supplier(
              "counter",
              () -> {
                CALLS.incrementAndGet();
                return new Counter(1);
              });
      Counter first = f.get();
      first.count = 50;
      Counter second = f.get();
      assertEquals(1, second.count);
      second.count = 60;
      Counter third = f.get();
      assertEquals(1, third.count);
      assertNotSame(second, third);
      assertEquals(1, CALLS.get());
    }
  }

  /** A type that offers its immutable form. */
  static final class Grid implements Immutable, Serializable {
    final int[] cells;

    Grid(int... cells) {
      this.cells = cells;
    }

    @Override
    public Object asImmutable() {
      return new FrozenGrid(
          List.of(java.util.Arrays.stream(cells).boxed().toArray(Integer[]::new)));
    }
  }

  record FrozenGrid(List<Integer> cells) implements Serializable {}

  @Test
  void immutableType_isHandedOutAsItsAsImmutable() {
    try (Memo memo = memo()) {
      Supplier<Object> f = memo.supplier("grid", () -> new Grid(1, 2));
      assertEquals(new FrozenGrid(List.of(1, 2)), f.get());
      assertEquals(new FrozenGrid(List.of(1, 2)), f.get());
    }
  }

  record Pair(String name, List<Integer> values) implements Serializable {}

  @Test
  void recordOfImmutableParts_isHandedOutAsItIs_andOneWithAListIsRebuilt() {
    try (Memo memo = memo()) {
      Pair p = new Pair("a", List.of(1));
      Supplier<Pair> same = memo.supplier("same-pair", () -> p);
      assertSame(p.name(), same.get().name());
      Supplier<Pair> f = memo.supplier("pair", () -> new Pair("a", new ArrayList<>(List.of(1))));
      Pair got = f.get();
      assertEquals(new Pair("a", List.of(1)), got);
      assertThrows(UnsupportedOperationException.class, () -> got.values().add(2));
    }
  }

  @Test
  void mapKeepsItsIterationOrder() {
    try (Memo memo = memo()) {
      Supplier<Map<String, Integer>> f =
          memo.supplier(
              "ordered",
              () -> {
                Map<String, Integer> m = new LinkedHashMap<>();
                m.put("z", 1);
                m.put("a", 2);
                m.put("m", 3);
                return m;
              });
      assertEquals(List.of("z", "a", "m"), new ArrayList<>(f.get().keySet()));
      assertEquals(List.of("z", "a", "m"), new ArrayList<>(f.get().keySet()));
      assertThrows(UnsupportedOperationException.class, () -> f.get().put("b", 4));
    }
  }

  @Test
  void invalidImmutabilityMode_isAnError() {
    var e =
        assertThrows(
            dev.memo.MemoConfigurationException.class,
            () -> MemoTest.isolated().store(store).config("memo.immutability", "loose").build());
    assertEquals(
        "memo.immutability is \"loose\" (from builder) but must be one of strict, copy",
        e.getMessage());
  }
}
