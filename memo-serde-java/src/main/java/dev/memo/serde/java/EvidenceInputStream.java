package dev.memo.serde.java;

import dev.memo.SerdeException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * The serialized bytes of one read, between the (decompressed) payload and the reader: it counts
 * what it serves, refuses to serve more than {@value AllowListFilter#MAX_PAYLOAD_BYTES} allows, and
 * {@linkplain #holds proves} on request that bytes lie ahead by reading them before they are
 * served. The filter asks for that proof before the object stream allocates an array, so that an
 * array is never allocated for data the payload does not hold.
 *
 * <p>Never reads further ahead than it is asked to prove, so that a plain payload followed by other
 * bytes is still read up to its value's end only. One per read; not thread-safe.
 */
final class EvidenceInputStream extends InputStream {
  private static final int CHUNK = 64 * 1024;

  private final InputStream in;
  private final long maxBytes;

  /** Bytes read ahead and not served yet, oldest first; the first is served from {@link #head}. */
  private final ArrayDeque<byte[]> ahead = new ArrayDeque<>();

  private int head;
  private long aheadBytes;
  private long served;
  private long claimed;

  /** The byte {@link #read()} reads into: a single-byte read allocates nothing. */
  private final byte[] one = new byte[1];

  EvidenceInputStream(InputStream in, long maxBytes) {
    this(in, maxBytes, 0);
  }

  /**
   * @param in the bytes after the first {@code served}
   * @param maxBytes the most bytes the payload may hold, the first {@code served} included
   * @param served how many bytes the reader took from the payload before this stream
   */
  EvidenceInputStream(InputStream in, long maxBytes, long served) {
    this.in = in;
    this.maxBytes = maxBytes;
    this.served = served;
  }

  /** Returns how many bytes were served so far. */
  long served() {
    return served;
  }

  /**
   * Returns whether the payload holds {@code bytes} more bytes beyond {@code slack} bytes behind
   * the position served (which readers above may have buffered but not used), and whether, counting
   * every claim of this read together, it holds them all: the bytes of distinct array elements are
   * distinct bytes of the payload. Reads ahead as far as needed, never further.
   *
   * @param bytes the bytes the next array's elements take at least
   * @param slack how far the reader above may have read ahead of what it used
   * @return false if the payload ends before
   * @throws IOException if the stream below fails
   */
  boolean holds(long bytes, long slack) throws IOException {
    claimed += bytes;
    long through = Math.max(served + bytes, claimed) - slack;
    while (served + aheadBytes < through) {
      if (served + aheadBytes >= maxBytes) {
        throw tooLong();
      }
      int want = (int) Math.min(CHUNK, through - served - aheadBytes);
      byte[] chunk = new byte[want];
      int n = in.readNBytes(chunk, 0, want);
      if (n < want) {
        if (n > 0) {
          ahead.addLast(java.util.Arrays.copyOf(chunk, n));
          aheadBytes += n;
        }
        return false;
      }
      ahead.addLast(chunk);
      aheadBytes += n;
    }
    return true;
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int n;
    if (!ahead.isEmpty()) {
      byte[] first = ahead.peekFirst();
      n = Math.min(len, first.length - head);
      System.arraycopy(first, head, b, off, n);
      head += n;
      aheadBytes -= n;
      if (head == first.length) {
        ahead.removeFirst();
        head = 0;
      }
    } else {
      if (served >= maxBytes) {
        // One byte more tells a payload of exactly the limit from a longer one.
        if (in.read() < 0) {
          return -1;
        }
        throw tooLong();
      }
      n = in.read(b, off, (int) Math.min(len, maxBytes - served));
      if (n < 0) {
        return -1;
      }
    }
    served += n;
    return n;
  }

  private SerdeException tooLong() {
    return tooLong(maxBytes);
  }

  /** The failure of a payload holding more than {@code maxBytes}. */
  static SerdeException tooLong(long maxBytes) {
    return new SerdeException(
        "payload holds more than "
            + AllowListFilter.MAX_PAYLOAD_BYTES
            + " ("
            + maxBytes
            + ") bytes of serialized data; raise it if such values are expected");
  }

  @Override
  public int available() throws IOException {
    return ahead.isEmpty() ? in.available() : ahead.peekFirst().length - head;
  }

  @Override
  public void close() {
    // the stream below is closed by its owner
  }
}
