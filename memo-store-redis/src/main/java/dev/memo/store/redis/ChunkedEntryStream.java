package dev.memo.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;

/**
 * Reads an entry larger than its first read, chunk-sized pieces at a time.
 *
 * <p>{@link RedisStore#get} read the start of the value in one {@code GETRANGE}; each later round
 * trip, made when the reader gets there, reads up to {@link #PIECES_PER_TRIP} pieces with the
 * entry's token in one {@code MULTI}/{@code EXEC}, so that the pieces of a trip are one version,
 * and that version is the first read's when its token is. A reader therefore gets one version
 * whole, or an {@link IOException} when the entry was replaced or removed meanwhile (memo then
 * computes the result). No connection is held between trips, and no more than a trip's pieces are
 * held at once. Not thread-safe, as streams are not.
 */
final class ChunkedEntryStream extends InputStream {
  /** The most pieces one later round trip reads: a bound on the bytes held at once. */
  static final int PIECES_PER_TRIP = 8;

  private final Connections connections;
  private final byte[] entryKey;
  private final String where;
  private final byte[] token;
  private final long end;
  private final int chunk;
  private final ArrayDeque<byte[]> pieces = new ArrayDeque<>();
  private byte[] current;
  private int position;

  /** The offset in the Redis value of the first byte no piece holds yet. */
  private long next;

  /**
   * Continues an entry whose first pieces were read.
   *
   * @param connections where later pieces are read
   * @param entryKey the entry's key
   * @param where the entry, for messages
   * @param header the header the first piece starts with
   * @param first the start of the value, read whole
   * @param chunk the size of a later piece
   */
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
    while (position == current.length) {
      if (pieces.isEmpty()) {
        if (next >= end) {
          return false;
        }
        fetch();
      }
      current = pieces.remove();
      position = 0;
    }
    return true;
  }

  /** Reads the next trip's pieces, with the token, in one {@code MULTI}/{@code EXEC}. */
  private void fetch() throws IOException {
    long from = next;
    int n = (int) Math.min(PIECES_PER_TRIP, (end - from + chunk - 1) / chunk);
    byte[][] read =
        connections.call(
            "read " + where,
            jedis -> {
              @SuppressWarnings("unchecked")
              Response<byte[]>[] replies = new Response[n + 1];
              try (Transaction t = jedis.multi()) {
                replies[0] =
                    t.getrange(
                        entryKey,
                        RedisFrame.TOKEN_OFFSET,
                        RedisFrame.TOKEN_OFFSET + RedisFrame.TOKEN_BYTES - 1);
                for (int i = 0; i < n; i++) {
                  long start = from + (long) i * chunk;
                  replies[i + 1] = t.getrange(entryKey, start, Math.min(start + chunk, end) - 1);
                }
                t.exec();
              }
              byte[][] bytes = new byte[n + 1][];
              for (int i = 0; i <= n; i++) {
                bytes[i] = replies[i].get();
              }
              return bytes;
            });
    if (!Arrays.equals(read[0], token)) {
      throw new IOException(
          where
              + " was replaced or removed in Redis while it was"
              + " read; it is computed instead");
    }
    long at = from;
    for (int i = 1; i <= n; i++) {
      long expected = Math.min(at + chunk, end) - at;
      if (read[i].length != expected) {
        throw new IOException(
            "the Redis value of "
                + where
                + " ends at "
                + (at + read[i].length)
                + " bytes where its header declares "
                + end
                + "; it is computed again and replaced");
      }
      pieces.add(read[i]);
      at += expected;
    }
    next = at;
  }
}
