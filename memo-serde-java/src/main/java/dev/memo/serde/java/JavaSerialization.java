package dev.memo.serde.java;

import dev.memo.MemoException;
import dev.memo.SerdeException;
import dev.memo.spi.ByteBufferSource;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.ByteOrder;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Java serialization as memo's serdes use it: written straight into the caller's stream, read back
 * through a filter set on that one stream, and every failure that is the payload's or the value's
 * (corrupt, truncated or foreign bytes, a refused, missing or changed class, a value that is not
 * serializable) reported as a {@link SerdeException} whose message says what to do. The caller's
 * streams are never closed, and an exception thrown by them passes through unchanged.
 *
 * <p>A serde built on this class, such as memo-serde-zstd's:
 *
 * <pre>{@code
 * AllowListFilter filter = AllowListFilter.of(config);   // shares memo.serde.java.* options
 * JavaSerialization.write(value, out, filter, zstd);     // zstd: a Compression
 * Object value = JavaSerialization.read(in, filter, zstd);
 * }</pre>
 *
 * <p>{@code byte[]}, the other one-dimensional primitive arrays, {@code String} and the boxed
 * primitives take a fast path: they are written as their raw bytes behind a two-byte marker ({@code
 * 'm' 'r'}), with no object stream; a reader tells them from Java serialization (which always
 * starts with {@code 0xACED}) by that marker, so payloads written before the fast path still read.
 * So does a flat list: an {@code ArrayList} (exactly that class) whose elements are each null, a
 * String or a boxed primitive, read back as an {@code ArrayList} after the filter was asked what an
 * object stream would ask it about the same list.
 *
 * <p>Thread-safe: each call uses its own streams.
 */
public final class JavaSerialization {

  private JavaSerialization() {}

  /**
   * Serializes a value into a stream. Equivalent to {@link #write(Object, OutputStream,
   * ObjectInputFilter, Compression)} without compression.
   *
   * @param value the value, may be null
   * @param out where to write; flushed, never closed
   * @param filter the filter reads will use; a value holding a class it refuses is not written
   * @throws SerdeException if the value, or anything it holds, is not serializable or not allowed
   *     by {@code filter}, naming the type and the ways out
   * @throws IOException if {@code out} fails; the exception is the one {@code out} threw
   */
  public static void write(@Nullable Object value, OutputStream out, ObjectInputFilter filter)
      throws IOException {
    write(value, out, filter, null);
  }

  /**
   * Serializes a value into a stream, through a compressed format. The bytes go to {@code out} as
   * they are produced, in the object stream's blocks of at most 1 KiB (give it a buffered stream),
   * never as one copy of the whole payload. A write that fails may have passed a prefix of the
   * payload to {@code out}, never the failure itself: discard what it wrote.
   *
   * @param value the value, may be null
   * @param out where to write; flushed, never closed
   * @param filter the filter reads will use; a value holding a class it refuses is not written,
   *     since it could never be read back
   * @param compression the compressed format, or null to write plain Java serialization
   * @throws SerdeException if the value, or anything it holds, is not serializable or not allowed
   *     by {@code filter}, naming the type and the ways out
   * @throws IOException if {@code out} fails; the exception is the one {@code out} threw
   */
  public static void write(
      @Nullable Object value,
      OutputStream out,
      ObjectInputFilter filter,
      @Nullable Compression compression)
      throws IOException {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(filter, "filter");
    String type = value == null ? "null" : value.getClass().getName();
    CallerOutputStream sink = new CallerOutputStream(out);
    try {
      OutputStream target = compression == null ? sink : compression.compress(sink);
      try (target) {
        if (RawValues.handles(value)) {
          RawValues.write(value, target, filter);
        } else {
          // No buffer of our own: the object stream's 1 KiB block buffer gathers its small writes,
          // and every stream memo hands a serde buffers too (an 8 KiB buffer here was a third of
          // the memory a small miss allocated, all of it fresh pages while the heap grows).
          CheckingObjectOutputStream objects = new CheckingObjectOutputStream(target, filter, type);
          objects.writeObject(value);
          // Not close(): that would close the caller's stream.
          objects.flush();
        }
      }
      sink.flush();
    } catch (IOException | RuntimeException e) {
      sink.rethrowFailure();
      throw writeFailure(type, e);
    } catch (StackOverflowError e) {
      sink.rethrowFailure();
      throw new SerdeException(
          "value of type "
              + type
              + " nests objects too deeply to serialize"
              + " on this thread's stack; flatten it, or run with a larger thread stack (-Xss)",
          e);
    }
  }

  private static SerdeException writeFailure(String type, Throwable e) {
    Throwable failure = e instanceof CheckingObjectOutputStream.AbortedWrite ? e.getCause() : e;
    if (failure instanceof SerdeException) {
      return (SerdeException) failure;
    }
    if (failure instanceof NotSerializableException) {
      return new SerdeException(
          CheckingObjectOutputStream.notSerializable(type, failure.getMessage()), failure);
    }
    return new SerdeException(
        "value of type " + type + " cannot be serialized: " + describe(failure), failure);
  }

  /**
   * Reads a value written by {@link #write(Object, OutputStream, ObjectInputFilter)}. Equivalent to
   * {@link #read(InputStream, ObjectInputFilter, Compression)} without compression.
   *
   * @param in the payload; never closed
   * @param filter decides on every class, array and reference before it is instantiated
   * @return the value, may be null
   * @throws SerdeException if the payload is corrupt, truncated or foreign, names a class that
   *     {@code filter} refuses, that is missing or that has changed, or exceeds a limit
   * @throws IOException if {@code in} fails; the exception is the one {@code in} threw
   */
  public static @Nullable Object read(InputStream in, ObjectInputFilter filter) throws IOException {
    return read(in, filter, null);
  }

  /**
   * Reads a value written by {@link #write(Object, OutputStream, ObjectInputFilter, Compression)}.
   * No class is instantiated, and no array allocated, before {@code filter} allows it. With
   * compression, the compressed data is read to its end so that its checksum is verified; without,
   * nothing is read past the serialized value.
   *
   * @param in the payload; never closed
   * @param filter decides on every class, array and reference before it is instantiated; an {@link
   *     AllowListFilter}'s refusals carry its reason and fix into the exception's message
   * @param compression the compressed format, or null for plain Java serialization
   * @return the value, may be null
   * @throws SerdeException if the payload is corrupt, truncated or foreign, names a class that
   *     {@code filter} refuses, that is missing or that has changed, or exceeds a limit
   * @throws IOException if {@code in} fails; the exception is the one {@code in} threw
   */
  public static @Nullable Object read(
      InputStream in, ObjectInputFilter filter, @Nullable Compression compression)
      throws IOException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(filter, "filter");
    CallerInputStream source = new CallerInputStream(in);
    RecordingFilter recorder = new RecordingFilter(filter);
    try {
      InputStream data = compression == null ? source : compression.decompress(source);
      try (data) {
        // Two bytes tell the fast path's marker from Java serialization's 0xACED. The stream that
        // counts the payload starts its count after them; they are pushed back for the object
        // stream, which never reads past the value: nothing after it is read.
        long maxBytes = maxPayloadBytes(filter);
        int first = data.read();
        int second = first < 0 ? -1 : data.read();
        if (second < 0) {
          throw new EOFException();
        }
        EvidenceInputStream counted = new EvidenceInputStream(data, maxBytes, 2);
        Object value;
        if (first == RawValues.MARKER_0
            && (second == RawValues.MARKER_1 || second == RawValues.MARKER_1_LITTLE)) {
          // A stored payload's bytes may be in memory: an array is then copied straight from them.
          ByteBufferSource inMemory = data == source ? source.inMemory() : null;
          ByteOrder order =
              second == RawValues.MARKER_1 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
          value = RawValues.read(counted, recorder, inMemory, maxBytes, order);
        } else {
          PushbackInputStream peek = new PushbackInputStream(counted, 2);
          peek.unread(second);
          peek.unread(first);
          ResolvingObjectInputStream objects = new ResolvingObjectInputStream(peek);
          recorder.requireEvidence(counted);
          objects.setObjectInputFilter(recorder);
          value = objects.readObject();
        }
        if (compression != null) {
          requireEnd(counted);
        }
        return value;
      }
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      source.rethrowFailure();
      if (e instanceof MemoException && !(e instanceof SerdeException)) {
        // Not the payload's fault (a compression whose native library cannot load): the entry may
        // be good, so it is not reported as corrupt.
        throw (MemoException) e;
      }
      throw readFailure(recorder, e);
    } catch (StackOverflowError e) {
      source.rethrowFailure();
      throw new SerdeException(
          "payload nests values too deeply for this thread's stack; lower "
              + AllowListFilter.MAX_DEPTH
              + " (or the filter's depth limit), or run with a larger"
              + " thread stack (-Xss)",
          e);
    }
  }

  private static long maxPayloadBytes(ObjectInputFilter filter) {
    return filter instanceof AllowListFilter
        ? ((AllowListFilter) filter).maxPayloadBytes()
        : AllowListFilter.DEFAULT_MAX_PAYLOAD_BYTES;
  }

  private static void requireEnd(InputStream data) throws IOException {
    // The end is the common case: one byte read, no buffer allocated for every hit.
    if (data.read() == -1) {
      return;
    }
    byte[] buffer = new byte[8192];
    long extra = 1;
    for (int n; (n = data.read(buffer)) != -1; ) {
      extra += n;
    }
    if (extra > 0) {
      throw new SerdeException("payload holds " + extra + " bytes after the value; it is corrupt");
    }
  }

  private static SerdeException readFailure(RecordingFilter recorder, Exception e) {
    // The filter's reason wins: a refusal may surface as any exception a readObject wraps it in.
    if (recorder.refusal() != null) {
      return new SerdeException(recorder.refusal(), e);
    }
    if (e instanceof SerdeException) {
      return (SerdeException) e;
    }
    if (e instanceof EOFException) {
      return new SerdeException("payload ends before the value is complete; it is truncated", e);
    }
    if (e instanceof ClassNotFoundException) {
      return new SerdeException(
          "payload names class "
              + e.getMessage()
              + ", which is not on the"
              + " class path; add the jar or module that defines it, or let the entry be recomputed",
          e);
    }
    if (e instanceof InvalidClassException && ((InvalidClassException) e).classname != null) {
      String className = ((InvalidClassException) e).classname;
      String message = e.getMessage();
      String reason =
          message.startsWith(className + "; ")
              ? message.substring(className.length() + 2)
              : message;
      return new SerdeException(
          "payload names class "
              + className
              + ", which has changed since"
              + " the value was written ("
              + reason
              + "); the entry is stale and must be recomputed",
          e);
    }
    return new SerdeException(
        "payload is corrupt or was not written by this serde (" + describe(e) + ")", e);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + message;
  }
}
