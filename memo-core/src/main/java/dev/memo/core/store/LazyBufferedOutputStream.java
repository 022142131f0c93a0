package dev.memo.core.store;

import java.io.IOException;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/**
 * A {@link java.io.BufferedOutputStream} that allocates its buffer only when small writes come: a
 * write of {@value #DIRECT} bytes or more with nothing buffered goes straight to the file, so an
 * entry handed over whole (one array, as the writer thread publishes a waiting entry) allocates
 * nothing, while a serde's small writes are still gathered. Not thread-safe; {@link #close()} only
 * flushes, leaving the wrapped stream open.
 */
final class LazyBufferedOutputStream extends OutputStream {
  /** A write at least this long, with nothing buffered, goes straight through. */
  static final int DIRECT = 512;

  private final OutputStream out;
  private final int size;
  private byte @Nullable [] buf;
  private int count;

  LazyBufferedOutputStream(OutputStream out, int size) {
    this.out = out;
    this.size = size;
  }

  @Override
  public void write(int b) throws IOException {
    if (buf == null) {
      buf = new byte[size];
    } else if (count == buf.length) {
      flushBuffer();
    }
    buf[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (len >= size || (count == 0 && len >= DIRECT)) {
      flushBuffer();
      out.write(b, off, len);
      return;
    }
    if (buf == null) {
      buf = new byte[size];
    } else if (len > buf.length - count) {
      flushBuffer();
    }
    System.arraycopy(b, off, buf, count, len);
    count += len;
  }

  private void flushBuffer() throws IOException {
    if (count > 0) {
      out.write(buf, 0, count);
      count = 0;
    }
  }

  @Override
  public void flush() throws IOException {
    flushBuffer();
    out.flush();
  }

  @Override
  public void close() throws IOException {
    flush();
  }
}
