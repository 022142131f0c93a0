package dev.memo.core.entry;

import dev.memo.spi.ByteBufferSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Counts the bytes that pass. Bytes taken as views ({@link #next}) count as read, so that a stream
 * whose bytes are in memory can be read without a copy and still measured.
 */
public final class CountingInputStream extends FilterInputStream {
  private long count;

  /**
   * @param in the stream to read from
   */
  public CountingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long s = in.skip(n);
    count += s;
    return s;
  }

  /**
   * Returns whether the stream below keeps its bytes in memory ({@link ByteBufferSource}), so that
   * {@link #next} can give views of them.
   *
   * @return whether {@link #next} may be called
   */
  public boolean inMemory() {
    return in instanceof ByteBufferSource;
  }

  /**
   * Returns up to {@code max} of the next bytes as a view, counted as read; only when {@link
   * #inMemory()}.
   *
   * @param max the most bytes wanted
   * @return the view, as {@link ByteBufferSource#next} gives it
   * @throws IOException if the stream below fails
   */
  public ByteBuffer next(int max) throws IOException {
    ByteBuffer view = ((ByteBufferSource) in).next(max);
    count += view.remaining();
    return view;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /**
   * @return bytes read
   */
  public long count() {
    return count;
  }
}
