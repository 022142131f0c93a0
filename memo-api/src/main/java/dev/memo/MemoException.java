package dev.memo;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception memo throws. Exceptions thrown by a memoized function itself are
 * never wrapped: they reach the caller unchanged.
 */
public class MemoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what failed, the value at fault and how to fix it
   */
  public MemoException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param message what failed, the value at fault and how to fix it
   * @param cause the underlying failure, may be {@code null}
   */
  public MemoException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
