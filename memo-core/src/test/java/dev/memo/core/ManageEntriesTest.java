package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoStats;
import dev.memo.NotSigned;
import dev.memo.StoreException;
import dev.memo.core.fakes.MapStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ManageEntriesTest {
  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();

  @TempDir Path tempDir;

  @BeforeEach
  void reset() {
    CALLS.set(0);
  }

  private Memo memo() {
    // The object tier off: these tests are about entries in the store (ObjectTierTest covers it).
    return MemoTest.isolated()
        .config("memo.object-tier.max-entries", "0")
        .config("memo.store.directory.path", store().toString())
        .build();
  }

  private Path store() {
    return tempDir.resolve("store");
  }

  private static Function<Integer, Integer> plusOne(Memo memo) {
    return memo.function(
        "plus-one",
        x -> {
          CALLS.incrementAndGet();
          return x + 1;
        });
  }

  @Test
  void contains_beforeAndAfterACall_neitherComputesNorCounts() {
    try (Memo memo = memo()) {
      Function<Integer, Integer> f = plusOne(memo);
      assertFalse(memo.contains(f, 1));
      f.apply(1);
      assertTrue(memo.contains(f, 1));
      assertFalse(memo.contains(f, 2));
      assertEquals(1, CALLS.get());
      MemoStats s = memo.stats();
      assertEquals(0, s.hitCount());
      assertEquals(1, s.missCount());
    }
  }

  @Test
  void contains_inANewMemoizer_seesTheStoredEntry() {
    try (Memo memo = memo()) {
      plusOne(memo).apply(5);
    }
    try (Memo memo = memo()) {
      assertTrue(memo.contains(plusOne(memo), 5));
    }
  }

  @Test
  void contains_brokenEntry_isFalseAndQuarantinesIt() throws IOException {
    try (Memo memo = memo()) {
      Function<Integer, Integer> f = plusOne(memo);
      f.apply(1);
      MemoTest.published(memo);
      Path entry = entryFiles("plus-one").get(0);
      byte[] bytes = Files.readAllBytes(entry);
      Files.write(entry, java.util.Arrays.copyOf(bytes, bytes.length - 3));
      assertFalse(memo.contains(f, 1));
      assertEquals(1, memo.stats().loadFailureCount());
      assertEquals(List.of(), entryFiles("plus-one"));
      assertTrue(Files.isDirectory(store().resolve(".quarantine")));
      assertEquals(2, f.apply(1));
      assertEquals(2, CALLS.get());
    }
  }

  @Test
  void invalidate_removesThatCallOnly_andTheNextCallComputesAgain() {
    try (Memo memo = memo()) {
      Function<Integer, Integer> f = plusOne(memo);
      f.apply(1);
      f.apply(2);
      assertTrue(memo.invalidate(f, 1));
      assertFalse(memo.invalidate(f, 1));
      assertFalse(memo.contains(f, 1));
      assertTrue(memo.contains(f, 2));
      assertEquals(2, f.apply(1));
      assertEquals(3, f.apply(2));
      assertEquals(3, CALLS.get());
    }
  }

  @Test
  void invalidate_supplierAndBiFunction_signLikeTheirCalls() {
    try (Memo memo = memo()) {
      Supplier<Integer> s =
          memo.supplier(
              "answer",
              () -> {
                CALLS.incrementAndGet();
                return 42;
              });
      BiFunction<Integer, Integer, Integer> add =
          memo.biFunction(
              "add",
              (a, b) -> {
                CALLS.incrementAndGet();
                return a + b;
              });
      s.get();
      add.apply(1, 2);
      assertTrue(memo.contains(s));
      assertTrue(memo.contains(add, 1, 2));
      assertFalse(memo.contains(add, 2, 1));
      assertTrue(memo.invalidate(s));
      assertTrue(memo.invalidate(add, 1, 2));
      assertFalse(memo.contains(s));
      assertFalse(memo.contains(add, 1, 2));
    }
  }

  @Test
  void clear_removesEveryEntryOfTheFunctionOnly_andReturnsHowMany() throws IOException {
    try (Memo memo = memo()) {
      Function<Integer, Integer> f = plusOne(memo);
      Function<Integer, Integer> g = memo.function("times-two", x -> x * 2);
      for (int i = 0; i < 5; i++) {
        f.apply(i);
      }
      g.apply(1);
      assertEquals(5, memo.clear(f));
      assertEquals(List.of(), entryFiles("plus-one"));
      assertTrue(memo.contains(g, 1));
      assertEquals(0, memo.clear(f));
      // The record of the latest entry went with them.
      assertEquals(
          "miss of \"plus-one\": no earlier entry of \"plus-one\" to compare with",
          memo.explain(f, 9).toString());
      f.apply(0);
      assertEquals(6, CALLS.get());
    }
  }

  @Test
  void clear_entriesOfAnEarlierVersion_areRemovedToo() {
    try (Memo memo = memo()) {
      memo.function(dev.memo.FunctionOptions.named("v").version("1"), (Integer x) -> x).apply(1);
      Function<Integer, Integer> v2 =
          memo.function(dev.memo.FunctionOptions.named("v").version("2"), (Integer x) -> x);
      v2.apply(1);
      assertEquals(2, memo.clear(v2));
    }
  }

  @Test
  void clear_storeThatCannotList_throwsStoreExceptionSayingWhy() {
    MapStore store = new MapStore();
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      Function<Integer, Integer> f = plusOne(memo);
      StoreException e = assertThrows(StoreException.class, () -> memo.clear(f));
      assertEquals(
          "clearing \"plus-one\" needs a store that can list its entries, but the map"
              + " store does not declare Store.Capability.LISTING; use a store that does, such as"
              + " directory, chronicle or memory, or implement Store.namespaces() and"
              + " Store.forEachEntry() in the map store and add LISTING to its Store.capabilities()",
          e.getMessage());
    }
  }

  @Test
  void operations_onAFunctionOfAnotherMemoizer_throwIllegalArgumentException() {
    try (Memo memo = memo();
        Memo other = memo()) {
      Function<Integer, Integer> f = plusOne(other);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> memo.contains(f, 1));
      assertEquals(
          "contains takes a function returned by this memoizer's function, supplier,"
              + " biFunction or triFunction, not memoized plus-one",
          e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> memo.clear("plus-one"));
      assertEquals(
          "clear takes a function returned by this memoizer's function, supplier,"
              + " biFunction or triFunction, not plus-one",
          e.getMessage());
    }
  }

  @Test
  void invalidate_wrongNumberOfArguments_throwsIllegalArgumentException() {
    try (Memo memo = memo()) {
      Function<Integer, Integer> f = plusOne(memo);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> memo.invalidate(f, 1, 2));
      assertEquals("\"plus-one\" takes 1 argument but invalidate was given 2", e.getMessage());
    }
  }

  @Test
  void operations_afterClose_throwStoreException() {
    Memo memo = memo();
    Function<Integer, Integer> f = plusOne(memo);
    memo.close();
    StoreException e = assertThrows(StoreException.class, () -> memo.contains(f, 1));
    assertEquals("this memoizer is closed; create a new one with Memo.create()", e.getMessage());
    assertThrows(StoreException.class, () -> memo.invalidate(f, 1));
    assertThrows(StoreException.class, () -> memo.clear(f));
  }

  @Test
  void operations_whenDisabled_findAndRemoveNothing() {
    try (Memo memo = MemoTest.isolated().config("memo.enabled", "false").build()) {
      Function<Integer, Integer> f = plusOne(memo);
      f.apply(1);
      assertFalse(memo.contains(f, 1));
      assertFalse(memo.invalidate(f, 1));
      assertEquals(0, memo.clear(f));
    }
  }

  private List<Path> entryFiles(String function) throws IOException {
    try (Stream<Path> files = Files.walk(store())) {
      return files
          .filter(p -> p.toString().endsWith(".entry"))
          .filter(p -> !p.toString().contains(".quarantine"))
          .filter(
              p -> p.getParent().getParent().getFileName().toString().startsWith(function + "-"))
          .collect(Collectors.toList());
    }
  }
}
