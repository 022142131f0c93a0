package dev.memo;

import org.jspecify.annotations.Nullable;

/**
 * A configuration value, a provider choice or a builder option is invalid: an unknown provider
 * name, two providers with one name, a value that does not parse.
 */
public class MemoConfigurationException extends MemoException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what failed, the value at fault and how to fix it
   */
  public MemoConfigurationException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param message what failed, the value at fault and how to fix it
   * @param cause the underlying failure, may be {@code null}
   */
  public MemoConfigurationException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
