package dev.memo.serde.zstd;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import dev.memo.serde.java.Compression;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * zstd around Java serialization, with pooled contexts. The payload starts with one flag byte:
 *
 * <pre>
 * STORED (0) | the serialized bytes as they are
 * ZSTD   (1) | one zstd frame (content checksum on)
 * </pre>
 *
 * <p>A payload is stored as it is when it is smaller than the configured minimum, or when its first
 * block (up to {@value #BLOCK} bytes, zstd's own block size) does not compress by at least {@value
 * #MIN_RATIO}: compressing already compressed or random data, or numbers whose low bits are random,
 * costs time on every read and gains little. Deciding on the first block keeps writing streamed: at
 * most one block is held back while the decision is made, whatever the size of the value.
 *
 * <p>Streams go through {@code ZstdCompressCtx.compressDirectByteBufferStream} and {@code
 * ZstdDecompressCtx.decompressDirectByteBufferStream} on pooled contexts, not through zstd-jni's
 * {@code ZstdOutputStream} family: those allocate a native stream context per instance (their
 * {@code BufferPool} recycles only the Java-side buffers), which is the per-call cost this class
 * exists to avoid. The content checksum costs four bytes and an XXH64 pass; it is on because a
 * serde's payload can be read outside memo's checksummed entry format, and a corrupt payload must
 * surface as an error, not as a different value.
 *
 * <p>Other serdes compose with it as the {@code zstd} serde does with Java serialization: {@link
 * #of} gives the compression the {@code memo.serde.zstd.*} keys configure ({@code kryo-zstd}
 * streams its bytes through it).
 *
 * <p>Thread-safe; each stream it returns is used by one thread and holds one pooled context until
 * it is closed.
 */
public final class ZstdCompression implements Compression {
  static final int STORED = 0;
  static final int ZSTD = 1;
  static final int BLOCK = 128 * 1024;

  /** The first block's array as a stream starts: most payloads of a miss fit in it. */
  private static final int FIRST = 256;

  /**
   * How much the first block must shrink for a payload to be compressed: by a fifth. Reading a
   * compressed payload costs about a millisecond per MiB more than reading it stored (a 1 MiB
   * {@code double[]} of random values, which zstd shrinks by 6 %, read in 1.3 ms against 0.4 ms
   * stored), which a few per cent of disk do not pay for.
   */
  static final double MIN_RATIO = 1.25;

  private final int level;
  private final int minSize;
  final Pool<Compressor> compressors;
  final Pool<Decompressor> decompressors;

  ZstdCompression(int level, int minSize) {
    this.level = level;
    this.minSize = minSize;
    // Enough idle contexts for the threads that typically write or read at once; a burst beyond
    // creates more, and frees them when they come back to a full pool.
    int maxIdle = Math.max(8, 2 * Runtime.getRuntime().availableProcessors());
    // The native library is loaded by the first context, not here: a payload below the minimum is
    // stored and read without one, and a process that only reads such payloads never unpacks it.
    this.compressors =
        new Pool<>(
            () -> {
              NativeLibrary.require();
              return new Compressor();
            },
            maxIdle);
    this.decompressors =
        new Pool<>(
            () -> {
              NativeLibrary.require();
              return new Decompressor();
            },
            maxIdle);
  }

  /**
   * Returns the zstd compression configured by {@code memo.serde.zstd.level} and {@code
   * memo.serde.zstd.min-size}, with its own pool of contexts. zstd-jni's native library is loaded
   * by the first compression or decompression (here only when the level is set, to check it).
   *
   * @param config the configuration scoped to {@code memo.serde.zstd}
   * @return the compression, not null; thread-safe
   * @throws dev.memo.MemoConfigurationException if the level or the minimum size is invalid,
   *     quoting the key and the value
   * @throws dev.memo.MemoException if the level is set and the native library cannot be loaded on
   *     this platform, naming the platform and the ways out (otherwise the first compression or
   *     decompression throws it)
   */
  public static Compression of(dev.memo.MemoConfig config) {
    int level = ZstdSerdeProvider.level(config);
    int minSize = ZstdSerdeProvider.minSize(config);
    return new ZstdCompression(level, minSize);
  }

  int level() {
    return level;
  }

  int minSize() {
    return minSize;
  }

  @Override
  public OutputStream compress(OutputStream out) {
    return new CompressingStream(out);
  }

  @Override
  public InputStream decompress(InputStream in) throws IOException {
    int flag = in.read();
    if (flag < 0) {
      throw new EOFException();
    }
    if (flag == STORED) {
      return in;
    }
    if (flag != ZSTD) {
      throw new IOException(
          "payload does not start with the zstd serde's flag (0 or 1) but with " + flag);
    }
    return new DecompressingStream(in);
  }

  /** A compression context with the direct buffers its streaming calls need. */
  static final class Compressor implements AutoCloseable {
    final ZstdCompressCtx ctx = new ZstdCompressCtx();
    final ByteBuffer src = ByteBuffer.allocateDirect(BLOCK);
    final ByteBuffer dst = ByteBuffer.allocateDirect((int) Zstd.compressBound(BLOCK));
    final byte[] copy = new byte[dst.capacity()];

    @Override
    public void close() {
      ctx.close();
    }
  }

  /** A decompression context with the direct buffers its streaming calls need. */
  static final class Decompressor implements AutoCloseable {
    final ZstdDecompressCtx ctx = new ZstdDecompressCtx();
    final ByteBuffer src = ByteBuffer.allocateDirect(BLOCK);
    final ByteBuffer dst = ByteBuffer.allocateDirect(BLOCK);
    final byte[] copy = new byte[BLOCK];

    @Override
    public void close() {
      ctx.close();
    }
  }

  /**
   * Holds back the first block to decide between STORED and ZSTD, then streams: each full block is
   * compressed as it arrives, and nothing but one block and its compressed form is ever in memory.
   */
  private final class CompressingStream extends OutputStream {
    private final OutputStream out;

    /**
     * The first block as it arrives: grown as needed up to {@link #BLOCK}, so that a small payload
     * (the common miss) does not allocate a whole block of fresh memory per entry.
     */
    private byte[] first = new byte[FIRST];

    private int held;

    /** Null until decided; then set for ZSTD, and still null for STORED. */
    private @Nullable Compressor zstd;

    private boolean decided;
    private boolean closed;

    CompressingStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      if (!decided && held < BLOCK) {
        room(1);
        first[held++] = (byte) b;
        return;
      }
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (!decided) {
        int n = Math.min(len, BLOCK - held);
        room(n);
        System.arraycopy(b, off, first, held, n);
        held += n;
        off += n;
        len -= n;
        if (len == 0) {
          return;
        }
        decide(false);
      }
      if (zstd == null) {
        out.write(b, off, len);
        return;
      }
      while (len > 0) {
        int n = Math.min(len, zstd.src.remaining());
        zstd.src.put(b, off, n);
        off += n;
        len -= n;
        if (!zstd.src.hasRemaining()) {
          push(EndDirective.CONTINUE);
        }
      }
    }

    /** Grows the first block's array, doubling up to {@link #BLOCK}, to hold {@code n} more. */
    private void room(int n) {
      int need = held + n;
      if (need > first.length) {
        first = Arrays.copyOf(first, Math.min(BLOCK, Math.max(need, 2 * first.length)));
      }
    }

    /** Chooses STORED or ZSTD from the first block; {@code last} when it is all there is. */
    private void decide(boolean last) throws IOException {
      decided = true;
      if (held < minSize) {
        stored();
        return;
      }
      Compressor c = compressors.take();
      boolean keep = false;
      try {
        c.ctx.reset(); // a stream that failed may have left a frame open
        c.ctx.setLevel(level);
        c.ctx.setChecksum(true);
        c.src.clear();
        c.src.put(first, 0, held);
        c.src.flip();
        c.dst.clear();
        // END for a value that fits in one block, FLUSH otherwise: either way the whole block's
        // compressed form is in dst, and its size is the ratio's measure.
        EndDirective directive = last ? EndDirective.END : EndDirective.FLUSH;
        boolean done = c.ctx.compressDirectByteBufferStream(c.dst, c.src, directive);
        if (!done || c.src.hasRemaining() || c.dst.position() * MIN_RATIO > held) {
          stored();
          return;
        }
        out.write(ZSTD);
        drain(c);
        c.src.clear();
        keep = true;
        zstd = c;
      } finally {
        if (!keep) {
          compressors.give(c);
        }
      }
    }

    private void stored() throws IOException {
      out.write(STORED);
      out.write(first, 0, held);
    }

    private void drain(Compressor c) throws IOException {
      c.dst.flip();
      int n = c.dst.remaining();
      c.dst.get(c.copy, 0, n);
      c.dst.clear();
      out.write(c.copy, 0, n);
    }

    /** Compresses what src holds; with END, until the frame is complete. */
    private void push(EndDirective directive) throws IOException {
      zstd.src.flip();
      boolean done;
      do {
        done = zstd.ctx.compressDirectByteBufferStream(zstd.dst, zstd.src, directive);
        drain(zstd);
      } while (zstd.src.hasRemaining() || (directive != EndDirective.CONTINUE && !done));
      zstd.src.clear();
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (!decided) {
          decide(true);
        } else if (zstd != null) {
          push(EndDirective.END);
        }
      } finally {
        if (zstd != null) {
          compressors.give(zstd);
          zstd = null;
        }
      }
    }
  }

  /** Decompresses one frame, then requires the payload to end. */
  private final class DecompressingStream extends InputStream {
    private final InputStream in;
    private @Nullable Decompressor d;
    private boolean inputEnded;
    private boolean frameEnded;

    DecompressingStream(InputStream in) {
      this.in = in;
      this.d = decompressors.take();
      d.ctx.reset(); // a stream that failed may have left a frame half read
      d.src.clear().flip(); // empty, ready to be read
      d.dst.clear().flip();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (d == null) {
        throw new IOException("stream closed");
      }
      while (!d.dst.hasRemaining()) {
        if (frameEnded) {
          return -1;
        }
        step();
      }
      int n = Math.min(len, d.dst.remaining());
      d.dst.get(b, off, n);
      return n;
    }

    /** Feeds input and decompresses until some output or the frame's end. */
    private void step() throws IOException {
      if (!d.src.hasRemaining() && !inputEnded) {
        d.src.clear();
        int n = in.read(d.copy, 0, d.src.capacity());
        if (n < 0) {
          inputEnded = true;
        } else {
          d.src.put(d.copy, 0, n);
        }
        d.src.flip();
      }
      d.dst.clear();
      int before = d.src.remaining();
      boolean done = d.ctx.decompressDirectByteBufferStream(d.dst, d.src);
      d.dst.flip();
      if (done) {
        frameEnded = true;
        if (d.src.hasRemaining() || in.read() >= 0) {
          throw new IOException("payload holds bytes after the end of its zstd frame");
        }
      } else if (inputEnded && !d.dst.hasRemaining() && d.src.remaining() == before) {
        throw new EOFException("zstd frame ends early");
      }
    }

    @Override
    public void close() {
      if (d != null) {
        decompressors.give(d);
        d = null;
      }
    }
  }
}
