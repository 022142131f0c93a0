package dev.memo.core;

import dev.memo.Explanation;
import dev.memo.StoreException;
import dev.memo.spi.Store;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Why a call misses: records each stored entry as its function's latest (in the route's {@link
 * MissRecords}), and compares a call with that record for {@link Memo#explain} and for the {@code
 * DEBUG} log of every miss. Thread-safe.
 */
final class Explainer {
  private final Warnings warnings;

  Explainer(Warnings warnings) {
    this.warnings = warnings;
  }

  /**
   * Records a stored entry as its function's latest, written behind the call; a failure costs only
   * a warning.
   */
  void record(Handle h, Route route, CallKey call) {
    try {
      route.records.write(
          h.id,
          h.latestKey,
          h.codePart,
          () -> manifest(h),
          call.environment(),
          call.arguments(),
          call.items());
    } catch (RuntimeException e) {
      warnings.once(
          "record:" + h.id + ":" + e.getClass().getName(),
          "cannot record the latest entry of \""
              + h.id
              + "\" in the "
              + route.store.name()
              + " store; explain will compare its next miss with an older entry",
          e);
    }
  }

  /**
   * Explains a call: a hit when the route's store holds an entry the call would use ({@code
   * usable}, checked as {@link Entries#contains} checks it: intact, readable, not expired), else
   * what differs from the function's latest record.
   *
   * @throws StoreException if the store cannot be read
   */
  Explanation explain(Handle h, Route route, CallKey call, BooleanSupplier usable) {
    Store store = route.store;
    try {
      if (usable.getAsBoolean()) {
        return Explanation.hit(h.id);
      }
      return miss(h, route, call);
    } catch (IOException e) {
      throw new StoreException(
          "cannot read the "
              + store.name()
              + " store to explain a call of \""
              + h.id
              + "\": "
              + e
              + "; check that the store is readable",
          e);
    }
  }

  /** Logs at {@code DEBUG} why a call missed. */
  void logMiss(Handle h, Route route, CallKey call) {
    String reason;
    try {
      reason = miss(h, route, call).toString();
    } catch (IOException | RuntimeException e) {
      reason = "miss of \"" + h.id + "\" (cannot explain it: " + e + ")";
    }
    Warnings.LOG.log(Level.DEBUG, reason);
  }

  private Explanation miss(Handle h, Route route, CallKey call) throws IOException {
    return route.records.explain(
        h.id,
        h.latestKey,
        h.codePart,
        () -> manifest(h),
        call.environment(),
        call.arguments(),
        call::items);
  }

  /** The code manifest: what the code part was made of, by name. */
  private static Map<String, String> manifest(Handle h) {
    if (h.options.ignoresCode()) {
      return Map.of("version \"" + h.options.version().orElse("") + "\" (code ignored)", "");
    }
    return h.items.code.manifest();
  }
}
