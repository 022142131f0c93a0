package dev.memo.core.store;

import dev.memo.spi.ByteBufferSource;
import dev.memo.spi.support.RegularFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Reads a directory store's larger entries whole, with one read of the file into a reused direct
 * buffer, and serves them from there. A stream over a file copies every byte twice before memo sees
 * it (the kernel's copy into the channel's own direct buffer, then into the heap array) and then
 * again into each reader's buffer; read whole, the entry's chunks are checked and handed to the
 * serde where they lie ({@link ByteBufferSource}), so a 1 MiB {@code double[]} costs the kernel's
 * copy and the serde's copy into the array.
 *
 * <p>Only entries of {@value #MIN_BYTES} to {@value #MAX_BYTES} bytes are read so: a smaller one
 * costs less through the stream than a buffer's bookkeeping, and a larger one would pin more memory
 * than its read saves. The buffers are shared by all directory stores of the process; idle ones are
 * kept up to {@value #MAX_IDLE_BYTES} bytes in all, so that what a burst of parallel reads
 * allocated is returned to the collector. A buffer goes back when its stream is closed: a stream
 * not closed only loses its buffer to the collector.
 *
 * <p>Smaller entries are read at once too, through the file's stream into an array of their size
 * ({@link #small}), so that the reader needs no buffer of its own.
 *
 * <p>The channel is read only on a thread that is not interrupted, as an interrupt closes a channel
 * in the middle of a read; if one arrives during the read, the entry is read again through {@link
 * RegularFiles#open(Path)}'s stream, which an interrupt does not close, and the interrupt is kept.
 * A file found longer than it was when opened (being written in place, which memo never does) is
 * likewise read again through the stream, whose checks then decide.
 */
final class WholeEntries {
  /** Entries smaller than this are read through the file's stream. */
  static final int MIN_BYTES = 64 * 1024;

  /** Entries larger than this are read through the file's stream. */
  static final int MAX_BYTES = 16 * 1024 * 1024;

  /** The most bytes of idle buffers kept for the next reads. */
  static final long MAX_IDLE_BYTES = 32L * 1024 * 1024;

  /** Buffers are allocated in multiples of this, so that entries of similar sizes share them. */
  private static final int GRAIN = 64 * 1024;

  /**
   * The most bytes of buffers in use and idle at once: a sixteenth of the heap (the default bound
   * of direct memory is the heap's), at most 64 MiB. A read beyond it, as when many threads read
   * large entries at once, goes through the stream, so that these buffers never take the direct
   * memory other libraries of the process need.
   */
  static final long BUDGET_BYTES =
      Math.min(64L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 16);

  /** How long whole reads pause after direct memory ran out. */
  private static final long PAUSE_NANOS = 30_000_000_000L;

  private static final ConcurrentLinkedDeque<ByteBuffer> IDLE = new ConcurrentLinkedDeque<>();
  private static final AtomicLong IDLE_BYTES = new AtomicLong();

  /** Bytes of the buffers allocated here and not yet left to the collector: in use and idle. */
  private static final AtomicLong OWNED_BYTES = new AtomicLong();

  /** When direct memory last ran out; far in the past at first. */
  private static volatile long disabledSince = System.nanoTime() - 2 * PAUSE_NANOS;

  private WholeEntries() {}

  /** Returns whether an entry of this size is read whole. */
  static boolean readsWhole(long size) {
    return size >= MIN_BYTES && size <= MAX_BYTES;
  }

  /**
   * Reads a regular file whole, if it can be read so.
   *
   * @param file the entry's path
   * @param before its attributes, of a regular file of a size {@link #readsWhole} accepts
   * @return the stream over its bytes; empty if the file is gone; null if it is to be read through
   *     {@link RegularFiles#open(Path, BasicFileAttributes)} instead (the thread was interrupted
   *     during the read, the file changed size, or direct memory is exhausted)
   * @throws IOException if it cannot be opened or read
   */
  static @Nullable Optional<InputStream> read(Path file, BasicFileAttributes before)
      throws IOException {
    if (System.nanoTime() - disabledSince < PAUSE_NANOS) {
      return null;
    }
    Optional<FileChannel> opened = RegularFiles.openChannel(file, before);
    if (opened.isEmpty()) {
      return Optional.empty();
    }
    // The one owner of the buffer until it is handed to the stream or given back: null after.
    ByteBuffer buffer = null;
    try (FileChannel channel = opened.get()) {
      long size = channel.size();
      if (!readsWhole(size)) {
        return null;
      }
      // One byte more than the size: a file that grew since is told from one that did not.
      buffer = take((int) size + 1);
      if (buffer == null) {
        return null;
      }
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // read until the end of the file or of the buffer
      }
      buffer.flip();
      if (buffer.remaining() != size) {
        return null; // the finally gives the buffer back
      }
      Input in = new Input(buffer);
      buffer = null;
      return Optional.of(in);
    } catch (ClosedByInterruptException e) {
      return null;
    } finally {
      if (buffer != null) {
        give(buffer);
      }
    }
  }

  /**
   * Reads a small entry's stream at once into an array of the size its attributes gave, and closes
   * it. A file longer than that (being written in place, which memo never does) keeps its stream
   * open: its rest follows the array's bytes, so the entry's checks see every byte.
   *
   * @param in the entry file's stream; closed unless the file turned out longer
   * @param size the file's size when its attributes were read, under {@link #MIN_BYTES}
   * @return the entry's bytes
   * @throws IOException if the stream fails
   */
  static InputStream small(InputStream in, long size) throws IOException {
    boolean rest = false;
    try {
      byte[] bytes = new byte[(int) size + 1];
      int n = 0;
      for (int r; n < bytes.length && (r = in.read(bytes, n, bytes.length - n)) >= 0; ) {
        n += r;
      }
      if (n < bytes.length) {
        return new SmallEntry(bytes, n);
      }
      rest = true;
      return new SequenceInputStream(new ByteArrayInputStream(bytes), in);
    } finally {
      if (!rest) {
        in.close();
      }
    }
  }

  /**
   * A small entry's bytes, read at once: the payload stream checks and serves its chunks where they
   * lie ({@link ByteBufferSource}) instead of copying each into an array of its own.
   */
  static final class SmallEntry extends ByteArrayInputStream implements ByteBufferSource {
    SmallEntry(byte[] bytes, int length) {
      super(bytes, 0, length);
    }

    @Override
    public synchronized ByteBuffer next(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("max must be at least 1, not " + max);
      }
      int n = Math.min(max, count - pos);
      // Not read-only: a checksum over a heap view without its array would copy it (memo's
      // payload stream hands serdes read-only views of it).
      ByteBuffer view = ByteBuffer.wrap(buf, pos, n).slice();
      pos += n;
      return view;
    }
  }

  /**
   * Takes an idle buffer of at least {@code bytes}, or allocates one within the budget; cleared,
   * limited to them. Null if the budget or direct memory is exhausted.
   */
  private static @Nullable ByteBuffer take(int bytes) {
    ByteBuffer b = IDLE.pollFirst();
    if (b != null) {
      IDLE_BYTES.addAndGet(-b.capacity());
      if (b.capacity() < bytes) {
        // Too small: left to the collector, and a larger one takes its place when given back.
        OWNED_BYTES.addAndGet(-b.capacity());
        b = null;
      }
    }
    if (b == null) {
      int capacity = (int) Math.min(Integer.MAX_VALUE, roundUp(bytes));
      if (OWNED_BYTES.addAndGet(capacity) > BUDGET_BYTES) {
        OWNED_BYTES.addAndGet(-capacity);
        return null;
      }
      try {
        b = ByteBuffer.allocateDirect(capacity);
      } catch (OutOfMemoryError e) {
        // Direct memory is exhausted by others (-XX:MaxDirectMemorySize). The JDK collects and
        // waits up to half a second before it says so: whole reads pause rather than pay that on
        // every hit, and the stream needs no direct memory of this class's.
        OWNED_BYTES.addAndGet(-capacity);
        disabledSince = System.nanoTime();
        return null;
      }
    }
    b.clear().limit(bytes);
    return b;
  }

  private static long roundUp(int bytes) {
    return ((bytes + (long) GRAIN - 1) / GRAIN) * GRAIN;
  }

  /** Gives a buffer back for the next reads, unless the idle ones hold enough already. */
  static void give(ByteBuffer b) {
    if (IDLE_BYTES.addAndGet(b.capacity()) <= MAX_IDLE_BYTES) {
      IDLE.offerFirst(b);
    } else {
      IDLE_BYTES.addAndGet(-b.capacity());
      OWNED_BYTES.addAndGet(-b.capacity());
    }
  }

  /** Bytes of buffers in use or idle now; for tests. */
  static long ownedBytes() {
    return OWNED_BYTES.get();
  }

  /** Bytes held by idle buffers now; for tests. */
  static long idleBytes() {
    return IDLE_BYTES.get();
  }

  /**
   * A stream over an entry read whole: its bytes as plain reads or as views ({@link
   * ByteBufferSource}); closing it gives the buffer back, after which it reads nothing.
   */
  static final class Input extends InputStream implements ByteBufferSource {
    private @Nullable ByteBuffer buffer;

    Input(ByteBuffer buffer) {
      this.buffer = buffer;
    }

    private ByteBuffer open() throws IOException {
      ByteBuffer b = buffer;
      if (b == null) {
        throw new IOException("entry stream is closed");
      }
      return b;
    }

    @Override
    public int read() throws IOException {
      ByteBuffer b = open();
      return b.hasRemaining() ? b.get() & 0xFF : -1;
    }

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
      ByteBuffer b = open();
      java.util.Objects.checkFromIndexSize(off, len, dst.length);
      if (len == 0) {
        return 0;
      }
      if (!b.hasRemaining()) {
        return -1;
      }
      int n = Math.min(len, b.remaining());
      b.get(dst, off, n);
      return n;
    }

    @Override
    public ByteBuffer next(int max) throws IOException {
      ByteBuffer b = open();
      if (max < 1) {
        throw new IllegalArgumentException("max must be at least 1, not " + max);
      }
      int n = Math.min(max, b.remaining());
      ByteBuffer view = b.slice(b.position(), n);
      b.position(b.position() + n);
      return view;
    }

    @Override
    public long skip(long n) throws IOException {
      ByteBuffer b = open();
      int s = (int) Math.max(0, Math.min(n, b.remaining()));
      b.position(b.position() + s);
      return s;
    }

    @Override
    public int available() throws IOException {
      return buffer == null ? 0 : buffer.remaining();
    }

    @Override
    public void close() {
      ByteBuffer b = buffer;
      if (b != null) {
        buffer = null;
        give(b);
      }
    }
  }
}
