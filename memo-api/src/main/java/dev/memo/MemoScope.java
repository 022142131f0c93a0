package dev.memo;

/**
 * A scope opened by {@link Memoizer#suspend()} or {@link Memoizer#storingIn(java.nio.file.Path)},
 * to be closed by try-with-resources in the thread that opened it. Scopes nest; closing one
 * restores what was in force when it was opened.
 */
public interface MemoScope extends AutoCloseable {
  /**
   * Ends the scope. Closing it again does nothing.
   *
   * @throws IllegalStateException if called from another thread than the one that opened it, or
   *     while a scope opened inside it is still open
   */
  @Override
  void close();
}
