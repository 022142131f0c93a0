package dev.memo.examples;

import dev.memo.MemoFunction;
import dev.memo.NotSigned;
import dev.memo.core.Memo;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A program as a new user writes it: {@code Memo.create()} and a {@code MemoFunction}. Run in a
 * child JVM by {@link NewUserTest}; prints one line per call, "computed" or "reused", and the
 * configuration comes from the {@code memo.store.directory.path} system property.
 */
public final class NewUserMain {
  // memo signs the static fields a function reads; a counter cannot change the result.
  @NotSigned private static final AtomicInteger COMPUTED = new AtomicInteger();

  static String describe(Object value) {
    COMPUTED.incrementAndGet();
    return String.valueOf(value).length() + ":" + value.getClass().getSimpleName();
  }

  /**
   * Runs the calls named by the arguments.
   *
   * @param args call names, see {@link #argument(String)}
   */
  public static void main(String[] args) {
    try (Memo memo = Memo.create()) {
      MemoFunction<Object, String> fn = NewUserMain::describe;
      var describe = memo.function("describe", fn);
      for (String a : args) {
        int before = COMPUTED.get();
        describe.apply(argument(a));
        System.out.println(a + " " + (COMPUTED.get() > before ? "computed" : "reused"));
      }
    }
  }

  /** The arguments the test uses, built from a name, each in a different concrete form. */
  static Object argument(String name) {
    switch (name) {
      case "int-1":
        return 1;
      case "long-1":
        return 1L;
      case "zero":
        return 0.0;
      case "minus-zero":
        return -0.0;
      case "monday":
        return DayOfWeek.MONDAY;
      case "tuesday":
        return DayOfWeek.TUESDAY;
      case "hashmap":
        {
          Map<String, Integer> m = new HashMap<>();
          for (int i = 0; i < 50; i++) {
            m.put("k" + i, i);
          }
          return m;
        }
      case "linkedhashmap-reversed":
        {
          Map<String, Integer> m = new LinkedHashMap<>();
          for (int i = 49; i >= 0; i--) {
            m.put("k" + i, i);
          }
          return m;
        }
      case "list-of":
        return List.of(List.of(1, 2), List.of(3, 4));
      case "arraylist":
        {
          List<List<Integer>> l = new ArrayList<>();
          l.add(new ArrayList<>(List.of(1, 2)));
          l.add(new ArrayList<>(List.of(3, 4)));
          return l;
        }
      case "arraylist-deep-change":
        {
          List<List<Integer>> l = new ArrayList<>();
          l.add(new ArrayList<>(List.of(1, 2)));
          l.add(new ArrayList<>(List.of(3, 5)));
          return l;
        }
      default:
        throw new IllegalArgumentException("unknown argument name " + name);
    }
  }
}
