package dev.memo.core;

import dev.memo.core.config.LazyLogger;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The warnings of one memoizer about failures it works around (a store that cannot be read or
 * written, a missing serde, a claim it cannot take): each cause is logged once at {@code WARNING}
 * and then at {@code DEBUG}, so that a broken store does not flood the log. Thread-safe.
 */
final class Warnings {
  static final System.Logger LOG = LazyLogger.of("dev.memo");

  /** Causes remembered at most; beyond, every warning is logged at {@code DEBUG}. */
  private static final int MAX_CAUSES = 10_000;

  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /**
   * Logs a warning the first time its cause is seen.
   *
   * @param what the cause, such as {@code read:<function>:<exception class>}
   * @param message what failed and what memo does instead
   * @param cause the exception, or null
   */
  void once(String what, String message, @Nullable Throwable cause) {
    String text = cause == null ? message : message + ": " + cause;
    if (warned.size() < MAX_CAUSES && warned.add(what)) {
      LOG.log(Level.WARNING, text + " (further occurrences are logged at DEBUG)");
    } else {
      LOG.log(Level.DEBUG, text);
    }
  }
}
