package dev.memo.core.entry;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Counts the bytes that pass; does not close the stream it wraps. */
public final class CountingOutputStream extends FilterOutputStream {
  private long count;

  /**
   * @param out the stream to write to
   */
  public CountingOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    count += len;
  }

  @Override
  public void close() throws IOException {
    flush();
  }

  /**
   * @return bytes written
   */
  public long count() {
    return count;
  }
}
