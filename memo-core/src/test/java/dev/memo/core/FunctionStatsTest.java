package dev.memo.core;

import static dev.memo.core.MemoTest.isolated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.FunctionOptions;
import dev.memo.MemoStats;
import dev.memo.Memoize;
import dev.memo.core.fakes.FailingStore;
import dev.memo.core.fakes.MapStore;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Counts real calls per named function and checks that the memoizer's totals are their sum. */
final class FunctionStatsTest {
  private final MapStore store = new MapStore();

  static long square(int x) {
    return (long) x * x;
  }

  static long cube(int x) {
    return (long) x * x * x;
  }

  static long negate(int x) {
    return -x;
  }

  private Memo memo(String objectTierEntries) {
    return isolated()
        .store(store)
        .config("memo.object-tier.max-entries", objectTierEntries)
        .build();
  }

  @Test
  void stats_namedFunctions_countTheirOwnCalls() {
    try (Memo memo = memo("10000")) {
      Function<Integer, Long> square = memo.function("square", FunctionStatsTest::square);
      Function<Integer, Long> cube = memo.function("cube", FunctionStatsTest::cube);
      square.apply(2); // miss
      square.apply(2); // object tier hit
      square.apply(3); // miss
      cube.apply(2); // miss

      MemoStats squares = memo.stats("square");
      assertEquals(1, squares.hitCount());
      assertEquals(1, squares.tierHitCount());
      assertEquals(2, squares.missCount());
      assertEquals(2, squares.writeCount());
      assertTrue(squares.bytesWritten() > 0, squares.toString());
      assertTrue(squares.computeNanos() > 0, squares.toString());
      MemoStats cubes = memo.stats("cube");
      assertEquals(0, cubes.hitCount());
      assertEquals(1, cubes.missCount());
      assertEquals(1, cubes.writeCount());
      assertEquals(memo.stats(), squares.plus(cubes));
    }
  }

  @Test
  void stats_storeHit_countsBytesReadForItsFunction() {
    try (Memo first = memo("0")) {
      first.function("square", FunctionStatsTest::square).apply(4);
    }
    try (Memo memo = memo("0")) {
      memo.function("square", FunctionStatsTest::square).apply(4); // read from the store
      MemoStats squares = memo.stats("square");
      assertEquals(1, squares.hitCount());
      assertEquals(0, squares.tierHitCount());
      assertEquals(0, squares.missCount());
      assertTrue(squares.bytesRead() > 0, squares.toString());
      assertEquals(memo.stats(), squares);
    }
  }

  @Test
  void stats_unnamedFunctions_countOnlyInTheTotals() {
    try (Memo memo = memo("10000")) {
      Function<Integer, Long> square = memo.function("square", FunctionStatsTest::square);
      Function<Integer, Long> negate = memo.function(FunctionStatsTest::negate);
      square.apply(2);
      negate.apply(5); // miss
      negate.apply(5); // hit
      negate.apply(6); // miss

      assertEquals(List.of("square"), List.copyOf(memo.functionStats().keySet()));
      MemoStats unnamed = memo.stats().minus(memo.stats("square"));
      assertEquals(1, unnamed.hitCount());
      assertEquals(2, unnamed.missCount());
      assertEquals(MemoStats.empty(), memo.stats(FunctionStatsTest.class.getName() + ".negate"));
    }
  }

  @Test
  void stats_oneNameWrappedTwice_sharesItsCounters() {
    try (Memo memo = memo("10000")) {
      memo.function("square", FunctionStatsTest::square).apply(2);
      memo.function(FunctionOptions.named("square").version("2"), FunctionStatsTest::square)
          .apply(2); // another code version: another key, a miss
      assertEquals(2, memo.stats("square").missCount());
      assertEquals(1, memo.functionStats().size());
    }
  }

  @Test
  void functionStats_inTheOrderNamesWereFirstWrapped() {
    try (Memo memo = memo("10000")) {
      Supplier<Long> answer = memo.supplier("answer", () -> 42L);
      memo.function("square", FunctionStatsTest::square);
      memo.biFunction("sum", (Integer a, Integer b) -> (long) a + b).apply(1, 2);
      memo.function("answer-again", x -> x);
      answer.get();
      memo.supplier("answer", () -> 42L); // already listed

      Map<String, MemoStats> byFunction = memo.functionStats();
      assertEquals(
          List.of("answer", "square", "sum", "answer-again"), List.copyOf(byFunction.keySet()));
      assertEquals(1, byFunction.get("answer").missCount());
      assertEquals(MemoStats.empty(), byFunction.get("square"));
      assertEquals(1, byFunction.get("sum").missCount());
      assertThrows(UnsupportedOperationException.class, () -> byFunction.remove("square"));
    }
  }

  interface Shapes {
    @Memoize(name = "area")
    long area(int side);

    @Memoize
    long perimeter(int side);
  }

  static final class SquareShapes implements Shapes {
    @Override
    public long area(int side) {
      return (long) side * side;
    }

    @Override
    public long perimeter(int side) {
      return 4L * side;
    }
  }

  @Test
  void functionStats_proxyMethodWithAName_listedUnderIt() {
    try (Memo memo = memo("10000")) {
      Shapes shapes = memo.proxy(Shapes.class, new SquareShapes());
      shapes.area(3);
      shapes.area(3);
      shapes.perimeter(3);

      assertEquals(List.of("area"), List.copyOf(memo.functionStats().keySet()));
      assertEquals(1, memo.stats("area").missCount());
      assertEquals(1, memo.stats("area").hitCount());
      assertEquals(2, memo.stats().missCount());
    }
  }

  @Test
  void stats_failedWrite_countsForItsFunction() {
    try (Memo memo =
        isolated().store(new FailingStore()).config("memo.object-tier.max-entries", "0").build()) {
      memo.function("square", FunctionStatsTest::square).apply(2);
      memo.function("cube", FunctionStatsTest::cube).apply(2);
      assertEquals(1, memo.stats("square").storeFailureCount());
      assertEquals(1, memo.stats("cube").storeFailureCount());
      assertEquals(2, memo.stats().storeFailureCount());
    }
  }

  @Test
  void stats_brokenEntry_countsALoadFailureForItsFunction() {
    try (Memo first = memo("0")) {
      first.function("square", FunctionStatsTest::square).apply(4);
    }
    for (String key : store.valueKeys()) {
      byte[] bytes = store.entries.get(key);
      bytes[bytes.length / 2] ^= 1;
    }
    try (Memo memo = memo("0")) {
      assertEquals(16L, memo.function("square", FunctionStatsTest::square).apply(4));
      memo.function("cube", FunctionStatsTest::cube).apply(4);
      assertEquals(1, memo.stats("square").loadFailureCount());
      assertEquals(1, memo.stats("square").missCount());
      assertEquals(0, memo.stats("cube").loadFailureCount());
      assertEquals(1, memo.stats().loadFailureCount());
    }
  }

  @Test
  void stats_memoizationOff_empty() {
    try (Memo memo = isolated().config("memo.enabled", "false").build()) {
      memo.function("square", FunctionStatsTest::square).apply(2);
      assertEquals(MemoStats.empty(), memo.stats("square"));
      assertEquals(Map.of(), memo.functionStats());
    }
  }

  @Test
  void stats_nullName_refused() {
    try (Memo memo = memo("0")) {
      NullPointerException e = assertThrows(NullPointerException.class, () -> memo.stats(null));
      assertEquals("function", e.getMessage());
    }
  }
}
