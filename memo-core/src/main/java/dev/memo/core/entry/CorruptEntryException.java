package dev.memo.core.entry;

import java.io.IOException;

/**
 * An entry's bytes failed a check of the entry format: memo treats the entry as broken (counted,
 * quarantined, computed again). Not final only for {@link OutdatedEntryException}.
 */
public class CorruptEntryException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which check failed
   */
  public CorruptEntryException(String message) {
    super(message);
  }
}
