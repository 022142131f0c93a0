package dev.memo.core;

import static dev.memo.core.fakes.TestCompiler.call;
import static dev.memo.core.fakes.TestCompiler.compile;
import static dev.memo.core.fakes.TestCompiler.loader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.Explanation;
import dev.memo.FunctionOptions;
import dev.memo.MemoFunction;
import dev.memo.core.fakes.MapStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutation pairs for the code and environment parts of a signature, on classes compiled at test
 * time. Each case runs a base version of {@code t.Work.function()} against a store, then a changed
 * version that must recompute (and return what the changed code computes: never the stale result),
 * then a twin change that must reuse (an unrelated edit in the same class, a comment, an unreached
 * method). The families: callbacks the JDK makes into application classes, class initializers,
 * static final values memo cannot sign by content, lambdas that capture lambdas, system properties,
 * and class-path resources.
 */
class CodeMutationTest {
  @TempDir static Path tmp;
  private static final AtomicInteger VERSIONS = new AtomicInteger();

  /** One edit of a version: text replacements, system properties, resources to write. */
  record Edit(
      List<String[]> replacements, Map<String, String> properties, Map<String, String> resources) {
    static Edit none() {
      return new Edit(List.of(), Map.of(), Map.of());
    }

    Edit replace(String from, String to) {
      List<String[]> r = new ArrayList<>(replacements);
      r.add(new String[] {from, to});
      return new Edit(r, properties, resources);
    }

    Edit property(String key, String value) {
      Map<String, String> p = new LinkedHashMap<>(properties);
      p.put(key, value);
      return new Edit(replacements, p, resources);
    }

    Edit resource(String path, String content) {
      Map<String, String> r = new LinkedHashMap<>(resources);
      r.put(path, content);
      return new Edit(replacements, properties, r);
    }
  }

  /**
   * A mutation pair.
   *
   * @param label what explain must name among the changed items, or null
   */
  record Case(String name, String source, Edit base, Edit change, Edit twin, String label) {}

  private static Case code(
      String name, String source, String from, String to, String twinFrom, String twinTo) {
    return new Case(
        name,
        source,
        Edit.none(),
        Edit.none().replace(from, to),
        Edit.none().replace(twinFrom, twinTo),
        null);
  }

  private static Case labelled(Case c, String label) {
    return new Case(c.name(), c.source(), c.base(), c.change(), c.twin(), label);
  }

  private static final String HEAD =
      """
      package t;

      import dev.memo.MemoFunction;
      import java.util.*;
      import java.util.function.*;
      import java.util.regex.Pattern;
      import java.util.stream.*;

      public class Work {
        public static MemoFunction<Integer, Object> function() {
          return Work::compute;
        }

      """;

  private static String work(String body) {
    return HEAD + body.indent(2) + "}\n";
  }

  // ------------------------------------------------------------------ callbacks

  private static final String ANONYMOUS_COMPARATOR =
      work(
          """
      static Object compute(Integer n) {
        List<Integer> xs = new ArrayList<>(List.of(3, 1, 2, n));
        xs.sort(new Comparator<Integer>() {
          @Override
          public int compare(Integer a, Integer b) {
            return Integer.compare(a, b);
          }

          int unrelated() {
            return 1;
          }
        });
        return xs.toString();
      }
      """);

  private static final String NAMED_OPERATOR =
      work(
          """
      static final class Doubler implements IntUnaryOperator {
        public int applyAsInt(int v) {
          return v * 2;
        }

        int spare() {
          return 0;
        }
      }

      static Object compute(Integer n) {
        return IntStream.rangeClosed(1, n).map(new Doubler()).sum();
      }
      """);

  private static final String TREE_MAP_ORDER =
      work(
          """
      static final class Desc implements Comparator<String> {
        public int compare(String a, String b) {
          return b.compareTo(a);
        }

        String name() {
          return "desc";
        }
      }

      static Object compute(Integer n) {
        Map<String, Integer> m = new TreeMap<>(new Desc());
        m.put("a", 1);
        m.put("b", 2);
        m.put("c", n);
        return m.keySet().toString();
      }
      """);

  private static final String FACTORY_FUNCTION =
      work(
          """
      static final class AddTen implements Function<Integer, Integer> {
        public Integer apply(Integer x) {
          return x + 10;
        }
      }

      static Function<Integer, Integer> make() {
        return new AddTen();
      }

      static Object compute(Integer n) {
        Function<Integer, Integer> f = make();
        return f.apply(n);
      }
      """);

  private static final String THREAD_RUNNABLE =
      work(
          """
      static final class Job implements Runnable {
        final int[] out;

        Job(int[] out) {
          this.out = out;
        }

        public void run() {
          out[0] = 7;
        }

        int spare() {
          return 1;
        }
      }

      static Object compute(Integer n) {
        int[] out = new int[1];
        Thread t = new Thread(new Job(out));
        t.start();
        try {
          t.join();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return out[0] + n;
      }
      """);

  private static final String HASH_SET_KEY =
      work(
          """
      static final class Key {
        final int v;

        Key(int v) {
          this.v = v;
        }

        @Override
        public boolean equals(Object o) {
          return o instanceof Key k && k.v % 10 == v % 10;
        }

        @Override
        public int hashCode() {
          return v % 10;
        }

        int spare() {
          return 1;
        }
      }

      static Object compute(Integer n) {
        Set<Key> s = new HashSet<>();
        for (int i = 0; i < 20 + n; i++) {
          s.add(new Key(i));
        }
        return s.size();
      }
      """);

  private static final String HASH_CODE =
      work(
          """
      static final class Key {
        final int v;

        Key(int v) {
          this.v = v;
        }

        @Override
        public int hashCode() {
          return v * 31;
        }

        int spare() {
          return 1;
        }
      }

      static final class NeverMade {
        @Override
        public int hashCode() {
          return 5;
        }
      }

      static Object compute(Integer n) {
        return Objects.hash(new Key(n));
      }
      """);

  private static final String TO_STRING_CONCAT =
      work(
          """
      static final class Point {
        final int x;

        Point(int x) {
          this.x = x;
        }

        @Override
        public String toString() {
          return "P(" + x + ")";
        }

        String spare() {
          return "s";
        }
      }

      static Object compute(Integer n) {
        return "at " + new Point(n);
      }
      """);

  private static final String COMPARE_TO =
      work(
          """
      static final class Rank implements Comparable<Rank> {
        final int v;

        Rank(int v) {
          this.v = v;
        }

        public int compareTo(Rank o) {
          return Integer.compare(v, o.v);
        }

        public String toString() {
          return "" + v;
        }

        int spare() {
          return 2;
        }
      }

      static Object compute(Integer n) {
        List<Rank> xs = new ArrayList<>(List.of(new Rank(5), new Rank(1), new Rank(n)));
        Collections.sort(xs);
        return xs.toString();
      }
      """);

  private static final String RECORD_TO_STRING =
      work(
          """
      record R(int a) {
        @Override
        public String toString() {
          return "R" + a;
        }

        static int unused() {
          return 1;
        }
      }

      static Object compute(Integer n) {
        return List.of(new R(n)).toString();
      }
      """);

  private static final String INHERITED_CALLBACK =
      work(
          """
      static class Base {
        @Override
        public String toString() {
          return "base";
        }
      }

      static final class Sub extends Base {
        int spare() {
          return 1;
        }
      }

      static Object compute(Integer n) {
        return n + ":" + new Sub();
      }
      """);

  private static final String CONSTRUCTOR_REFERENCE =
      work(
          """
      static final class Tag {
        @Override
        public String toString() {
          return "tag";
        }

        int spare() {
          return 1;
        }
      }

      static Object compute(Integer n) {
        Supplier<Tag> s = Tag::new;
        return String.valueOf(s.get()) + n;
      }
      """);

  private static final String ITERATOR =
      work(
          """
      static final class Range implements Iterable<Integer> {
        final int n;

        Range(int n) {
          this.n = n;
        }

        public Iterator<Integer> iterator() {
          return new Iterator<Integer>() {
            int i;

            public boolean hasNext() {
              return i < n;
            }

            public Integer next() {
              return i++ * 3;
            }
          };
        }

        int spare() {
          return 1;
        }
      }

      static Object compute(Integer n) {
        List<Integer> out = new ArrayList<>();
        new Range(n).forEach(out::add);
        return out.toString();
      }
      """);

  private static final String LIST_CONTAINS =
      work(
          """
      static final class Id {
        final int v;

        Id(int v) {
          this.v = v;
        }

        @Override
        public boolean equals(Object o) {
          return o instanceof Id i && i.v == v;
        }

        @Override
        public int hashCode() {
          return 1;
        }

        int spare() {
          return 1;
        }
      }

      static Object compute(Integer n) {
        return List.of(new Id(3), new Id(4)).contains(new Id(n));
      }
      """);

  private static final String ENUM_BODY =
      work(
          """
      enum Op {
        PLUS {
          @Override
          public String toString() {
            return "plus";
          }
        };

        int spare() {
          return 1;
        }
      }

      static Object compute(Integer n) {
        return n + " " + Op.PLUS;
      }
      """);

  private static final String STATIC_FACTORY =
      work(
          """
      static final class Box {
        final int v;

        private Box(int v) {
          this.v = v;
        }

        static Box of(int v) {
          return new Box(v);
        }

        @Override
        public String toString() {
          return "[" + v + "]";
        }

        int spare() {
          return 1;
        }
      }

      static Object compute(Integer n) {
        Function<Integer, Box> mk = Box::of;
        return String.valueOf(mk.apply(n));
      }
      """);

  // ------------------------------------------------------------------ class initializers

  private static final String ENUM_ARGUMENT =
      work(
          """
      enum E {
        A(1), B(5);

        final int w;

        E(int w) {
          this.w = w;
        }

        int unused() {
          return 0;
        }
      }

      static Object compute(Integer n) {
        return E.A.w * n;
      }
      """);

  private static final String STATIC_BLOCK =
      work(
          """
      static final int[] TABLE = new int[4];

      static {
        for (int i = 0; i < TABLE.length; i++) {
          TABLE[i] = i * i;
        }
      }

      static int unused() {
        return 1;
      }

      static Object compute(Integer n) {
        return TABLE[n];
      }
      """);

  private static final String INITIALIZER_CALL =
      work(
          """
      static final class Names {
        static final String GREETING = greet();

        static String greet() {
          return "hello";
        }

        static String unused() {
          return "x";
        }
      }

      static Object compute(Integer n) {
        return Names.GREETING + n;
      }
      """);

  private static final String ENUM_FROM_HELPER =
      work(
          """
      enum Size {
        SMALL(scale(1)), LARGE(scale(10));

        final int v;

        Size(int v) {
          this.v = v;
        }

        static int scale(int x) {
          return x * 2;
        }
      }

      static int unused() {
        return 1;
      }

      static Object compute(Integer n) {
        return Size.LARGE.v + n;
      }
      """);

  private static final String INTERFACE_CONSTANT =
      work(
          """
      interface K {
        List<Integer> L = List.of(1, 2);
      }

      static int unused() {
        return 1;
      }

      static Object compute(Integer n) {
        return K.L.get(1) + n;
      }
      """);

  // ------------------------------------------------------------------ unsignable constants

  private static final String LAMBDA_CONSTANT =
      work(
          """
      static final IntUnaryOperator OP = v -> v * 2;

      static int unused() {
        return 1;
      }

      static Object compute(Integer n) {
        return OP.applyAsInt(n);
      }
      """);

  private static final String JDK_COMPARATOR =
      work(
          """
      static final Comparator<Integer> ORDER = Comparator.reverseOrder();

      static int unused() {
        return 1;
      }

      static Object compute(Integer n) {
        List<Integer> xs = new ArrayList<>(List.of(1, 5, n));
        xs.sort(ORDER);
        return xs.toString();
      }
      """);

  private static final String PATTERN =
      work(
          """
      static final Pattern P = Pattern.compile("a+");

      static int unused() {
        return 1;
      }

      static Object compute(Integer n) {
        return P.matcher("aab" + n).replaceAll("x");
      }
      """);

  private static final String PLAIN_OBJECT =
      work(
          """
      static final class Scaler {
        final int k;

        Scaler(int k) {
          this.k = k;
        }

        int scale(int x) {
          return x * k;
        }
      }

      static final Scaler S = new Scaler(2);

      static int unused() {
        return 1;
      }

      static Object compute(Integer n) {
        return S.scale(n);
      }
      """);

  private static final String METHOD_REFERENCE_CONSTANT =
      work(
          """
      static final IntBinaryOperator ADD = Integer::sum;

      static int unused() {
        return 1;
      }

      static Object compute(Integer n) {
        return ADD.applyAsInt(n, 10);
      }
      """);

  private static final String FACTORY_CONSTANT =
      work(
          """
      static final Function<Integer, Integer> F = make();

      static Function<Integer, Integer> make() {
        return x -> x + 1;
      }

      static int unused() {
        return 1;
      }

      static Object compute(Integer n) {
        return F.apply(n);
      }
      """);

  private static final String INTERFACE_LAMBDA =
      work(
          """
      interface Ops {
        IntUnaryOperator NEG = v -> -v;
      }

      static int unused() {
        return 1;
      }

      static Object compute(Integer n) {
        return Ops.NEG.applyAsInt(n);
      }
      """);

  private static final String MAP_OF_LAMBDAS =
      work(
          """
      static final Map<String, IntUnaryOperator> OPS = Map.of("dbl", v -> v * 2);

      static int unused() {
        return 1;
      }

      static Object compute(Integer n) {
        return OPS.get("dbl").applyAsInt(n);
      }
      """);

  private static final String LAMBDA_USING_CONSTANT =
      work(
          """
      static final IntUnaryOperator BASE = v -> v + 1;
      static final IntUnaryOperator TWICE = v -> BASE.applyAsInt(v) * 2;

      static int unused() {
        return 1;
      }

      static Object compute(Integer n) {
        return TWICE.applyAsInt(n);
      }
      """);

  private static final String SUPPLIER_CONSTANT =
      work(
          """
      static final class Tag {
        @Override
        public String toString() {
          return "tag";
        }

        int spare() {
          return 1;
        }
      }

      static final Supplier<Tag> MAKE = Tag::new;

      static Object compute(Integer n) {
        return MAKE.get() + "" + n;
      }
      """);

  // ------------------------------------------------------------------ captured lambdas

  private static final String DECORATOR =
      """
      package t;

      import dev.memo.MemoFunction;

      public class Work {
        public static MemoFunction<Integer, Integer> function() {
          return twice(x -> x + 1);
        }

        static MemoFunction<Integer, Integer> twice(MemoFunction<Integer, Integer> f) {
          return x -> f.apply(f.apply(x));
        }

        static int unused() {
          return 1;
        }
      }
      """;

  private static final String COMPOSED =
      """
      package t;

      import dev.memo.MemoFunction;

      public class Work {
        public static MemoFunction<Integer, Integer> function() {
          MemoFunction<Integer, Integer> f = x -> x * 2;
          MemoFunction<Integer, Integer> g = y -> f.apply(y) + 1;
          return g;
        }

        static int unused() {
          return 1;
        }
      }
      """;

  private static final String DECORATED_REFERENCE =
      """
      package t;

      import dev.memo.MemoFunction;

      public class Work {
        public static MemoFunction<Integer, Integer> function() {
          return logged(Work::inc);
        }

        static Integer inc(Integer x) {
          return x + 1;
        }

        static MemoFunction<Integer, Integer> logged(MemoFunction<Integer, Integer> f) {
          return x -> f.apply(x);
        }

        static int unused() {
          return 1;
        }
      }
      """;

  private static final String DECORATED_TWICE =
      """
      package t;

      import dev.memo.MemoFunction;

      public class Work {
        public static MemoFunction<Integer, Integer> function() {
          return twice(twice(x -> x + 1));
        }

        static MemoFunction<Integer, Integer> twice(MemoFunction<Integer, Integer> f) {
          return x -> f.apply(f.apply(x));
        }

        static int unused() {
          return 1;
        }
      }
      """;

  private static final String DECORATED_CAPTURING =
      """
      package t;

      import dev.memo.MemoFunction;

      public class Work {
        public static MemoFunction<Integer, Integer> function() {
          return twice(adding(1));
        }

        static MemoFunction<Integer, Integer> adding(int k) {
          return x -> x + k;
        }

        static MemoFunction<Integer, Integer> twice(MemoFunction<Integer, Integer> f) {
          return x -> f.apply(f.apply(x));
        }

        static int unused() {
          return 1;
        }
      }
      """;

  // ------------------------------------------------------------------ properties, resources

  private static final String PROPERTY =
      work(
          """
      static Object compute(Integer n) {
        return System.getProperty("case.scale") + n;
      }
      """);

  private static final String PROPERTY_DEFAULT =
      work(
          """
      static Object compute(Integer n) {
        return System.getProperty("case.key", "dflt") + n;
      }
      """);

  private static final String INTEGER_PROPERTY =
      work(
          """
      static Object compute(Integer n) {
        return Integer.getInteger("case.int", 1) * n;
      }
      """);

  private static final String BOOLEAN_PROPERTY =
      work(
          """
      static Object compute(Integer n) {
        return Boolean.getBoolean("case.flag") ? n : -n;
      }
      """);

  private static final String LONG_PROPERTY =
      work(
          """
      static Object compute(Integer n) {
        return Long.getLong("case.long", 2L) + n;
      }
      """);

  private static final String PROPERTY_IN_HELPER =
      work(
          """
      static final class Settings {
        static int scale() {
          return Integer.parseInt(System.getProperty("case.helper", "1"));
        }
      }

      static Object compute(Integer n) {
        return Settings.scale() * n;
      }
      """);

  private static final String RELATIVE_RESOURCE =
      work(
          """
      static Object compute(Integer n) {
        try (java.io.InputStream in = Work.class.getResourceAsStream("k.txt")) {
          return new String(in.readAllBytes()) + n;
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      """);

  private static final String ABSOLUTE_RESOURCE =
      work(
          """
      static Object compute(Integer n) {
        try (java.io.InputStream in = Work.class.getResourceAsStream("/t/k.txt")) {
          return new String(in.readAllBytes()) + n;
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      """);

  private static final String LOADER_RESOURCE =
      work(
          """
      static Object compute(Integer n) {
        try (java.io.InputStream in =
            Work.class.getClassLoader().getResourceAsStream("t/k.txt")) {
          return new String(in.readAllBytes()) + n;
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      """);

  private static final String RESOURCE_URL =
      work(
          """
      static Object compute(Integer n) {
        try (java.io.InputStream in = Work.class.getResource("k.txt").openStream()) {
          return new String(in.readAllBytes()) + n;
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      """);

  private static Case property(
      String name, String source, String key, String v1, String v2, String label) {
    return new Case(
        name,
        source,
        Edit.none().property(key, v1),
        Edit.none().property(key, v2),
        Edit.none().property(key, v1).property("case.unrelated", "changed"),
        label);
  }

  private static Case resource(String name, String source) {
    return new Case(
        name,
        source,
        Edit.none().resource("t/k.txt", "one"),
        Edit.none().resource("t/k.txt", "two"),
        Edit.none().resource("t/k.txt", "one").resource("t/other.txt", "unread"),
        "resource t/k.txt");
  }

  static List<Case> cases() {
    return List.of(
        // Callbacks: the JDK calls these, no application code does.
        code(
            "anonymous comparator given to List.sort",
            ANONYMOUS_COMPARATOR,
            "Integer.compare(a, b)",
            "Integer.compare(b, a)",
            "return 1;",
            "return 2;"),
        code(
            "named IntUnaryOperator given to IntStream.map",
            NAMED_OPERATOR,
            "v * 2",
            "v * 3",
            "return 0;",
            "return 5;"),
        code(
            "comparator class given to a TreeMap",
            TREE_MAP_ORDER,
            "b.compareTo(a)",
            "a.compareTo(b)",
            "\"desc\"",
            "\"descending\""),
        code(
            "Function made by a factory, called as java.util.function.Function",
            FACTORY_FUNCTION,
            "x + 10",
            "x + 20",
            "return new AddTen();",
            "return new AddTen(); // a comment"),
        code(
            "Runnable given to a Thread",
            THREAD_RUNNABLE,
            "out[0] = 7;",
            "out[0] = 8;",
            "return 1;",
            "return 3;"),
        code(
            "equals and hashCode of a HashSet key",
            HASH_SET_KEY,
            "% 10",
            "% 5",
            "return 1;",
            "return 4;"),
        labelled(
            code(
                "hashCode reached through Objects.hash",
                HASH_CODE,
                "v * 31",
                "v * 37",
                "return 5;",
                "return 6;"),
            "callback t.Work$Key.hashCode()"),
        code(
            "toString reached through string concatenation",
            TO_STRING_CONCAT,
            "\"P(\"",
            "\"Point(\"",
            "\"s\"",
            "\"t\""),
        code(
            "compareTo reached through Collections.sort",
            COMPARE_TO,
            "Integer.compare(v, o.v)",
            "Integer.compare(o.v, v)",
            "return 2;",
            "return 3;"),
        code(
            "toString of a record",
            RECORD_TO_STRING,
            "\"R\" + a",
            "\"Rec\" + a",
            "return 1;",
            "return 9;"),
        code(
            "callback inherited from an application superclass",
            INHERITED_CALLBACK,
            "\"base\"",
            "\"BASE\"",
            "return 1;",
            "return 2;"),
        code(
            "callback of a class made by a constructor reference",
            CONSTRUCTOR_REFERENCE,
            "\"tag\"",
            "\"TAG\"",
            "return 1;",
            "return 2;"),
        code(
            "iterator of an Iterable called by forEach",
            ITERATOR,
            "i++ * 3",
            "i++ * 4",
            "return 1;",
            "return 2;"),
        code(
            "equals reached through List.contains",
            LIST_CONTAINS,
            "i.v == v",
            "i.v == v * 10",
            "int spare() {\n      return 1;",
            "int spare() {\n      return 2;"),
        code(
            "toString of an enum constant's body",
            ENUM_BODY,
            "\"plus\"",
            "\"PLUS\"",
            "return 1;",
            "return 2;"),
        code(
            "callback of a class made by a static factory reached by reference",
            STATIC_FACTORY,
            "\"[\" + v",
            "\"<\" + v",
            "return 1;",
            "return 2;"),
        // Class initializers.
        labelled(
            code(
                "enum constant's constructor argument",
                ENUM_ARGUMENT,
                "A(1)",
                "A(2)",
                "return 0;",
                "return 3;"),
            "initializer of t.Work$E"),
        code(
            "static block filling a table",
            STATIC_BLOCK,
            "i * i",
            "i * i + 1",
            "return 1;",
            "return 2;"),
        code(
            "static final value from a method called by the initializer",
            INITIALIZER_CALL,
            "\"hello\"",
            "\"hi\"",
            "\"x\"",
            "\"y\""),
        code(
            "enum constants built by a helper",
            ENUM_FROM_HELPER,
            "x * 2",
            "x * 3",
            "return 1;",
            "return 2;"),
        code(
            "interface constant",
            INTERFACE_CONSTANT,
            "List.of(1, 2)",
            "List.of(1, 3)",
            "return 1;",
            "return 2;"),
        // Constants memo cannot sign by content: covered by the initializer's code.
        code(
            "lambda in a static final field",
            LAMBDA_CONSTANT,
            "v * 2",
            "v * 3",
            "return 1;",
            "return 2;"),
        code(
            "JDK comparator in a static final field",
            JDK_COMPARATOR,
            "Comparator.reverseOrder()",
            "Comparator.naturalOrder()",
            "return 1;",
            "return 2;"),
        code(
            "Pattern in a static final field",
            PATTERN,
            "\"a+\"",
            "\"b+\"",
            "return 1;",
            "return 2;"),
        code(
            "plain object in a static final field",
            PLAIN_OBJECT,
            "new Scaler(2)",
            "new Scaler(3)",
            "return 1;",
            "return 2;"),
        code(
            "method reference in a static final field",
            METHOD_REFERENCE_CONSTANT,
            "Integer::sum",
            "Math::max",
            "return 1;",
            "return 2;"),
        code(
            "lambda made by a factory into a static final field",
            FACTORY_CONSTANT,
            "x + 1",
            "x + 5",
            "return 1;",
            "return 2;"),
        code(
            "lambda in an interface constant",
            INTERFACE_LAMBDA,
            "-v",
            "-v - 1",
            "return 1;",
            "return 2;"),
        code(
            "map of lambdas in a static final field",
            MAP_OF_LAMBDAS,
            "v * 2",
            "v * 4",
            "return 1;",
            "return 2;"),
        code(
            "lambda constant used by another lambda constant",
            LAMBDA_USING_CONSTANT,
            "v + 1",
            "v + 2",
            "return 1;",
            "return 2;"),
        code(
            "constructor reference in a static final field",
            SUPPLIER_CONSTANT,
            "\"tag\"",
            "\"TAG\"",
            "return 1;",
            "return 2;"),
        // Lambdas that capture lambdas.
        code("decorated lambda", DECORATOR, "x -> x + 1", "x -> x + 2", "return 1;", "return 2;"),
        code("composed lambdas", COMPOSED, "x -> x * 2", "x -> x * 3", "return 1;", "return 2;"),
        code(
            "decorated method reference",
            DECORATED_REFERENCE,
            "return x + 1;",
            "return x + 2;",
            "return 1;",
            "return 2;"),
        code(
            "lambda decorated twice",
            DECORATED_TWICE,
            "x -> x + 1",
            "x -> x + 3",
            "static int unused",
            "static int alsoUnused() {\n    return 0;\n  }\n\n" + "  static int unused"),
        code(
            "decorated lambda capturing a value",
            DECORATED_CAPTURING,
            "adding(1)",
            "adding(2)",
            "return 1;",
            "return 2;"),
        // System properties read by a constant name.
        property("system property", PROPERTY, "case.scale", "2", "3", "system property case.scale"),
        property(
            "system property with a default",
            PROPERTY_DEFAULT,
            "case.key",
            "a",
            "b",
            "system property case.key"),
        property(
            "Integer.getInteger",
            INTEGER_PROPERTY,
            "case.int",
            "2",
            "5",
            "system property case.int"),
        property(
            "Boolean.getBoolean",
            BOOLEAN_PROPERTY,
            "case.flag",
            "false",
            "true",
            "system property case.flag"),
        property("Long.getLong", LONG_PROPERTY, "case.long", "2", "7", "system property case.long"),
        property(
            "system property read by a helper",
            PROPERTY_IN_HELPER,
            "case.helper",
            "2",
            "4",
            "system property case.helper"),
        // Class-path resources read by a constant name.
        resource("resource relative to the class", RELATIVE_RESOURCE),
        resource("resource by absolute name", ABSOLUTE_RESOURCE),
        resource("resource through the class loader", LOADER_RESOURCE),
        resource("resource URL", RESOURCE_URL));
  }

  @TestFactory
  Stream<DynamicTest> everyChangeRecomputes_andEveryTwinReuses() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> run(c)));
  }

  private void run(Case c) {
    MapStore store = new MapStore();
    Object first;
    try (Memo memo = memo(store)) {
      first = withProperties(c.base(), () -> memoized(memo, version(c, c.base())).apply(3));
      assertEquals(1, memo.stats().missCount(), c.name());
    }
    // The change: recomputed, and the result is the changed code's.
    ClassLoader changed = version(c, c.change());
    try (Memo memo = memo(store)) {
      withProperties(
          c.change(),
          () -> {
            Function<Integer, Object> f = memoized(memo, changed);
            Explanation e = memo.explain(f, 3);
            Object second = f.apply(3);
            Object direct = function(changed).apply(3);
            assertEquals(0, memo.stats().hitCount(), c.name() + ": stale result; " + e);
            assertEquals(direct, second, c.name());
            assertNotEquals(first, second, c.name() + ": the change must change the result");
            if (c.label() != null) {
              List<String> named = new ArrayList<>(e.changedCode());
              named.addAll(e.changedEnvironment());
              assertTrue(named.contains(c.label()), c.name() + ": " + e);
            }
            return second;
          });
    }
    // The twin: reused.
    ClassLoader twin = version(c, c.twin());
    try (Memo memo = memo(store)) {
      withProperties(
          c.twin(),
          () -> {
            Function<Integer, Object> f = memoized(memo, twin);
            Explanation e = memo.explain(f, 3);
            Object third = f.apply(3);
            assertEquals(1, memo.stats().hitCount(), c.name() + ": the twin must reuse; " + e);
            assertEquals(first, third, c.name());
            assertEquals(function(twin).apply(3), third, c.name());
            return third;
          });
    }
  }

  private static Memo memo(MapStore store) {
    return MemoTest.isolated().store(store).build();
  }

  private static Function<Integer, Object> memoized(Memo memo, ClassLoader loader) {
    return memo.function(FunctionOptions.named("work"), function(loader));
  }

  private static MemoFunction<Integer, Object> function(ClassLoader loader) {
    return call(loader, "t.Work", "function");
  }

  /** Compiles the case's source with an edit applied, writes its resources, loads it. */
  private static ClassLoader version(Case c, Edit edit) {
    String source = c.source();
    for (String[] r : edit.replacements()) {
      assertTrue(source.contains(r[0]), c.name() + ": no " + r[0]);
      source = source.replace(r[0], r[1]);
    }
    Path dir = compile(tmp.resolve("v" + VERSIONS.incrementAndGet()), List.of(), List.of(), source);
    try {
      for (Map.Entry<String, String> r : edit.resources().entrySet()) {
        Files.writeString(dir.resolve(r.getKey()), r.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return loader(dir);
  }

  /** Runs with the edit's system properties set, then clears them. */
  private static <T> T withProperties(Edit edit, java.util.function.Supplier<T> body) {
    edit.properties().forEach(System::setProperty);
    try {
      return body.get();
    } finally {
      edit.properties().keySet().forEach(System::clearProperty);
    }
  }
}
