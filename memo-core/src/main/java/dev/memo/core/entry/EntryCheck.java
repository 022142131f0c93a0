package dev.memo.core.entry;

import java.io.IOException;
import java.io.InputStream;

/**
 * Checks a whole stored entry without deserializing it: magic, version and header checksum, every
 * payload chunk's checksum, the end marker, the integrity tag's presence, and that nothing follows.
 * Stateless and thread-safe.
 */
public final class EntryCheck {
  private EntryCheck() {}

  /** What a good entry holds. */
  public record Checked(EntryFormat.Header header, long payloadBytes) {}

  /**
   * Reads an entry to its end and checks it.
   *
   * @param in the entry's bytes from the start, already through {@link EntryIntegrity#verified}
   * @param integrity the integrity the entry was verified with, to skip a tag it did not strip
   * @return the entry's header and payload size
   * @throws CorruptEntryException if any check fails; the message says which
   * @throws IOException if reading fails
   */
  public static Checked check(InputStream in, EntryIntegrity integrity) throws IOException {
    EntryFormat.Header header = EntryFormat.readHeader(in);
    EntryFormat.PayloadInputStream payload = EntryFormat.payloadInput(in);
    payload.verifyEnd();
    integrity.skipTag(header, in);
    if (in.read() != -1) {
      throw new CorruptEntryException("bytes follow the end of the entry");
    }
    return new Checked(header, payload.size());
  }
}
