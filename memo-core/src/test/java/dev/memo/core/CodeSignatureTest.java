package dev.memo.core;

import static dev.memo.core.fakes.TestCompiler.call;
import static dev.memo.core.fakes.TestCompiler.compile;
import static dev.memo.core.fakes.TestCompiler.jar;
import static dev.memo.core.fakes.TestCompiler.loader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.Explanation;
import dev.memo.FunctionOptions;
import dev.memo.MemoFunction;
import dev.memo.SignatureException;
import dev.memo.core.fakes.MapStore;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code and environment parts of a signature, on classes compiled at test time: each test
 * compiles two versions of a source, loads each in a fresh class loader, memoizes both against one
 * store and checks that the second reuses or recomputes, and that {@code explain} says so and names
 * what changed.
 */
class CodeSignatureTest {
  @TempDir Path tmp;

  /** Holds the baseline, CALC and UTIL compiled once for all tests: compiling is the slow part. */
  @TempDir static Path shared;

  private static Path baseline;
  private final MapStore store = new MapStore();
  private int versions;

  private static final String CALC =
      """
      package app;

      import dev.memo.MemoFunction;

      public class Calc {
        public static MemoFunction<Integer, Integer> function() {
          return Calc::compute;
        }

        static Integer compute(Integer x) {
          int doubled = helper(x);
          return doubled + Util.offset() + java.util.stream.IntStream.range(0, x).map(i -> i * 2).sum();
        }

        private static int helper(int x) {
          return x * 2;
        }

        static int unreached() {
          return 7;
        }
      }
      """;

  private static final String UTIL =
      """
      package app;

      final class Util {
        static int offset() {
          return 100;
        }
      }
      """;

  /** What happened when version two was called after version one. */
  private record Outcome(boolean reused, Explanation explanation, Object first, Object second) {}

  private Path classes(List<String> options, List<Path> classPath, String... sources) {
    return compile(tmp.resolve("v" + ++versions), options, classPath, sources);
  }

  private static synchronized Path baseline() {
    if (baseline == null) {
      baseline = compile(shared.resolve("baseline"), List.of(), List.of(), CALC, UTIL);
    }
    return baseline;
  }

  /** Calls the baseline, then explains and calls a changed version. */
  private Outcome changeBaseline(String[] v2) {
    return change(loader(baseline()), loader(classes(List.of(), List.of(), v2)));
  }

  private Outcome change(String[] v1, String[] v2) {
    return change(
        loader(classes(List.of(), List.of(), v1)), loader(classes(List.of(), List.of(), v2)));
  }

  /** Calls version one, then explains and calls version two, with the same argument. */
  private Outcome change(ClassLoader v1, ClassLoader v2) {
    Object first;
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      first = memoized(memo, v1).apply(3);
      assertEquals(1, memo.stats().missCount());
    }
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      Function<Integer, Integer> f = memoized(memo, v2);
      Explanation explanation = memo.explain(f, 3);
      Object second = f.apply(3);
      boolean reused = memo.stats().hitCount() == 1;
      assertEquals(reused, explanation.isHit(), explanation.toString());
      return new Outcome(reused, explanation, first, second);
    }
  }

  private static Function<Integer, Integer> memoized(Memo memo, ClassLoader loader) {
    MemoFunction<Integer, Integer> f = call(loader, "app.Calc", "function");
    return memo.function(FunctionOptions.named("calc"), f);
  }

  private static String[] calc(String from, String to) {
    assertTrue(CALC.contains(from), from);
    return new String[] {CALC.replace(from, to), UTIL};
  }

  private static void assertRecomputed(Outcome o, String changedCode) {
    assertFalse(o.reused(), o.explanation().toString());
    assertEquals(List.of(changedCode), o.explanation().changedCode(), o.explanation().toString());
    assertEquals(List.of(), o.explanation().changedEnvironment());
    assertEquals(List.of(), o.explanation().changedArguments());
  }

  // ------------------------------------------------------------ recomputes after a change of

  @Test
  void apply_afterBodyChanged_recomputes() {
    Outcome o = changeBaseline(calc("doubled + Util", "doubled - Util"));
    assertRecomputed(o, "app.Calc.compute(java.lang.Integer)");
    assertEquals(112, o.first());
    assertEquals(-88, o.second());
  }

  @Test
  void apply_afterPrivateHelperChanged_recomputes() {
    Outcome o = changeBaseline(calc("return x * 2;", "return x * 3;"));
    assertRecomputed(o, "app.Calc.helper(int)");
    assertEquals(115, o.second());
    assertEquals(
        "miss of \"calc\": code differs in app.Calc.helper(int); compared with the most"
            + " recent entry of \"calc\"",
        o.explanation().toString());
  }

  @Test
  void apply_afterHelperInAnotherClassChanged_recomputes() {
    Outcome o = changeBaseline(new String[] {CALC, UTIL.replace("100", "200")});
    assertRecomputed(o, "app.Util.offset()");
    assertEquals(212, o.second());
  }

  @Test
  void apply_afterConstantReturnedByACalledMethodChanged_recomputes() {
    String constant = CALC.replace("return x * 2;", "return x * factor();");
    String[] v1 = {
      constant.replace(
          "static int unreached()",
          "static int factor() {\n    return 2;\n  }\n\n  static int unreached()"),
      UTIL
    };
    String[] v2 = {v1[0].replace("return 2;", "return 5;"), UTIL};
    Outcome o = change(v1, v2);
    assertRecomputed(o, "app.Calc.factor()");
    assertEquals(121, o.second());
  }

  @Test
  void apply_afterLambdaInsideTheFunctionChanged_recomputes() {
    Outcome o = changeBaseline(calc("i -> i * 2", "i -> i * 3"));
    assertRecomputed(o, "app.Calc.lambda$compute$0(int)");
    assertEquals(115, o.second());
  }

  private static final String SHAPES =
      """
      package app;

      import dev.memo.MemoFunction;

      public class Calc {
        public static MemoFunction<Integer, Integer> function() {
          return Calc::compute;
        }

        static Integer compute(Integer x) {
          Shape s = x > 2 ? new Square() : new Circle();
          return s.area(x);
        }
      }

      interface Shape {
        int area(int x);
      }

      final class Square implements Shape {
        public int area(int x) {
          return x * x;
        }
      }

      final class Circle implements Shape {
        public int area(int x) {
          return 3 * x * x;
        }
      }
      """;

  @Test
  void apply_afterAnImplementationOfACalledInterfaceMethodChanged_recomputes() {
    // Only one class per source file may be public; the others go to their own files here.
    Outcome o = change(split(SHAPES), split(SHAPES.replace("return x * x;", "return x * x + 1;")));
    assertRecomputed(o, "app.Square.area(int)");
    assertEquals(10, o.second());
  }

  @Test
  void apply_afterAnotherImplementationOfACalledInterfaceMethodChanged_recomputesToo() {
    // The receiver is a Square at this call, but memo cannot know that when it wraps: it signs
    // every implementation it can see.
    Outcome o = change(split(SHAPES), split(SHAPES.replace("3 * x * x", "4 * x * x")));
    assertRecomputed(o, "app.Circle.area(int)");
    assertEquals(9, o.second());
  }

  /** Splits a source with several top-level types into one source per type. */
  private static String[] split(String source) {
    String header = "package app;\n\nimport dev.memo.MemoFunction;\n\n";
    String body = source.substring(source.indexOf("public class"));
    String[] parts = body.split("\n(?=(?:public |final )?(?:class|interface) )");
    String[] out = new String[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = header + parts[i];
    }
    return out;
  }

  private static final String LIB =
      """
      package lib;

      public final class Scale {
        public static int factor() {
          return %d;
        }
      }
      """;

  @Test
  void apply_afterLibraryJarChanged_recomputes() {
    Path lib1 =
        jar(
            tmp.resolve("lib1/lib.jar"),
            compile(tmp.resolve("lib1/classes"), List.of(), List.of(), LIB.formatted(2)));
    Path lib2 =
        jar(
            tmp.resolve("lib2/lib.jar"),
            compile(tmp.resolve("lib2/classes"), List.of(), List.of(), LIB.formatted(3)));
    Path app =
        classes(
            List.of(),
            List.of(lib1),
            CALC.replace("return x * 2;", "return x * lib.Scale.factor();"),
            UTIL);
    Outcome o = change(loader(app, lib1), loader(app, lib2));
    assertRecomputed(o, "jar lib.jar");
    assertEquals(115, o.second());
  }

  @Test
  void apply_sameLibraryJarInAnotherPlace_reuses() {
    Path classes = compile(tmp.resolve("lib/classes"), List.of(), List.of(), LIB.formatted(2));
    Path lib1 = jar(tmp.resolve("a/lib.jar"), classes);
    Path lib2 = jar(tmp.resolve("b/lib-copy.jar"), classes);
    Path app =
        classes(
            List.of(),
            List.of(lib1),
            CALC.replace("return x * 2;", "return x * lib.Scale.factor();"),
            UTIL);
    assertTrue(change(loader(app, lib1), loader(app, lib2)).reused());
  }

  @Test
  void apply_ignoringCode_reusesAfterBodyChangedUntilTheVersionChanges() {
    FunctionOptions ignoring = FunctionOptions.named("calc").ignoreCode();
    ClassLoader v1 = loader(baseline());
    String[] changed = calc("doubled + Util", "doubled - Util");
    ClassLoader v2 = loader(classes(List.of(), List.of(), changed));
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      assertEquals(112, memo.function(ignoring, call(v1, "app.Calc", "function")).apply(3));
      Function<Integer, Integer> stale = memo.function(ignoring, call(v2, "app.Calc", "function"));
      assertEquals(112, stale.apply(3), "the result of the old code, as asked");
      Function<Integer, Integer> f =
          memo.function(ignoring.version("2"), call(v2, "app.Calc", "function"));
      assertEquals(
          List.of("version \"\" (code ignored)", "version \"2\" (code ignored)"),
          memo.explain(f, 3).changedCode());
      assertEquals(-88, f.apply(3));
    }
  }

  private static final String INCLUDED =
      """
      package lib;

      public final class Scale {
        public static int factor() {
          return 2;
        }

        public static int unused() {
          return %d;
        }
      }
      """;

  @Test
  void apply_afterUnreachedMethodInIncludedJarChanged_reuses() {
    Path lib1 =
        jar(
            tmp.resolve("lib1/lib.jar"),
            compile(tmp.resolve("lib1/classes"), List.of(), List.of(), INCLUDED.formatted(1)));
    Path lib2 =
        jar(
            tmp.resolve("lib2/lib.jar"),
            compile(tmp.resolve("lib2/classes"), List.of(), List.of(), INCLUDED.formatted(2)));
    Path app =
        classes(
            List.of(),
            List.of(lib1),
            CALC.replace("return x * 2;", "return x * lib.Scale.factor();"),
            UTIL);
    Object first;
    try (Memo memo = MemoTest.isolated().store(store).config("memo.code.include", "lib").build()) {
      first = memoized(memo, loader(app, lib1)).apply(3);
    }
    try (Memo memo =
        MemoTest.isolated().store(store).config("memo.code.include", "l*.jar").build()) {
      assertEquals(first, memoized(memo, loader(app, lib2)).apply(3));
      assertEquals(1, memo.stats().hitCount(), "only lib.Scale.factor() counts, not the jar");
    }
  }

  // ------------------------------------------------------------ reuses after

  @Test
  void apply_afterBlankLinesAndCommentsAdded_reuses() {
    Outcome o =
        changeBaseline(
            calc(
                "    int doubled = helper(x);",
                "\n\n    // Twice x, by the helper.\n    /* block\n comment */\n    int doubled = helper(x);\n"));
    assertTrue(o.reused(), o.explanation().toString());
    assertEquals(Explanation.hit("calc"), o.explanation());
  }

  @Test
  void apply_afterLocalVariableRenamed_reuses() {
    String[] v2 =
        calc(
            "int doubled = helper(x);\n    return doubled",
            "int twice = helper(x);\n    return twice");
    assertTrue(changeBaseline(v2).reused());
  }

  @Test
  void apply_compiledWithDebugInformationThenWithout_reuses() {
    ClassLoader v1 = loader(classes(List.of("-g"), List.of(), CALC, UTIL));
    ClassLoader v2 = loader(classes(List.of("-g:none"), List.of(), CALC, UTIL));
    assertTrue(change(v1, v2).reused());
  }

  @Test
  void apply_afterUnrelatedMethodWithALambdaAddedFirst_reuses() {
    // The new lambda takes the compiler's number 0, so compute's lambda becomes lambda$compute$1.
    String[] v2 =
        calc(
            "  public static MemoFunction<Integer, Integer> function() {",
            "  static Runnable unrelated() {\n    return () -> System.out.println(\"hi\");\n  }\n\n"
                + "  public static MemoFunction<Integer, Integer> function() {");
    assertTrue(changeBaseline(v2).reused());
  }

  @Test
  void apply_afterMethodsReordered_reuses() {
    String helper = "  private static int helper(int x) {\n    return x * 2;\n  }\n\n";
    String reordered =
        CALC.replace(helper, "")
            .replace("  public static MemoFunction", helper + "  public static MemoFunction");
    assertTrue(changeBaseline(new String[] {reordered, UTIL}).reused());
  }

  @Test
  void apply_afterUnreachedMethodChanged_reuses() {
    assertTrue(changeBaseline(calc("return 7;", "return 8;")).reused());
  }

  // ------------------------------------------------------------ environment

  private static final String FIELDS =
      """
      package app;

      import dev.memo.MemoFunction;
      import java.util.ArrayList;
      import java.util.List;

      public class Calc {
        public static int offset = 1;
        public static final List<Integer> WEIGHTS = new ArrayList<>(List.of(1, 2, 3));

        public static MemoFunction<Integer, Integer> function() {
          return Calc::compute;
        }

        public static MemoFunction<Integer, Integer> adding(int k) {
          return x -> compute(x) + k;
        }

        static Integer compute(Integer x) {
          int sum = offset;
          for (int w : WEIGHTS) {
            sum += w * x;
          }
          return sum;
        }
      }
      """;

  @Test
  void apply_afterStaticFieldChanged_recomputes() throws Exception {
    ClassLoader l = loader(classes(List.of(), List.of(), FIELDS));
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      Function<Integer, Integer> f = memoized(memo, l);
      assertEquals(19, f.apply(3));
      assertEquals(19, f.apply(3));
      l.loadClass("app.Calc").getField("offset").setInt(null, 2);
      Explanation e = memo.explain(f, 3);
      assertEquals(List.of("static field app.Calc.offset"), e.changedEnvironment());
      assertEquals(List.of(), e.changedCode());
      assertEquals(20, f.apply(3));
      assertEquals(2, memo.stats().missCount());
    }
  }

  @Test
  void apply_afterElementOfStaticCollectionChanged_recomputes() throws Exception {
    ClassLoader l = loader(classes(List.of(), List.of(), FIELDS));
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      Function<Integer, Integer> f = memoized(memo, l);
      assertEquals(19, f.apply(3));
      @SuppressWarnings("unchecked")
      List<Integer> weights = (List<Integer>) l.loadClass("app.Calc").getField("WEIGHTS").get(null);
      weights.set(1, 5);
      Explanation e = memo.explain(f, 3);
      assertEquals(List.of("static field app.Calc.WEIGHTS"), e.changedEnvironment());
      assertEquals(28, f.apply(3));
      assertEquals(2, memo.stats().missCount());
    }
  }

  @Test
  void apply_afterCapturedVariableChanged_recomputes() {
    ClassLoader l = loader(classes(List.of(), List.of(), FIELDS));
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      MemoFunction<Integer, Integer> plus1 = call(l, "app.Calc", "adding", 1);
      MemoFunction<Integer, Integer> plus2 = call(l, "app.Calc", "adding", 2);
      assertEquals(20, memo.function("adding", plus1).apply(3));
      Function<Integer, Integer> f = memo.function("adding", plus2);
      Explanation e = memo.explain(f, 3);
      assertEquals(List.of("captured variable 0"), e.changedEnvironment());
      assertEquals(21, f.apply(3));
      assertEquals(2, memo.stats().missCount());
    }
  }

  private static final String LOCKED =
      """
      package app;

      import dev.memo.MemoFunction;

      public class Calc {
        // Not final: a static final value memo cannot sign is covered by its initializer's code.
        %s static Object LOCK = new Object();
        static final System.Logger LOG = System.getLogger("app");

        public static MemoFunction<Integer, Integer> function() {
          return Calc::compute;
        }

        static Integer compute(Integer x) {
          LOG.log(System.Logger.Level.DEBUG, "computing");
          synchronized (LOCK) {
            return x + 1;
          }
        }
      }
      """;

  @Test
  void function_readingAStaticFieldMemoCannotSign_isAnErrorNamingTheField() {
    ClassLoader l = loader(classes(List.of(), List.of(), LOCKED.formatted("")));
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      var e = assertThrows(SignatureException.class, () -> memoized(memo, l));
      assertEquals(
          "cannot sign static field app.Calc.LOCK read by \"calc\": the value has type"
              + " java.lang.Object, which memo cannot sign; make it a record or implement"
              + " dev.memo.Signable, register a dev.memo.spi.TypeSigner for it, or mark the field"
              + " @dev.memo.NotSigned (or list app.Calc.LOCK in memo.code.ignore-fields) if its value"
              + " cannot change the result",
          e.getMessage());
    }
  }

  @Test
  void function_readingAFieldMarkedNotSignedOrALogger_isSigned() {
    ClassLoader l = loader(classes(List.of(), List.of(), LOCKED.formatted("@dev.memo.NotSigned")));
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      Function<Integer, Integer> f = memoized(memo, l);
      assertEquals(4, f.apply(3));
      assertEquals(4, f.apply(3));
      assertEquals(1, memo.stats().hitCount());
    }
  }

  @Test
  void function_readingAFieldListedInIgnoreFields_isSigned() {
    ClassLoader l = loader(classes(List.of(), List.of(), LOCKED.formatted("")));
    try (Memo memo =
        MemoTest.isolated()
            .store(store)
            .config("memo.code.ignore-fields", "app.Other.X, app.Calc.LOCK")
            .build()) {
      assertEquals(4, memoized(memo, l).apply(3));
    }
  }

  @Test
  void function_reachingADamagedClassFile_isAnErrorNamingIt() throws Exception {
    Path dir = classes(List.of(), List.of(), CALC, UTIL);
    ClassLoader l = loader(dir);
    l.loadClass("app.Util"); // loaded intact; the file is damaged afterwards
    Path util = dir.resolve("app/Util.class");
    java.nio.file.Files.write(util, new byte[] {(byte) 0xCA, (byte) 0xFE, 0, 1, 2});
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      var e = assertThrows(SignatureException.class, () -> memoized(memo, l));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "cannot read the class file of app.Util at "
                      + util.toUri().toURL()
                      + ", which app.Calc.compute reaches: "),
          e.getMessage());
      assertTrue(
          e.getMessage()
              .endsWith(
                  "; rebuild the class, or upgrade memo if the class file"
                      + " is newer than Java "
                      + Runtime.version().feature()),
          e.getMessage());
    }
  }

  @Test
  void function_whoseClassHasNoClassFile_isAnErrorWhenWrapped() throws Exception {
    Path dir = baseline();
    byte[] calc = java.nio.file.Files.readAllBytes(dir.resolve("app/Calc.class"));
    byte[] util = java.nio.file.Files.readAllBytes(dir.resolve("app/Util.class"));
    // Defines the classes from bytes, as a generator would, and offers no class file resources.
    ClassLoader generated =
        new ClassLoader(CodeSignatureTest.class.getClassLoader()) {
          @Override
          protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = name.equals("app.Calc") ? calc : name.equals("app.Util") ? util : null;
            if (b == null) {
              throw new ClassNotFoundException(name);
            }
            return defineClass(name, b, 0, b.length);
          }
        };
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      var e = assertThrows(SignatureException.class, () -> memoized(memo, generated));
      assertEquals(
          "cannot locate the code of app.Calc.compute: its class file app/Calc.class is"
              + " not readable from its class loader (a class generated at run time has no class"
              + " file); memoize a function compiled from source",
          e.getMessage());
    }
  }
}
