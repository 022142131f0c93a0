package dev.memo.core.entry;

/**
 * An entry written in an older format that cannot be trusted, though nothing in it is damaged:
 * version 1 entries do not record their key, so one moved or copied to another key's place cannot
 * be told from that key's own. memo treats it as a plain miss, not a broken entry: the call is
 * computed again and its entry rewritten, nothing is counted or quarantined.
 */
public final class OutdatedEntryException extends CorruptEntryException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message why the entry is outdated
   */
  public OutdatedEntryException(String message) {
    super(message);
  }
}
