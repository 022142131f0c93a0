package dev.memo.store.chronicle;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The map's values: a record per entry that starts with a kind byte and the entry's eviction stamp,
 * followed either by the entry's bytes (inline) or by the length and id of the file that holds them
 * (blob).
 *
 * <pre>
 * inline: 1 | stamp (8) | bytes …
 * blob:   2 | stamp (8) | length (8) | id (16)
 * </pre>
 */
final class Records {
  static final byte INLINE = 1;
  static final byte BLOB = 2;
  static final int HEADER = 9;
  static final int BLOB_RECORD = HEADER + 8 + 16;

  private Records() {}

  static byte[] inline(long stamp, byte[] bytes, int length) {
    byte[] r = new byte[HEADER + length];
    r[0] = INLINE;
    ByteBuffer.wrap(r).putLong(1, stamp);
    System.arraycopy(bytes, 0, r, HEADER, length);
    return r;
  }

  static byte[] blob(long stamp, long length, byte[] id) {
    return ByteBuffer.allocate(BLOB_RECORD)
        .put(BLOB)
        .putLong(stamp)
        .putLong(length)
        .put(id)
        .array();
  }

  /** Returns whether the record is one this store wrote: a known kind and a consistent length. */
  static boolean valid(byte[] r) {
    return r != null
        && r.length >= HEADER
        && (r[0] == INLINE || (r[0] == BLOB && r.length == BLOB_RECORD));
  }

  static boolean isBlob(byte[] r) {
    return r[0] == BLOB;
  }

  static long stamp(byte[] r) {
    return ByteBuffer.wrap(r).getLong(1);
  }

  static byte[] restamped(byte[] r, long stamp) {
    byte[] copy = r.clone();
    ByteBuffer.wrap(copy).putLong(1, stamp);
    return copy;
  }

  static long blobLength(byte[] r) {
    return ByteBuffer.wrap(r).getLong(HEADER);
  }

  static byte[] blobId(byte[] r) {
    return Arrays.copyOfRange(r, HEADER + 8, BLOB_RECORD);
  }

  /** Returns the bytes the entry counts against the byte budget: key, record and any file. */
  static long weight(byte[] key, byte[] r) {
    return (long) key.length + r.length + (isBlob(r) ? blobLength(r) : 0);
  }
}
