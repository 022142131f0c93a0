package dev.memo.serde.java;

import dev.memo.spi.ByteBufferSource;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * The caller's input stream, never closed, remembering whether it failed: an exception it threw is
 * the caller's problem and passes through, while any other exception means corrupt bytes.
 */
final class CallerInputStream extends InputStream {
  private final InputStream in;
  private RuntimeException runtimeFailure;
  private IOException ioFailure;

  CallerInputStream(InputStream in) {
    this.in = in;
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
  public int read() throws IOException {
    try {
      return in.read();
    } catch (IOException e) {
      throw ioFailure = e;
    } catch (RuntimeException e) {
      throw runtimeFailure = e;
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      return in.read(b, off, len);
    } catch (IOException e) {
      throw ioFailure = e;
    } catch (RuntimeException e) {
      throw runtimeFailure = e;
    }
  }

  /**
   * Returns the caller's stream as a {@link ByteBufferSource} whose failures are remembered like
   * those of the plain reads, or null if its bytes are not in memory.
   */
  @Nullable ByteBufferSource inMemory() {
    if (!(in instanceof ByteBufferSource)) {
      return null;
    }
    ByteBufferSource source = (ByteBufferSource) in;
    return max -> {
      try {
        return source.next(max);
      } catch (IOException e) {
        throw ioFailure = e;
      } catch (RuntimeException e) {
        throw runtimeFailure = e;
      }
    };
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      return in.skip(n);
    } catch (IOException e) {
      throw ioFailure = e;
    } catch (RuntimeException e) {
      throw runtimeFailure = e;
    }
  }

  @Override
  public int available() throws IOException {
    try {
      return in.available();
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
