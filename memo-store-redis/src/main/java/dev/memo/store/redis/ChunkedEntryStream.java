package dev.memo.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Reads an entry larger than one chunk: the first chunk was read by {@link RedisStore#get}; each
 * later one is read, when needed, by a script that returns it only while the entry still carries
 * the first chunk's token. A reader therefore gets one version whole, or an {@link IOException}
 * when the entry was replaced or removed meanwhile (memo then computes the result). No connection
 * is held between chunks. Not thread-safe, as streams are not.
 */
final class ChunkedEntryStream extends InputStream {
  private final Connections connections;
  private final byte[] entryKey;
  private final String where;
  private final byte[] token;
  private final long end;
  private final int chunk;
  private byte[] current;
  private int position;

  /** The offset in the Redis value of the byte after {@code current}. */
  private long next;

  ChunkedEntryStream(
      Connections connections,
      byte[] entryKey,
      String where,
      RedisFrame.Header header,
      byte[] first,
      int chunk) {
    this.connections = connections;
    this.entryKey = entryKey;
    this.where = where;
    this.token = header.token();
    this.end = RedisFrame.HEADER_BYTES + header.length();
    this.chunk = chunk;
    this.current = first;
    this.position = RedisFrame.HEADER_BYTES;
    this.next = first.length;
  }

  @Override
  public int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return current[position++] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, current.length - position);
    System.arraycopy(current, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return current.length - position;
  }

  private boolean fill() throws IOException {
    if (position < current.length) {
      return true;
    }
    if (next >= end) {
      return false;
    }
    long from = next;
    long to = Math.min(end, from + chunk) - 1;
    Object reply =
        connections.call(
            "read " + where,
            jedis ->
                jedis.eval(
                    RedisStore.READ_CHUNK,
                    List.of(entryKey),
                    List.of(
                        token,
                        RedisKeys.bytes(Long.toString(from)),
                        RedisKeys.bytes(Long.toString(to)))));
    if (!(reply instanceof byte[] bytes)) {
      throw new IOException(
          where
              + " was replaced or removed in Redis while it was read;"
              + " it is computed instead");
    }
    if (bytes.length != to - from + 1) {
      throw new IOException(
          "the Redis value of "
              + where
              + " ends at "
              + (from + bytes.length)
              + " bytes where its header declares "
              + end
              + "; it is computed again and replaced");
    }
    current = bytes;
    position = 0;
    next = to + 1;
    return true;
  }
}
