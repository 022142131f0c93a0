package dev.memo.core.admin;

/**
 * Hears how far a long {@link StoreAdmin} operation has come, on the operation's thread.
 * Implementations need not be thread-safe.
 */
public interface Progress {
  /** Hears nothing. */
  Progress NONE = (phase, done, total) -> {};

  /**
   * Called after each item.
   *
   * @param phase what is being done, such as {@code verifying}
   * @param done items done so far
   * @param total items in all
   */
  void update(String phase, long done, long total);

  /** Called once when the operation is over; the default does nothing. */
  default void done() {}
}
