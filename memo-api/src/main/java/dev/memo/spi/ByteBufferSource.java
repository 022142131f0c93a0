package dev.memo.spi;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An input stream whose next bytes already lie in memory, checked, and can be had without a copy.
 * memo's payload stream implements it when the store's bytes are in memory (a directory store's
 * entry read whole, a memory store's), so that a {@link Serde} can copy a large value straight from
 * there into the value it builds (a {@code double[]}, say) instead of reading it into a buffer of
 * its own first. A serde checks for it with {@code instanceof} on the stream {@link Serde#read} is
 * given and falls back to plain reads otherwise; the two may be mixed, both consume the same bytes.
 *
 * <p>A buffer returned is a view of memory that memo reuses once the read is over: a serde copies
 * what it needs out of it before {@link Serde#read} returns and keeps no reference to it.
 */
public interface ByteBufferSource {
  /**
   * Returns up to {@code max} of the next bytes as a big-endian view, positioned at zero, and moves
   * past them; the view is not to be written to (memo's payload stream gives read-only ones). The
   * view holds at least one byte unless the bytes have ended; it may hold fewer than {@code max}
   * while more follow (the rest comes with the next call). Valid only until the next read from this
   * stream.
   *
   * @param max the most bytes wanted; at least 1
   * @return the bytes, empty at the end of the stream
   * @throws IOException if the bytes cannot be read, or fail their check
   */
  ByteBuffer next(int max) throws IOException;
}
