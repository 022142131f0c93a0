package dev.memo.serde.kryo;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.util.Pool;
import dev.memo.MemoException;
import dev.memo.SerdeException;
import dev.memo.serde.java.Compression;
import dev.memo.serde.java.JavaSerialization;
import dev.memo.spi.Serde;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Kryo 5 as a serde: the payload is {@link KryoFormat}'s preamble, then a Kryo object graph
 * (references off, classes by name through {@link NameClassResolver}, allowed by {@link
 * KryoRules}), or, for a String or a one-dimensional primitive array, memo-serde-java's raw value.
 * With a compression set ({@code kryo-zstd}: memo-serde-zstd's, as the {@code zstd} serde uses it),
 * those bytes stream through it as they are written, and are decompressed into the read buffer. A
 * {@code kryo-zstd} payload of the earlier layout, where the compressed bytes were the {@code zstd}
 * serde's raw {@code byte[]} holding the kryo bytes, is still read.
 *
 * <p>A read takes the whole payload into memory first, so that every size the payload declares is
 * checked against the bytes that remain before anything is allocated for it ({@link BoundedInput}).
 * Kryo instances are not thread-safe: each call takes one, with its buffers, from a pool, and gives
 * it back unless the call failed (a failed call may leave it mid-graph).
 *
 * <p>Thread-safe.
 */
final class KryoSerde implements Serde {
  static final String NAME = "kryo";
  static final String ZSTD_NAME = "kryo-zstd";

  private static final int BUFFER = 64 * 1024;

  /** Buffers that grew beyond this are not kept in the pool. */
  private static final int KEEP = 4 * 1024 * 1024;

  private final String name;
  private final KryoRules rules;
  private final @Nullable Compression zstd;
  private final Pool<Context> contexts;

  /**
   * @param name {@code kryo} or {@code kryo-zstd}
   * @param rules what payloads may name, and the limits
   * @param zstd the compression the bytes stream through, or null for none
   */
  KryoSerde(String name, KryoRules rules, @Nullable Compression zstd) {
    this.name = name;
    this.rules = rules;
    this.zstd = zstd;
    int maxIdle = Math.max(8, 2 * Runtime.getRuntime().availableProcessors());
    this.contexts =
        new Pool<>(true, false, maxIdle) {
          @Override
          protected Context create() {
            return new Context(rules);
          }
        };
  }

  /** One Kryo instance and the buffers it writes and reads through; used by one thread. */
  static final class Context {
    final Kryo kryo;
    final Output output = new Output(BUFFER, -1);
    final BoundedInput input;
    byte[] bytes = new byte[BUFFER];

    Context(KryoRules rules) {
      NameClassResolver resolver = new NameClassResolver(rules);
      kryo = new Kryo(resolver, null); // null: no references
      resolver.open();
      kryo.setRegistrationRequired(true);
      kryo.setMaxDepth(rules.maxDepth());
      input = new BoundedInput(rules.maxLength());
    }

    /** Drops buffers a large value grew, so that the pool keeps only small ones. */
    void trim() {
      if (output.getBuffer().length > KEEP) {
        output.setBuffer(new byte[BUFFER], -1);
      }
      if (bytes.length > KEEP) {
        bytes = new byte[BUFFER];
      }
      input.setBuffer(bytes, 0, 0);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void write(@Nullable Object value, OutputStream out) throws IOException {
    Objects.requireNonNull(out, "out");
    String type = value == null ? "null" : value.getClass().getName();
    Sink sink = new Sink(out);
    Context c = contexts.obtain();
    boolean clean = false;
    try {
      // The compressing stream's close() ends its frame and gives its context back; the caller's
      // stream is never closed (Sink).
      try (OutputStream target = zstd == null ? sink : zstd.compress(sink)) {
        c.output.setOutputStream(target);
        if (isRaw(value)) {
          KryoFormat.writePreamble(c.output, KryoFormat.RAW);
          // memo-serde-java's raw fast path writes into the Output, which streams it on.
          JavaSerialization.write(
              value, c.output, new RawFilter(rules.maxLength(), Long.MAX_VALUE));
        } else {
          KryoFormat.writePreamble(c.output, KryoFormat.GRAPH);
          c.kryo.writeClassAndObject(c.output, value);
        }
        c.output.flush();
      }
      sink.flush();
      clean = true;
    } catch (RuntimeException e) {
      sink.rethrowFailure();
      throw writeFailure(type, e);
    } catch (IOException e) {
      // Not the caller's stream (rethrown above as it was): the compression failed.
      sink.rethrowFailure();
      throw new SerdeException(
          "value of type " + type + " cannot be compressed: " + describe(e), e);
    } catch (StackOverflowError e) {
      sink.rethrowFailure();
      throw new SerdeException(
          "value of type "
              + type
              + " nests objects too deeply to serialize"
              + " on this thread's stack; flatten it, or run with a larger thread stack (-Xss)",
          e);
    } finally {
      c.output.setOutputStream(null);
      if (clean) {
        c.trim();
        contexts.free(c);
      }
    }
  }

  private static boolean isRaw(Object value) {
    return value instanceof String
        || value instanceof double[]
        || value instanceof long[]
        || value instanceof int[]
        || value instanceof byte[]
        || value instanceof float[]
        || value instanceof short[]
        || value instanceof char[]
        || value instanceof boolean[];
  }

  private SerdeException writeFailure(String type, RuntimeException e) {
    SerdeException cause = serdeCause(e);
    if (cause != null) {
      return new SerdeException(
          "value of type " + type + " cannot be written: " + cause.getMessage(), e);
    }
    if (isDepthExceeded(e)) {
      return new SerdeException(
          "value of type "
              + type
              + " nests objects deeper than "
              + KryoRules.MAX_DEPTH
              + " ("
              + rules.maxDepth()
              + "), or holds a cycle, which kryo does"
              + " not write; raise the limit if such values are expected, or use the java serde for"
              + " values with cycles",
          e);
    }
    return new SerdeException("value of type " + type + " cannot be serialized: " + describe(e), e);
  }

  @Override
  public @Nullable Object read(InputStream in) throws IOException {
    Objects.requireNonNull(in, "in");
    Context c = contexts.obtain();
    boolean clean = false;
    Source source = new Source(in);
    try {
      int n;
      if (zstd == null) {
        n = readAll(source, c);
      } else {
        try (InputStream data = zstd.decompress(source)) {
          n = readAll(data, c);
        }
        if (n >= 2 && c.bytes[0] == 'm' && c.bytes[1] == 'r') {
          n = earlierLayout(c, n);
        }
      }
      c.input.setBuffer(c.bytes, 0, n);
      Object value = decode(c);
      clean = true;
      return value;
    } catch (RuntimeException e) {
      source.rethrowFailure();
      if (e instanceof MemoException && !(e instanceof SerdeException)) {
        // Not the payload's fault (a compression whose native library cannot load): the entry may
        // be good, so it is not reported as corrupt.
        throw e;
      }
      throw readFailure(e);
    } catch (IOException e) {
      source.rethrowFailure();
      throw new SerdeException(
          "payload's compressed data is corrupt or truncated (" + describe(e) + ")", e);
    } catch (StackOverflowError e) {
      throw new SerdeException(
          "payload nests values too deeply for this thread's stack; lower "
              + KryoRules.MAX_DEPTH
              + ", or run with a larger thread stack (-Xss)",
          e);
    } finally {
      if (clean) {
        c.trim();
        contexts.free(c);
      }
    }
  }

  /**
   * Unwraps a {@code kryo-zstd} payload of the earlier layout, where the decompressed bytes were
   * memo-serde-java's raw {@code byte[]} (its 'm' 'r' marker, a tag, a length) holding the kryo
   * bytes, and returns their count, now at the start of the context's buffer.
   */
  private int earlierLayout(Context c, int n) throws IOException {
    ByteArrayInputStream raw = new ByteArrayInputStream(c.bytes, 0, n);
    Object held = JavaSerialization.read(raw, new RawFilter(rules.maxLength(), n));
    requireEnd(raw.available());
    if (!(held instanceof byte[])) {
      throw new SerdeException(
          "payload holds a "
              + (held == null ? "null" : held.getClass().getName())
              + " where kryo-zstd writes bytes; it is corrupt or was not written by this serde");
    }
    byte[] bytes = (byte[]) held;
    System.arraycopy(bytes, 0, c.bytes, 0, bytes.length);
    return bytes.length;
  }

  /**
   * Reads a stream to its end into the context's buffer; returns the byte count. The buffer grows
   * only as bytes arrive, so what is held is what the payload really has; a payload (a decompressed
   * one above all: zstd expands a few bytes to a block of 128 KiB) that would need more than this
   * JVM's maximum heap to hold while it grows, or whose growth the heap cannot satisfy, is refused
   * as a {@link SerdeException} (a miss) rather than failing the call with an {@link
   * OutOfMemoryError}.
   */
  private static int readAll(InputStream in, Context c) throws IOException {
    byte[] b = c.bytes;
    int n = 0;
    while (true) {
      if (n == b.length) {
        b = grow(b);
        c.bytes = b;
      }
      int r = in.read(b, n, b.length - n);
      if (r < 0) {
        return n;
      }
      n += r;
    }
  }

  /** The buffer twice as large (at most 2 GiB) with its bytes, or a refusal that names why. */
  static byte[] grow(byte[] b) throws SerdeException {
    if (b.length >= Integer.MAX_VALUE - 8) {
      throw new SerdeException("payload is larger than 2 GiB, which kryo cannot read");
    }
    int next = (int) Math.min(Integer.MAX_VALUE - 8, 2L * b.length);
    long heap = Runtime.getRuntime().maxMemory();
    // While it grows, the old buffer and the new one are both held.
    if ((long) b.length + next > heap) {
      throw new SerdeException(tooLarge(b.length, heap));
    }
    try {
      return Arrays.copyOf(b, next);
    } catch (OutOfMemoryError e) {
      // Only this allocation failed, and nothing refers to a half-built value: the read is refused
      // and the function runs again, with this buffer's memory free.
      throw new SerdeException(tooLarge(b.length, heap), e);
    }
  }

  private static String tooLarge(int held, long heap) {
    return "payload has more than "
        + held
        + " bytes, and holding more does not fit in this JVM's heap (maximum "
        + heap
        + " bytes); it is corrupt (a compressed payload that expands without end), or was written"
        + " by a JVM with a larger heap (-Xmx)";
  }

  private Object decode(Context c) throws IOException {
    BoundedInput input = c.input;
    int kind = KryoFormat.readPreamble(input);
    if (kind == KryoFormat.RAW) {
      byte[] buffer = input.getBuffer();
      int at = input.position();
      int length = input.limit() - at;
      // 'm' 'r' or 'm' 'l' (arrays of wider elements, little-endian): the markers memo-serde-java
      // documents for its raw values. Nothing else is handed to it, so that a forged payload
      // cannot reach its object stream through this serde.
      if (length < 2 || buffer[at] != 'm' || (buffer[at + 1] != 'r' && buffer[at + 1] != 'l')) {
        throw new SerdeException(
            "payload's raw value does not start with its marker; it is" + " corrupt");
      }
      ByteArrayInputStream raw = new ByteArrayInputStream(buffer, at, length);
      Object value = JavaSerialization.read(raw, new RawFilter(rules.maxLength(), length));
      requireEnd(raw.available());
      return value;
    }
    Object value = c.kryo.readClassAndObject(input);
    requireEnd(input.limit() - input.position());
    return value;
  }

  private static void requireEnd(int extra) {
    if (extra > 0) {
      throw new SerdeException("payload holds " + extra + " bytes after the value; it is corrupt");
    }
  }

  private SerdeException readFailure(RuntimeException e) {
    SerdeException cause = serdeCause(e);
    if (cause != null) {
      return cause;
    }
    if (isDepthExceeded(e)) {
      return new SerdeException(
          "payload nests values deeper than "
              + KryoRules.MAX_DEPTH
              + " ("
              + rules.maxDepth()
              + "); raise it if such values are expected",
          e);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KryoException
          && String.valueOf(t.getMessage()).startsWith("Buffer underflow")) {
        return new SerdeException("payload ends before the value is complete; it is truncated", e);
      }
    }
    return new SerdeException(
        "payload is corrupt or was not written by this serde (" + describe(e) + ")", e);
  }

  private static SerdeException serdeCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SerdeException) {
        return (SerdeException) t;
      }
    }
    return null;
  }

  private static boolean isDepthExceeded(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KryoException
          && String.valueOf(t.getMessage()).startsWith("Max depth exceeded")) {
        return true;
      }
    }
    return false;
  }

  /** The exception's class and the first line of its message (Kryo appends its trace). */
  private static String describe(Throwable e) {
    String message = e.getMessage();
    if (message == null) {
      return e.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return e.getClass().getSimpleName()
        + ": "
        + (newline < 0 ? message : message.substring(0, newline));
  }

  /**
   * Allows memo-serde-java's raw reader only the one-dimensional primitive arrays, String (as its
   * chars) and boxed primitives, and only lengths the payload can hold at their fixed size.
   */
  private static final class RawFilter implements ObjectInputFilter {
    private final long maxLength;
    private final long payloadBytes;

    RawFilter(long maxLength, long payloadBytes) {
      this.maxLength = maxLength;
      this.payloadBytes = payloadBytes;
    }

    @Override
    public Status checkInput(FilterInfo info) {
      Class<?> type = info.serialClass();
      if (type == null || !(isRaw(type) || isBoxed(type))) {
        throw new SerdeException(
            "payload's raw value names "
                + type
                + ", which kryo never"
                + " writes raw; it is corrupt");
      }
      long length = info.arrayLength();
      if (length >= 0) {
        if (length > maxLength) {
          throw new SerdeException(
              "payload declares an array of "
                  + length
                  + " elements, more"
                  + " than "
                  + KryoRules.MAX_LENGTH
                  + " ("
                  + maxLength
                  + "); raise it if such values"
                  + " are expected");
        }
        // The raw layout: marker, tag and a 4-byte length, then the elements at fixed sizes
        // (a String's chars at one byte at least).
        long bytes = length * (type == char[].class ? 1 : elementSize(type.getComponentType()));
        if (bytes > payloadBytes - 7) {
          throw new SerdeException(
              "payload declares an array of "
                  + length
                  + " elements but"
                  + " holds only "
                  + Math.max(0, payloadBytes - 7)
                  + " more bytes; it is corrupt");
        }
      }
      return Status.ALLOWED;
    }

    private static boolean isRaw(Class<?> type) {
      return type.isArray() && type.getComponentType().isPrimitive();
    }

    private static boolean isBoxed(Class<?> type) {
      return type == Integer.class
          || type == Long.class
          || type == Double.class
          || type == Float.class
          || type == Short.class
          || type == Byte.class
          || type == Character.class
          || type == Boolean.class;
    }

    private static int elementSize(Class<?> c) {
      if (c == byte.class || c == boolean.class) {
        return 1;
      }
      if (c == char.class || c == short.class) {
        return 2;
      }
      return c == int.class || c == float.class ? 4 : 8;
    }
  }

  /**
   * The caller's stream as a read sees it, never closed; remembers its failure so that it is
   * rethrown unchanged, told apart from a failure of the decompression reading through it.
   */
  private static final class Source extends InputStream {
    private final InputStream in;
    private IOException failure;

    Source(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public void close() {}

    void rethrowFailure() throws IOException {
      if (failure != null) {
        throw failure;
      }
    }
  }

  /** The caller's stream, never closed; remembers its failure so that it is rethrown unchanged. */
  private static final class Sink extends OutputStream {
    private final OutputStream out;
    private IOException failure;

    Sink(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public void close() {}

    void rethrowFailure() throws IOException {
      if (failure != null) {
        throw failure;
      }
    }
  }

  @Override
  public String toString() {
    return "KryoSerde{" + name + ", Kryo " + KryoFormat.KRYO_VERSION + ", " + rules + "}";
  }
}
