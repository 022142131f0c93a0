package dev.memo.store.chronicle;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A small memory-mapped file, {@code control}, that the processes sharing a store read and update
 * with atomic operations on the shared mapping: the current map generation, the logical clock that
 * stamps entries for eviction, and the entry and byte counts that trigger it. The counts are hints
 * that an eviction sweep recounts; the generation is authoritative.
 */
final class Control implements AutoCloseable {
  static final String FILE = "control";
  private static final long MAGIC = 0x6d656d6f_63686d31L; // "memochm1"
  private static final int SIZE = 64;
  private static final int MAGIC_AT = 0;
  private static final int GENERATION_AT = 8;
  private static final int CLOCK_AT = 16;
  private static final int ENTRIES_AT = 24;
  private static final int BYTES_AT = 32;
  private static final int IN_USE_AT = 40;
  // Atomic operations on a direct buffer are atomic across processes mapping the same file.
  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private final FileChannel channel;
  private final MappedByteBuffer buffer;

  private Control(FileChannel channel, MappedByteBuffer buffer) {
    this.channel = channel;
    this.buffer = buffer;
  }

  /** Opens the control file, creating it (generation 1) if absent; call under the store lock. */
  static Control open(Path root) throws IOException {
    FileChannel channel =
        FileChannel.open(
            root.resolve(FILE),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    try {
      MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
      Control control = new Control(channel, buffer);
      if ((long) LONGS.getVolatile(buffer, MAGIC_AT) != MAGIC) {
        // New (zero-filled) or torn before its first write completed: start at generation 1.
        LONGS.setVolatile(buffer, GENERATION_AT, 1L);
        LONGS.setVolatile(buffer, MAGIC_AT, MAGIC);
      }
      return control;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  long generation() {
    return (long) LONGS.getVolatile(buffer, GENERATION_AT);
  }

  void generation(long generation) {
    LONGS.setVolatile(buffer, GENERATION_AT, generation);
  }

  /** Returns the next stamp: the clock advances by one on every put. */
  long tick() {
    return (long) LONGS.getAndAdd(buffer, CLOCK_AT, 1L) + 1;
  }

  long clock() {
    return (long) LONGS.getVolatile(buffer, CLOCK_AT);
  }

  long entries() {
    return (long) LONGS.getVolatile(buffer, ENTRIES_AT);
  }

  long bytes() {
    return (long) LONGS.getVolatile(buffer, BYTES_AT);
  }

  void add(long entries, long bytes) {
    LONGS.getAndAdd(buffer, ENTRIES_AT, entries);
    LONGS.getAndAdd(buffer, BYTES_AT, bytes);
  }

  void counts(long entries, long bytes) {
    LONGS.setVolatile(buffer, ENTRIES_AT, entries);
    LONGS.setVolatile(buffer, BYTES_AT, bytes);
  }

  /** Whether some process had the store open and did not close it: it may have crashed. */
  boolean inUse() {
    return (long) LONGS.getVolatile(buffer, IN_USE_AT) != 0;
  }

  void inUse(boolean inUse) {
    LONGS.setVolatile(buffer, IN_USE_AT, inUse ? 1L : 0L);
    buffer.force();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
