package dev.memo.core;

import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The memoized computations of one memoizer by result name, for {@code Memoizer.result}: the
 * explicit context through which code fetches a shared result by name and arguments. The latest
 * registration of a name wins. Thread-safe.
 */
final class NamedResults {
  /** One computation: how many arguments it takes and how to call it memoized. */
  private record Entry(int arity, Function<Object[], Object> call) {}

  private final Map<String, Entry> byName = new ConcurrentHashMap<>();

  void register(String name, int arity, Function<Object[], Object> call) {
    byName.put(name, new Entry(arity, call));
  }

  Object get(String name, Object[] arguments) {
    Entry e = byName.get(name);
    if (e == null) {
      String known = byName.isEmpty()
          ? "none yet"
          : String.join(", ", new TreeSet<>(byName.keySet()));
      throw new IllegalArgumentException("no memoized result is named \"" + name + "\" (known: "
          + known + "); name results with @Memoize(name = ...) on an interface passed to proxy,"
          + " or with FunctionOptions.named, before asking for them");
    }
    if (arguments.length != e.arity()) {
      throw new IllegalArgumentException("result \"" + name + "\" takes " + e.arity() + " argument"
          + (e.arity() == 1 ? "" : "s") + " but was asked for with " + arguments.length);
    }
    return e.call().apply(arguments);
  }
}
