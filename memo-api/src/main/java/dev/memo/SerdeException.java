package dev.memo;

import org.jspecify.annotations.Nullable;

/**
 * A value could not be serialized or a stored payload could not be read back: the type is not
 * serializable, the payload names a class the filter refuses, the bytes are corrupt or truncated.
 */
public class SerdeException extends MemoException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what failed, the value at fault and how to fix it
   */
  public SerdeException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param message what failed, the value at fault and how to fix it
   * @param cause the underlying failure, may be {@code null}
   */
  public SerdeException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
