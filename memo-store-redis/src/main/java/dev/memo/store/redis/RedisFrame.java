package dev.memo.store.redis;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How an entry sits in its Redis value: a header, then memo's entry bytes.
 *
 * <pre>
 * offset  bytes  field
 *      0      4  magic "mRe1"
 *      4     16  token: random, new for every put, so that a chunked reader can tell a replaced
 *                entry from the one it started reading
 *     20      8  length of the entry bytes that follow, big-endian
 *     28      …  the entry's bytes
 * </pre>
 *
 * <p>A reader that reads the value in several pieces checks, atomically with each later piece, that
 * the token is still the one it read first; so it reads one version whole or fails.
 */
final class RedisFrame {
  static final byte[] MAGIC = {'m', 'R', 'e', '1'};
  static final int TOKEN_OFFSET = 4;
  static final int TOKEN_BYTES = 16;
  static final int LENGTH_OFFSET = TOKEN_OFFSET + TOKEN_BYTES;
  static final int HEADER_BYTES = LENGTH_OFFSET + 8;

  private RedisFrame() {}

  /** Writes a header with the given token and length into the start of {@code buffer}. */
  static void writeHeader(byte[] buffer, byte[] token, long length) {
    System.arraycopy(MAGIC, 0, buffer, 0, MAGIC.length);
    System.arraycopy(token, 0, buffer, TOKEN_OFFSET, TOKEN_BYTES);
    ByteBuffer.wrap(buffer, LENGTH_OFFSET, 8).putLong(length);
  }

  /** Returns a length as the header's 8 bytes. */
  static byte[] lengthBytes(long length) {
    return ByteBuffer.allocate(8).putLong(length).array();
  }

  /**
   * Reads the header at the start of a value.
   *
   * @param value at least the first {@value #HEADER_BYTES} bytes of the value
   * @param where the entry, for the message
   * @return the token and the entry's length
   * @throws IOException if the value is not such a frame
   */
  static Header readHeader(byte[] value, String where) throws IOException {
    if (value.length < HEADER_BYTES
        || !Arrays.equals(value, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IOException(
          "the Redis value of "
              + where
              + " is not an entry of memo's redis"
              + " store ("
              + value.length
              + " bytes, no header); it is computed again and replaced");
    }
    long length = ByteBuffer.wrap(value, LENGTH_OFFSET, 8).getLong();
    if (length < 0 || length > Integer.MAX_VALUE) {
      throw new IOException(
          "the Redis value of "
              + where
              + " declares "
              + length
              + " bytes; it is computed again and replaced");
    }
    return new Header(Arrays.copyOfRange(value, TOKEN_OFFSET, TOKEN_OFFSET + TOKEN_BYTES), length);
  }

  /** A frame's header: the version's token and the length of the entry's bytes. */
  record Header(byte[] token, long length) {}
}
