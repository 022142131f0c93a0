package dev.memo.core;

import dev.memo.MemoConfigurationException;
import dev.memo.core.config.LazyLogger;
import dev.memo.spi.Quote;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The memoized computations of one memoizer by result name, for {@code Memoizer.result}: the
 * explicit context through which code fetches a shared result by name and arguments. The latest
 * registration of a name wins; a name taken by two different functions (two implementing methods)
 * is logged as a warning naming both, and asking for it is an error. Thread-safe.
 */
final class NamedResults {
  private static final System.Logger LOG = LazyLogger.of("dev.memo");

  /**
   * One computation: the function it runs (its implementing method, or null when unknown), how many
   * arguments it takes and how to call it memoized; and another function registered under the same
   * name, or null.
   */
  private record Entry(
      @Nullable String function,
      int arity,
      Function<Object[], Object> call,
      @Nullable String other) {}

  private final Map<String, Entry> byName = new ConcurrentHashMap<>();

  /**
   * Registers a computation under a name.
   *
   * @param function the implementing method's qualified name, or null when unknown
   */
  void register(
      String name, @Nullable String function, int arity, Function<Object[], Object> call) {
    byName.compute(
        name,
        (n, previous) -> {
          String other = previous == null ? null : previous.other();
          if (previous != null
              && function != null
              && previous.function() != null
              && !previous.function().equals(function)) {
            other = previous.function();
            LOG.log(
                System.Logger.Level.WARNING,
                "two different functions are wrapped under the name "
                    + Quote.of(name)
                    + ": "
                    + other
                    + " and "
                    + function
                    + "; memo.result("
                    + Quote.of(name)
                    + ") cannot tell them apart; give one of them another name");
          }
          return new Entry(function, arity, call, other);
        });
  }

  Object get(String name, Object[] arguments) {
    Entry e = byName.get(name);
    if (e == null) {
      String known =
          byName.isEmpty() ? "none yet" : String.join(", ", new TreeSet<>(byName.keySet()));
      throw new IllegalArgumentException(
          "no memoized result is named "
              + Quote.of(name)
              + " (known: "
              + known
              + "); name results with @Memoize(name = ...) on an interface"
              + " passed to proxy, or with FunctionOptions.named, before asking for them");
    }
    if (e.other() != null) {
      throw new MemoConfigurationException(
          "result "
              + Quote.of(name)
              + " is ambiguous: two"
              + " different functions are wrapped under that name, "
              + e.other()
              + " and "
              + e.function()
              + "; give one of them another name");
    }
    if (arguments.length != e.arity()) {
      throw new IllegalArgumentException(
          "result "
              + Quote.of(name)
              + " takes "
              + e.arity()
              + " argument"
              + (e.arity() == 1 ? "" : "s")
              + " but was asked for with "
              + arguments.length);
    }
    return e.call().apply(arguments);
  }
}
