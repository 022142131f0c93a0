package dev.memo;

import org.jspecify.annotations.Nullable;

/** A store could not read, write or remove an entry, or was used after it was closed. */
public class StoreException extends MemoException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what failed, the value at fault and how to fix it
   */
  public StoreException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param message what failed, the value at fault and how to fix it
   * @param cause the underlying failure, may be {@code null}
   */
  public StoreException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
