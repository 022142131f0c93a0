package dev.memo;

import org.jspecify.annotations.Nullable;

/**
 * A call could not be signed: an argument, captured variable or field has a type memo does not know
 * how to sign, or the function's code cannot be located.
 */
public class SignatureException extends MemoException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what failed, the value at fault and how to fix it
   */
  public SignatureException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param message what failed, the value at fault and how to fix it
   * @param cause the underlying failure, may be {@code null}
   */
  public SignatureException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
