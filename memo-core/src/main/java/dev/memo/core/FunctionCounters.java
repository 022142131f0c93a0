package dev.memo.core;

import dev.memo.FunctionOptions;
import dev.memo.MemoStats;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The counters of one memoizer, kept per function: each named function has its own {@link
 * Counters}, shared by every function wrapped under that name, and the functions without a name
 * share one more. A call counts once, in its function's counters (which its {@link Handle} holds,
 * so that counting costs a call no more than one memoizer-wide set would); the memoizer's totals
 * are the sum, taken when asked. Names are kept in the order they were first wrapped. Thread-safe.
 */
final class FunctionCounters {
  private final Counters unnamed = new Counters();
  private final Map<String, Counters> byName = new ConcurrentHashMap<>();

  /** The names in the order they were first wrapped; written only when a name is new. */
  private final List<String> names = new CopyOnWriteArrayList<>();

  /**
   * Returns the counters a function wrapped with these options counts in: its name's, made when the
   * name is new, or those of the functions without a name.
   */
  Counters of(FunctionOptions options) {
    if (options.name().isEmpty()) {
      return unnamed;
    }
    String name = options.name().get();
    Counters found = byName.get(name);
    return found != null ? found : add(name);
  }

  private synchronized Counters add(String name) {
    Counters found = byName.get(name);
    if (found != null) {
      return found;
    }
    Counters made = new Counters();
    byName.put(name, made);
    names.add(name);
    return made;
  }

  /** A snapshot of a named function's counters, empty when no function has the name. */
  MemoStats snapshot(String name) {
    Counters found = byName.get(name);
    return found == null ? MemoStats.empty() : found.snapshot();
  }

  /** Snapshots of every named function's counters, in the order the names were first wrapped. */
  Map<String, MemoStats> byFunction() {
    Map<String, MemoStats> all = new LinkedHashMap<>();
    for (String name : names) {
      all.put(name, byName.get(name).snapshot());
    }
    return Collections.unmodifiableMap(all);
  }

  /** The memoizer's totals: the sum of every function's counters, named or not. */
  MemoStats total() {
    MemoStats sum = unnamed.snapshot();
    for (Counters c : byName.values()) {
      sum = sum.plus(c.snapshot());
    }
    return sum;
  }
}
