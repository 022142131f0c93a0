package dev.memo.serde.java;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The caller's output stream, never closed, remembering whether it failed: an exception it threw is
 * the caller's problem and passes through, while any other exception is the value's.
 */
final class CallerOutputStream extends OutputStream {
  private final OutputStream out;
  private RuntimeException runtimeFailure;
  private IOException ioFailure;

  CallerOutputStream(OutputStream out) {
    this.out = out;
  }

  /** Rethrows what the caller's stream threw, if it threw anything. */
  void rethrowFailure() throws IOException {
    if (ioFailure != null) {
      throw ioFailure;
    }
    if (runtimeFailure != null) {
      throw runtimeFailure;
    }
  }

  @Override
  public void write(int b) throws IOException {
    try {
      out.write(b);
    } catch (IOException e) {
      throw ioFailure = e;
    } catch (RuntimeException e) {
      throw runtimeFailure = e;
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      throw ioFailure = e;
    } catch (RuntimeException e) {
      throw runtimeFailure = e;
    }
  }

  @Override
  public void flush() throws IOException {
    try {
      out.flush();
    } catch (IOException e) {
      throw ioFailure = e;
    } catch (RuntimeException e) {
      throw runtimeFailure = e;
    }
  }

  @Override
  public void close() {
    // the stream is memo's to close
  }
}
