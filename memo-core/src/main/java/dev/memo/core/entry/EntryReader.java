package dev.memo.core.entry;

import dev.memo.Signature;
import dev.memo.spi.ByteBufferSource;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one reader of stored entries: every rule for reading an entry back lives here. With an
 * integrity key, the whole entry's tag is verified before any byte reaches a serde; then the header
 * (magic, version, checksum), the signer it names, the payload's checked chunks, the end marker,
 * the tag that a reader without a key skips, and that nothing follows the entry. The memoizer's
 * loads and {@code contains}, and {@code StoreAdmin.verify} (which the command line's {@code
 * verify} runs) all read through it. Immutable and thread-safe; each {@link Reading} belongs to the
 * thread that opened it.
 *
 * <p>An entry is opened for the namespace and key it was asked for under, and its header must name
 * the same ones: an entry moved, copied or linked to another key's place is broken, never a hit
 * (see {@link #checkHeader}). With an integrity key, the tag covers the header, so the key it names
 * cannot be forged either. An entry of format version 1, which names no key, is refused with an
 * {@link OutdatedEntryException}.
 */
public final class EntryReader {
  private final EntryIntegrity integrity;

  /** The signer the header must name, or null when any is accepted. */
  private final @Nullable String signer;

  private EntryReader(EntryIntegrity integrity, String signer) {
    this.integrity = integrity;
    this.signer = signer;
  }

  /**
   * Returns a reader of the entries of a memoizer, whose keys this signer made.
   *
   * @param integrity the integrity entries are verified with
   * @param signer the signer's name that every header must name
   * @return the reader
   */
  public static EntryReader forSigner(EntryIntegrity integrity, String signer) {
    return new EntryReader(integrity, Objects.requireNonNull(signer, "signer"));
  }

  /**
   * Returns a reader that accepts entries of any signer, for checking a store whose memoizer is
   * unknown.
   *
   * @param integrity the integrity entries are verified with
   * @return the reader
   */
  public static EntryReader anySigner(EntryIntegrity integrity) {
    return new EntryReader(integrity, null);
  }

  /**
   * Opens an entry a store returned: verifies its integrity tag (with a key), reads its header and
   * checks it. Closes {@code stored} if it fails.
   *
   * @param stored the store's stream, positioned at the start of the entry
   * @param namespace the namespace the entry was read from
   * @param key the key the entry was read under
   * @return the opened entry, positioned at its payload; the caller closes it
   * @throws OutdatedEntryException if the entry is of format version 1, which names no key
   * @throws CorruptEntryException if a check fails; the message says which
   * @throws IOException if reading fails
   */
  public Reading open(InputStream stored, String namespace, Signature key) throws IOException {
    CountingInputStream in =
        new CountingInputStream(buffered(integrity.verified(stored, namespace, key)));
    try {
      EntryFormat.Header header = EntryFormat.readHeader(in);
      checkHeader(header, namespace, key);
      return new Reading(in, header);
    } catch (IOException | RuntimeException e) {
      try {
        in.close();
      } catch (IOException c) {
        e.addSuppressed(c);
      }
      throw e;
    }
  }

  /**
   * Reads a whole entry and checks it, without deserializing its payload.
   *
   * @param stored the store's stream, positioned at the start of the entry; closed on return
   * @param namespace the namespace the entry was read from
   * @param key the key the entry was read under
   * @return the entry's header
   * @throws CorruptEntryException if a check fails; the message says which
   * @throws IOException if reading fails
   */
  public EntryFormat.Header check(InputStream stored, String namespace, Signature key)
      throws IOException {
    try (Reading r = open(stored, namespace, key)) {
      r.finish();
      return r.header();
    }
  }

  /**
   * The rules on a header that was read intact: it was written under the namespace and key it was
   * read from (an entry moved, copied or linked to another key's place is broken, never that key's
   * hit), and it names the signer of the reader's keys.
   */
  private void checkHeader(EntryFormat.Header header, String namespace, Signature key)
      throws CorruptEntryException {
    if (!header.bound()) {
      throw new OutdatedEntryException(
          "entry format version 1 does not record its key, so a moved"
              + " or copied entry cannot be told from its own; it is computed again");
    }
    if (!header.boundTo(namespace, key)) {
      throw new CorruptEntryException(
          "entry was written for key "
              + header.key().hex()
              + " of \""
              + header.namespace()
              + "\" but read as key "
              + key.hex()
              + " of \""
              + namespace
              + "\": it was moved, copied or linked to another key's place");
    }
    if (signer != null && !header.signer().equals(signer)) {
      throw new CorruptEntryException(
          "entry was signed by \"" + header.signer() + "\" but its key by \"" + signer + "\"");
    }
  }

  /**
   * Buffers a store's stream unless its bytes are in memory already, as the memory stores' are and
   * a directory store's entry read whole is ({@link ByteBufferSource}).
   */
  private static InputStream buffered(InputStream in) {
    return in instanceof ByteArrayInputStream || in instanceof ByteBufferSource
        ? in
        : new BufferedInputStream(in);
  }

  /**
   * One entry being read: its checked header, then its payload, then {@link #finish()}, which
   * accepts the entry only when everything after the payload is intact. Not thread-safe.
   */
  public final class Reading implements Closeable {
    private final CountingInputStream in;
    private final EntryFormat.Header header;
    private EntryFormat.PayloadInputStream payload;

    private Reading(CountingInputStream in, EntryFormat.Header header) {
      this.in = in;
      this.header = header;
    }

    /**
     * Returns the entry's header, checked.
     *
     * @return the header
     */
    public EntryFormat.Header header() {
      return header;
    }

    /**
     * Returns the payload, released chunk by chunk once each chunk's checksum matched.
     *
     * @return the payload stream; not to be closed by the caller
     */
    public EntryFormat.PayloadInputStream payload() {
      if (payload == null) {
        payload = EntryFormat.payloadInput(in);
      }
      return payload;
    }

    /**
     * Reads what the payload's reader left, the end marker, the integrity tag a reader without a
     * key skips, and checks that nothing follows: a value read from the payload is good only once
     * this returned.
     *
     * @return the entry's size in bytes, as stored
     * @throws CorruptEntryException if a check fails; the message says which
     * @throws IOException if reading fails
     */
    public long finish() throws IOException {
      payload().verifyEnd();
      integrity.skipTag(header, in);
      if (in.read() != -1) {
        throw new CorruptEntryException("bytes follow the end of the entry");
      }
      return in.count() + integrity.strippedBytes();
    }

    /** Closes the store's stream, and deletes the copy integrity verification kept, if any. */
    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
