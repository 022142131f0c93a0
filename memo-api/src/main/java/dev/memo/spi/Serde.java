package dev.memo.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Turns results into bytes and back. memo writes the serde's name in each entry's header and reads
 * an entry with the serde named there, so entries stay readable after the configuration switches to
 * another serde. Thread-safe.
 */
public interface Serde {
  /**
   * Returns the provider name this serde is selected by and recorded under, such as {@code java}.
   *
   * @return the name
   */
  String name();

  /**
   * Writes a value. The stream is memo's; do not close it.
   *
   * @param value the value, may be null
   * @param out where to write
   * @throws dev.memo.SerdeException if the value cannot be serialized (naming its type)
   * @throws IOException if the stream fails
   */
  void write(@Nullable Object value, OutputStream out) throws IOException;

  /**
   * Reads a value written by {@link #write}. Must never instantiate a class it does not trust:
   * bytes in a store may have been written by anyone who could write there.
   *
   * @param in the payload; do not close it
   * @return the value, may be null
   * @throws dev.memo.SerdeException if the bytes are corrupt, truncated, foreign or name a refused
   *     or changed class
   * @throws IOException if the stream fails
   */
  @Nullable Object read(InputStream in) throws IOException;
}
