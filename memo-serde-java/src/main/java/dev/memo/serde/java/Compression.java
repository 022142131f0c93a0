package dev.memo.serde.java;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A compressed format that {@link JavaSerialization} wraps around the serialized bytes, for serdes
 * that compress (gzip in this module, zstd in memo-serde-zstd). {@link JavaSerialization} hands
 * both methods a stream whose {@code close()} does nothing, so the streams returned here may close
 * what they wrap; and it tells a corrupt payload (any exception these streams throw) apart from a
 * failure of the caller's stream (which it rethrows unchanged).
 *
 * <p>Implementations are thread-safe; the streams they return are used by one thread.
 */
public interface Compression {
  /**
   * Returns a stream that compresses into {@code out}. Closing it must write the end of the
   * compressed data and release native resources (a {@code Deflater}, a zstd context). {@link
   * JavaSerialization} writes to it unbuffered, in the object stream's blocks of at most 1 KiB and
   * their few-byte headers: a compressor that does better with larger inputs buffers them itself.
   *
   * @param out where the compressed bytes go; its {@code close()} does nothing
   * @return the compressing stream, not null
   * @throws IOException if the compressed header cannot be written
   */
  OutputStream compress(OutputStream out) throws IOException;

  /**
   * Returns a stream that decompresses from {@code in} and ends where the compressed data ends,
   * failing if it is corrupt or its checksum does not match. Closing it must release native
   * resources. It may read ahead of the compressed data's end.
   *
   * @param in the compressed bytes; its {@code close()} does nothing
   * @return the decompressing stream, not null
   * @throws IOException if the bytes are not in this format
   */
  InputStream decompress(InputStream in) throws IOException;
}
