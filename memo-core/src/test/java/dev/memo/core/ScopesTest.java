package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.FunctionOptions;
import dev.memo.MemoScope;
import dev.memo.NotSigned;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScopesTest {
  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();
  @NotSigned static final IllegalStateException BOOM = new IllegalStateException("boom");

  @TempDir Path dir;

  @BeforeEach
  void reset() {
    CALLS.set(0);
  }

  private Memo memo() {
    return MemoTest.isolated()
        .config("memo.store.directory.path", dir.resolve("main").toString())
        .build();
  }

  private static Function<Integer, Integer> plusOne(Memo memo) {
    return memo.function(
        FunctionOptions.named("plus-one"),
        x -> {
          CALLS.incrementAndGet();
          return x + 1;
        });
  }

  @Test
  void suspend_runsTheFunctionEveryTime_andClosingRestoresMemoization() {
    try (Memo memo = memo()) {
      Function<Integer, Integer> f = plusOne(memo);
      f.apply(1);
      try (MemoScope off = memo.suspend()) {
        f.apply(1);
        f.apply(1);
      }
      assertEquals(3, CALLS.get());
      f.apply(1);
      assertEquals(3, CALLS.get());
    }
  }

  @Test
  void suspend_nests_andIsRestoredAfterAnException() {
    try (Memo memo = memo()) {
      Function<Integer, Integer> f = plusOne(memo);
      f.apply(1);
      try (MemoScope outer = memo.suspend()) {
        assertSame(
            BOOM,
            assertThrows(
                IllegalStateException.class,
                () -> {
                  try (MemoScope inner = memo.suspend()) {
                    throw BOOM;
                  }
                }));
        f.apply(1); // still suspended by the outer scope
        assertEquals(2, CALLS.get());
      }
      f.apply(1);
      assertEquals(2, CALLS.get());
    }
  }

  @Test
  void suspend_inOneThread_doesNotAffectAnother() throws Exception {
    ExecutorService other = Executors.newSingleThreadExecutor();
    try (Memo memo = memo()) {
      Function<Integer, Integer> f = plusOne(memo);
      f.apply(1);
      try (MemoScope off = memo.suspend()) {
        other.submit(() -> f.apply(1)).get();
        assertEquals(1, CALLS.get(), "the other thread's call was a hit");
        f.apply(1);
        assertEquals(2, CALLS.get());
      }
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void closingOutOfOrder_isAnError() {
    try (Memo memo = memo()) {
      MemoScope outer = memo.suspend();
      MemoScope inner = memo.suspend();
      var e = assertThrows(IllegalStateException.class, outer::close);
      assertEquals(
          "a memo scope was closed while a scope opened inside it is still open; close"
              + " scopes in the reverse order of opening, as try-with-resources does",
          e.getMessage());
      inner.close();
      outer.close();
      outer.close(); // closing twice does nothing
    }
  }

  @Test
  void closingFromAnotherThread_isAnError() throws Exception {
    ExecutorService other = Executors.newSingleThreadExecutor();
    try (Memo memo = memo();
        MemoScope off = memo.suspend()) {
      Throwable t =
          other
              .submit(
                  () -> {
                    try {
                      off.close();
                      return null;
                    } catch (IllegalStateException e) {
                      return e;
                    }
                  })
              .get();
      assertTrue(
          t.getMessage()
              .startsWith(
                  "a memo scope must be closed by the thread that opened it ("
                      + Thread.currentThread().getName()
                      + "), not by "),
          t.getMessage());
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void storingIn_entriesWrittenInsideAreFoundInsideAndNotOutside() throws IOException {
    Path temporary = dir.resolve("temporary");
    try (Memo memo = memo()) {
      Function<Integer, Integer> f = plusOne(memo);
      try (MemoScope s = memo.storingIn(temporary)) {
        f.apply(1);
        f.apply(1);
      }
      assertEquals(1, CALLS.get());
      assertTrue(entryFiles(temporary) > 0, "written in the temporary folder");
      f.apply(1);
      assertEquals(2, CALLS.get(), "not found outside");
      try (MemoScope again = memo.storingIn(temporary)) {
        f.apply(1);
      }
      assertEquals(2, CALLS.get(), "found inside again");
    }
    try (Memo next = memo();
        MemoScope s = next.storingIn(temporary)) {
      plusOne(next).apply(1);
      assertEquals(2, CALLS.get(), "and by the next run");
    }
  }

  @Test
  void storingIn_nests_andIsRestoredAfterAnException() {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    try (Memo memo = memo()) {
      Function<Integer, Integer> f = plusOne(memo);
      try (MemoScope outer = memo.storingIn(a)) {
        f.apply(1);
        assertThrows(
            IllegalStateException.class,
            () -> {
              try (MemoScope inner = memo.storingIn(b)) {
                f.apply(1);
                assertEquals(2, CALLS.get(), "the inner folder does not have it");
                throw BOOM;
              }
            });
        f.apply(1);
        assertEquals(2, CALLS.get(), "back in the outer folder, which has it");
      }
      f.apply(1);
      assertEquals(3, CALLS.get(), "the main store does not have it");
      try (MemoScope inner = memo.storingIn(b)) {
        f.apply(1);
        assertEquals(3, CALLS.get(), "the inner folder kept its entry");
      }
    }
  }

  @Test
  void storingIn_inOneThread_doesNotAffectAnother() throws Exception {
    ExecutorService other = Executors.newSingleThreadExecutor();
    try (Memo memo = memo()) {
      Function<Integer, Integer> f = plusOne(memo);
      f.apply(1);
      try (MemoScope s = memo.storingIn(dir.resolve("elsewhere"))) {
        other.submit(() -> f.apply(1)).get();
        assertEquals(1, CALLS.get(), "the other thread reads the main store");
      }
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void memoizationOffForTheRun_functionsRunAndScopesStillNest() {
    try (Memo memo = MemoTest.isolated().config("memo.enabled", "false").build()) {
      Function<Integer, Integer> f = plusOne(memo);
      try (MemoScope off = memo.suspend();
          MemoScope s = memo.storingIn(dir.resolve("x"))) {
        f.apply(1);
      }
      f.apply(1);
      assertEquals(2, CALLS.get());
    }
  }

  private static long entryFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).count();
    }
  }
}
