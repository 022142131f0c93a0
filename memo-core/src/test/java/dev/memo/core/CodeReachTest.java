package dev.memo.core;

import static dev.memo.core.fakes.TestCompiler.call;
import static dev.memo.core.fakes.TestCompiler.compile;
import static dev.memo.core.fakes.TestCompiler.loader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memo.Explanation;
import dev.memo.FunctionOptions;
import dev.memo.MemoFunction;
import dev.memo.SignatureException;
import dev.memo.core.fakes.LogCapture;
import dev.memo.core.fakes.MapStore;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the code part cannot follow and the ways around it: classes added by hand for code found by
 * reflection, and the warning for a function that changes a static field it reads.
 */
class CodeReachTest {
  @TempDir Path tmp;
  private final MapStore store = new MapStore();
  private int versions;

  private ClassLoader load(String... sources) {
    return loader(compile(tmp.resolve("v" + ++versions), List.of(), List.of(), sources));
  }

  private static final String REFLECTIVE =
      """
      package t;

      import dev.memo.MemoFunction;

      public class Work {
        public static MemoFunction<Integer, Object> function() {
          return Work::compute;
        }

        static Object compute(Integer n) {
          try {
            Object v = Class.forName("t.Plugin").getDeclaredMethod("value").invoke(null);
            return (Integer) v + n;
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      """;

  private static final String PLUGIN =
      """
      package t;

      public class Plugin {
        public static int value() {
          return %d;
        }
      }
      """;

  private static final String UNRELATED =
      """
      package t;

      public class Unrelated {
        public static int value() {
          return %d;
        }
      }
      """;

  private Object run(ClassLoader l, boolean expectHit) throws Exception {
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      MemoFunction<Integer, Object> f = call(l, "t.Work", "function");
      Function<Integer, Object> m =
          memo.function(FunctionOptions.named("work").includeCode(l.loadClass("t.Plugin")), f);
      Object result = m.apply(3);
      assertEquals(expectHit ? 1 : 0, memo.stats().hitCount());
      return result;
    }
  }

  @Test
  void apply_afterClassAddedByHandChanged_recomputes_andAfterAnotherClassChanged_reuses()
      throws Exception {
    assertEquals(4, run(load(REFLECTIVE, PLUGIN.formatted(1), UNRELATED.formatted(1)), false));
    ClassLoader changed = load(REFLECTIVE, PLUGIN.formatted(2), UNRELATED.formatted(1));
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      MemoFunction<Integer, Object> f = call(changed, "t.Work", "function");
      Explanation e =
          memo.explain(
              memo.function(
                  FunctionOptions.named("work").includeCode(changed.loadClass("t.Plugin")), f),
              3);
      assertEquals(List.of("t.Plugin.value()"), e.changedCode());
    }
    assertEquals(5, run(changed, false));
    assertEquals(5, run(load(REFLECTIVE, PLUGIN.formatted(2), UNRELATED.formatted(9)), true));
  }

  private static final String COUNTING =
      """
      package t;

      import dev.memo.MemoFunction;

      public class Work {
        %s static int calls;

        public static MemoFunction<Integer, Object> function() {
          return Work::compute;
        }

        static Object compute(Integer n) {
          calls++;
          return n + 1;
        }
      }
      """;

  @Test
  void apply_ofAFunctionIncrementingAStaticFieldItReads_warnsOnceNamingTheField() {
    ClassLoader l = load(COUNTING.formatted(""));
    try (LogCapture log = new LogCapture();
        Memo memo = MemoTest.isolated().store(store).build()) {
      MemoFunction<Integer, Object> f = call(l, "t.Work", "function");
      Function<Integer, Object> m = memo.function("counting", f);
      for (int i = 0; i < 6; i++) {
        assertEquals(4, m.apply(3));
      }
      assertEquals(6, memo.stats().missCount());
      List<String> warnings =
          log.records.stream()
              .filter(r -> r.level() == Level.WARNING)
              .map(LogCapture.Entry::message)
              .toList();
      assertEquals(
          List.of(
              "static field t.Work.calls changed during each of the last 3"
                  + " computations of \"counting\": the function assigns it, and since its value is"
                  + " signed, every call misses; if its value cannot change the result, mark the field"
                  + " @dev.memo.NotSigned (or list t.Work.calls in memo.code.ignore-fields)"),
          warnings);
    }
  }

  @Test
  void apply_ofAFunctionIncrementingAFieldMarkedNotSigned_hitsWithoutWarning() {
    ClassLoader l = load(COUNTING.formatted("@dev.memo.NotSigned"));
    try (LogCapture log = new LogCapture();
        Memo memo = MemoTest.isolated().store(store).build()) {
      MemoFunction<Integer, Object> f = call(l, "t.Work", "function");
      Function<Integer, Object> m = memo.function("counting", f);
      for (int i = 0; i < 6; i++) {
        assertEquals(4, m.apply(3));
      }
      assertEquals(1, memo.stats().missCount());
      assertEquals(0, log.count(Level.WARNING));
    }
  }

  private static final String NON_FINAL_LAMBDA =
      """
      package t;

      import dev.memo.MemoFunction;
      import java.util.function.IntUnaryOperator;

      public class Work {
        static IntUnaryOperator op = v -> v * 2;

        public static MemoFunction<Integer, Object> function() {
          return Work::compute;
        }

        static Object compute(Integer n) {
          return op.applyAsInt(n);
        }
      }
      """;

  @Test
  void function_readingANonFinalStaticFieldHoldingALambda_isStillAnError() {
    ClassLoader l = load(NON_FINAL_LAMBDA);
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      MemoFunction<Integer, Object> f = call(l, "t.Work", "function");
      var e = assertThrows(SignatureException.class, () -> memo.function("work", f));
      assertEquals(
          true,
          e.getMessage()
              .startsWith(
                  "cannot sign static field t.Work.op read by"
                      + " \"work\": the value has type t.Work$$Lambda"),
          e.getMessage());
    }
  }

  private static final String TWO_FUNCTIONS =
      """
      package t;

      import dev.memo.MemoFunction;

      public class Work {
        public static MemoFunction<Integer, Object> first() {
          return Work::one;
        }

        public static MemoFunction<Integer, Object> second() {
          return Work::two;
        }

        static Object one(Integer n) {
          return Helper.value() + n;
        }

        static Object two(Integer n) {
          return Helper.value() + "/" + n;
        }
      }
      """;

  private static final String HELPER =
      """
      package t;

      final class Helper {
        static String value() {
          return "%s";
        }
      }
      """;

  @Test
  void apply_afterAClassFileChangedSinceMemoReadIt_computesWithoutStoringAndNamesTheClass()
      throws Exception {
    Path dir =
        compile(tmp.resolve("run"), List.of(), List.of(), TWO_FUNCTIONS, HELPER.formatted("old"));
    Path rebuilt =
        compile(
            tmp.resolve("rebuilt"), List.of(), List.of(), TWO_FUNCTIONS, HELPER.formatted("new"));
    ClassLoader l = loader(dir);
    try (LogCapture log = new LogCapture();
        Memo memo = MemoTest.isolated().store(store).build()) {
      MemoFunction<Integer, Object> first = call(l, "t.Work", "first");
      assertEquals("old3", memo.function("first", first).apply(3)); // loads Helper
      int stored = store.valueKeys().size(); // records are written behind the calls
      java.nio.file.Files.copy(
          rebuilt.resolve("t/Helper.class"),
          dir.resolve("t/Helper.class"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      java.nio.file.Files.setLastModifiedTime(
          dir.resolve("t/Helper.class"),
          java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
      MemoFunction<Integer, Object> second = call(l, "t.Work", "second");
      Function<Integer, Object> m = memo.function("second", second);
      // The loader runs the Helper it loaded, whatever the file now says: not stored.
      assertEquals("old/3", m.apply(3));
      assertEquals("old/3", m.apply(3));
      assertEquals(stored, store.valueKeys().size());
      assertEquals(
          List.of(
              "the class file of t.Helper, which t.Work.two reaches, changed after"
                  + " this JVM may have loaded it, so the code that runs may not be the code on disk;"
                  + " its results are computed and not stored until the JVM is restarted"),
          log.records.stream()
              .filter(r -> r.level() == Level.WARNING)
              .map(LogCapture.Entry::message)
              .toList());
    }
  }
}
