package dev.memo.serde.java;

import dev.memo.SerdeException;
import dev.memo.spi.ByteBufferSource;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.IdentityHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The fast path: {@code byte[]}, the other one-dimensional primitive arrays, {@code String} and the
 * boxed primitives written as their raw bytes, without an object stream, so that the large numeric
 * results memo is often used for are copied straight through instead of going through {@code
 * ObjectOutputStream}'s per-element machinery, and a small result (a {@code Double}, a short {@code
 * String}) does not pay for setting up an object stream, which costs more than the rest of a hit.
 *
 * <pre>
 * marker 'm' 'r' | tag (1 byte) | length (int: elements, or chars of a String) | data
 * marker 'm' 'r' | tag (1 byte, 10 to 17) | value (1, 2, 4 or 8 bytes)     for a boxed primitive
 * marker 'm' 'r' | tag 18 | size (int) | per element: tag (0: null, 9: String, 10 to 17: boxed)
 *                                        and its value as above (a String's length and chars)
 * </pre>
 *
 * <p>Tag 18 is a flat list: a value whose class is exactly {@code ArrayList} and whose elements are
 * each null, a String or a boxed primitive, such as a small result of boxed numbers, which would
 * otherwise pay for an object stream and its class descriptors at every write and read. Any other
 * list (a subclass, {@code List.of}, one holding anything else) goes through the object stream. A
 * String object that the list holds more than once is written once and then as a reference to its
 * first element (tag 19 and that index), so it reads back shared, as from the object stream; boxed
 * values are written each time (two references to one {@code Integer} read back as two equal ones).
 *
 * <p>Elements are big-endian; floats and doubles keep their raw bits (NaN payloads included); a
 * String's chars are each written on their own in one to three bytes (modified UTF-8 without the
 * special NUL), so that unpaired surrogates survive the round trip as they do in Java
 * serialization. The marker's first byte differs from the {@code 0xAC} every Java serialization
 * stream starts with, which is how a reader tells the two apart; payloads written before the fast
 * path existed therefore still read.
 *
 * <p>No class is named, so nothing is instantiated but the array or String itself; its length is
 * still put to the reader's filter, so {@code memo.serde.java.max-array-length} and the heap check
 * apply as they do to serialized arrays. A flat list puts to the filter what an object stream
 * reading the same list would, in the same order and with the same depth and reference counts (the
 * class {@code ArrayList}; the {@code Object[]} of its size, which {@code ArrayList.readObject}
 * checks; then at each boxed element its class, or a reference to it once seen, and {@code Number}
 * above it; at each repeated String, the reference to it), so that the filter decides, and a
 * refusal reads, as for the serialized list. Allocation is bounded by the bytes read, not by the
 * length declared: up to {@link #EAGER_BYTES} at once, then doubling as the data arrives, so that a
 * corrupt length makes the read fail at the payload's end, not run out of memory; a list's elements
 * each take at least one byte, and its capacity likewise follows the elements read. Stateless and
 * thread-safe.
 */
final class RawValues {
  static final int MARKER_0 = 'm';
  static final int MARKER_1 = 'r';

  /**
   * The second byte of the marker of an array whose elements are written little-endian (the order
   * of the machines memo runs on, so that writing and reading a large array is a plain copy, not a
   * byte swap per element). Strings, boxed values, flat lists and {@code byte[]}/{@code boolean[]}
   * keep {@link #MARKER_1}; arrays written before it existed are big-endian and still read.
   */
  static final int MARKER_1_LITTLE = 'l';

  private static final int BUFFER = 64 * 1024;

  /**
   * The most bytes an array or String is given before its data has arrived: beyond it, the value
   * grows by doubling as its bytes are read, so that what a payload makes the reader allocate is
   * bounded by the bytes it holds, whatever length it declares.
   */
  static final int EAGER_BYTES = 1024 * 1024;

  private static final Class<?>[] TYPES = {
    null,
    byte[].class,
    boolean[].class,
    char[].class,
    short[].class,
    int[].class,
    float[].class,
    long[].class,
    double[].class,
    String.class,
    Boolean.class,
    Byte.class,
    Character.class,
    Short.class,
    Integer.class,
    Float.class,
    Long.class,
    Double.class
  };

  /** The first tag of a boxed primitive, written as its value's bytes alone (no length). */
  private static final int FIRST_BOXED = 10;

  /** The tag of a String; inside a list, the tag of a String element. */
  private static final int STRING = 9;

  /** The tag of a flat list of nulls, Strings and boxed primitives. */
  static final int LIST = 18;

  /** Inside a list, the tag of a null element. */
  private static final int NULL_ELEMENT = 0;

  /**
   * Inside a list, the tag of a String element that is the same object as an earlier element,
   * followed by that element's index. The object stream writes such a String as a reference to the
   * first, and its reader puts one more question to the filter for it (no class, the element's
   * depth, the count of references so far): written this way, the fast path's reader asks it too,
   * and the String is shared again after the read.
   */
  private static final int STRING_AGAIN = 19;

  /**
   * The most elements a list is given before they have arrived: beyond it, the list grows as its
   * elements are read (each takes at least one byte).
   */
  private static final int EAGER_ELEMENTS = EAGER_BYTES / 8;

  /** Bytes of each boxed primitive's value, by tag. */
  private static final int[] BOXED_BYTES = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 4, 4, 8, 8};

  private RawValues() {}

  /** Returns whether {@code value} takes the fast path. */
  static boolean handles(Object value) {
    if (value == null) {
      return false;
    }
    if (value.getClass() == ArrayList.class) {
      ArrayList<?> list = (ArrayList<?>) value;
      for (int i = 0; i < list.size(); i++) {
        Object element = list.get(i);
        if (element != null && elementTag(element.getClass()) == 0) {
          return false;
        }
      }
      return true;
    }
    return tag(value.getClass()) > 0;
  }

  /** The tag of a list element of this class (String or boxed), or 0 if a list cannot hold it. */
  private static int elementTag(Class<?> type) {
    int tag = tag(type);
    return tag >= STRING ? tag : 0;
  }

  private static int tag(Class<?> type) {
    for (int i = 1; i < TYPES.length; i++) {
      if (TYPES[i] == type) {
        return i;
      }
    }
    return 0;
  }

  /**
   * Writes a value that {@link #handles} accepts.
   *
   * @param filter the filter reads will use: a list holding a class it refuses is not written, as
   *     the object stream would not write it
   */
  static void write(Object value, OutputStream out, ObjectInputFilter filter) throws IOException {
    if (value.getClass() == ArrayList.class) {
      writeList((ArrayList<?>) value, out, filter);
      return;
    }
    int tag = tag(value.getClass());
    if (tag >= FIRST_BOXED) {
      ByteBuffer buf = ByteBuffer.allocate(3 + BOXED_BYTES[tag]);
      buf.put((byte) MARKER_0).put((byte) MARKER_1).put((byte) tag);
      putBoxed(value, buf);
      out.write(buf.array());
      return;
    }
    // A buffer the size of the value, up to 64 KiB: a small value does not pay for a large one.
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(BUFFER, 7 + maxBytes(value)));
    if (value instanceof String) {
      buf.put((byte) MARKER_0).put((byte) MARKER_1).put((byte) tag);
      writeString((String) value, buf, out);
    } else if (elementSize(value.getClass()) == 1) {
      buf.put((byte) MARKER_0).put((byte) MARKER_1).put((byte) tag);
      writeArray(value, buf, out);
    } else {
      buf.put((byte) MARKER_0).put((byte) MARKER_1_LITTLE).put((byte) tag);
      // The marker and the length stay big-endian; the elements go little-endian.
      buf.putInt(java.lang.reflect.Array.getLength(value));
      buf.order(ByteOrder.LITTLE_ENDIAN);
      writeElements(value, buf, out);
    }
    drain(buf, out);
  }

  private static void writeList(ArrayList<?> list, OutputStream out, ObjectInputFilter filter)
      throws IOException {
    // A snapshot, as ArrayList.writeObject fails rather than write a list changed meanwhile.
    Object[] elements = list.toArray();
    // The classes the object stream would have described, in its order, put to the filter.
    refuseUnreadable(ArrayList.class, filter);
    int seen = 0;
    long maxBytes = 4;
    for (Object element : elements) {
      if (element == null) {
        maxBytes++;
        continue;
      }
      int tag = elementTag(element.getClass());
      if (tag == 0) {
        throw new ConcurrentModificationException(
            "the list changed while it was written: it now holds a "
                + element.getClass().getName());
      }
      if (tag == STRING) {
        maxBytes += 5 + 3L * ((String) element).length();
        continue;
      }
      maxBytes += 1 + BOXED_BYTES[tag];
      if ((seen & (1 << tag)) == 0) {
        seen |= 1 << tag;
        refuseUnreadable(TYPES[tag], filter);
        if ((seen & 1) == 0 && Number.class.isAssignableFrom(TYPES[tag])) {
          seen |= 1;
          refuseUnreadable(Number.class, filter);
        }
      }
    }
    // A buffer the size of the list, up to 64 KiB; each element below needs at most 9 bytes free
    // (a boxed long after its tag, or a String's tag, length and first char).
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(BUFFER, 3 + maxBytes));
    buf.put((byte) MARKER_0).put((byte) MARKER_1).put((byte) LIST).putInt(elements.length);
    // The index of each String object's first element, as the object stream's handle table.
    IdentityHashMap<Object, Integer> strings = null;
    for (int i = 0; i < elements.length; i++) {
      Object element = elements[i];
      if (buf.remaining() < 9) {
        drain(buf, out);
      }
      if (element == null) {
        buf.put((byte) NULL_ELEMENT);
      } else if (element instanceof String) {
        if (strings == null) {
          strings = new IdentityHashMap<>();
        }
        Integer first = strings.putIfAbsent(element, i);
        if (first != null) {
          buf.put((byte) STRING_AGAIN).putInt(first);
        } else {
          buf.put((byte) STRING);
          writeString((String) element, buf, out);
        }
      } else {
        buf.put((byte) elementTag(element.getClass()));
        putBoxed(element, buf);
      }
    }
    drain(buf, out);
  }

  private static void refuseUnreadable(Class<?> type, ObjectInputFilter filter) {
    String refusal = CheckingObjectOutputStream.writeRefusal(filter, type);
    if (refusal != null) {
      throw new SerdeException(
          "value of type " + ArrayList.class.getName() + " contains " + refusal);
    }
  }

  /** The most bytes the value's data can take (a String's chars take up to three each). */
  private static long maxBytes(Object value) {
    if (value instanceof String) {
      return Math.max(3L, 3L * ((String) value).length());
    }
    return Math.max(
        8L, (long) java.lang.reflect.Array.getLength(value) * elementSize(value.getClass()));
  }

  private static void putBoxed(Object value, ByteBuffer buf) {
    if (value instanceof Double) {
      buf.putLong(Double.doubleToRawLongBits((Double) value));
    } else if (value instanceof Integer) {
      buf.putInt((Integer) value);
    } else if (value instanceof Long) {
      buf.putLong((Long) value);
    } else if (value instanceof Boolean) {
      buf.put((byte) ((Boolean) value ? 1 : 0));
    } else if (value instanceof Float) {
      buf.putInt(Float.floatToRawIntBits((Float) value));
    } else if (value instanceof Short) {
      buf.putShort((Short) value);
    } else if (value instanceof Character) {
      buf.putChar((Character) value);
    } else {
      buf.put((Byte) value);
    }
  }

  private static Object getBoxed(int tag, ByteBuffer b) throws IOException {
    switch (tag) {
      case 10:
        {
          int v = b.get();
          if (v != 0 && v != 1) {
            throw new java.io.InvalidObjectException("boolean byte " + v + " is neither 0 nor 1");
          }
          return v == 1;
        }
      case 11:
        return b.get();
      case 12:
        return b.getChar();
      case 13:
        return b.getShort();
      case 14:
        return b.getInt();
      case 15:
        return Float.intBitsToFloat(b.getInt());
      case 16:
        return b.getLong();
      default:
        return Double.longBitsToDouble(b.getLong());
    }
  }

  private static void drain(ByteBuffer buf, OutputStream out) throws IOException {
    out.write(buf.array(), 0, buf.position());
    buf.clear();
  }

  private static void writeString(String s, ByteBuffer buf, OutputStream out) throws IOException {
    buf.putInt(s.length());
    for (int i = 0; i < s.length(); i++) {
      if (buf.remaining() < 3) {
        drain(buf, out);
      }
      char c = s.charAt(i);
      if (c < 0x80) {
        buf.put((byte) c);
      } else if (c < 0x800) {
        buf.put((byte) (0xC0 | (c >> 6))).put((byte) (0x80 | (c & 0x3F)));
      } else {
        buf.put((byte) (0xE0 | (c >> 12)))
            .put((byte) (0x80 | ((c >> 6) & 0x3F)))
            .put((byte) (0x80 | (c & 0x3F)));
      }
    }
  }

  private static void writeArray(Object array, ByteBuffer buf, OutputStream out)
      throws IOException {
    buf.putInt(java.lang.reflect.Array.getLength(array));
    writeElements(array, buf, out);
  }

  /** Writes an array's elements in {@code buf}'s order, draining it as it fills. */
  private static void writeElements(Object array, ByteBuffer buf, OutputStream out)
      throws IOException {
    int length = java.lang.reflect.Array.getLength(array);
    int at = 0;
    while (at < length) {
      if (buf.remaining() < 8) {
        drain(buf, out);
      }
      at = putSome(array, at, length, buf);
    }
  }

  /** Copies elements from {@code at} while they fit; returns the index of the next one. */
  private static int putSome(Object array, int at, int length, ByteBuffer buf) {
    if (array instanceof byte[]) {
      int n = Math.min(length - at, buf.remaining());
      buf.put((byte[]) array, at, n);
      return at + n;
    }
    if (array instanceof boolean[]) {
      boolean[] a = (boolean[]) array;
      int end = at + Math.min(length - at, buf.remaining());
      for (; at < end; at++) {
        buf.put((byte) (a[at] ? 1 : 0));
      }
      return at;
    }
    if (array instanceof char[]) {
      int n = Math.min(length - at, buf.remaining() / 2);
      buf.asCharBuffer().put((char[]) array, at, n);
      buf.position(buf.position() + 2 * n);
      return at + n;
    }
    if (array instanceof short[]) {
      int n = Math.min(length - at, buf.remaining() / 2);
      buf.asShortBuffer().put((short[]) array, at, n);
      buf.position(buf.position() + 2 * n);
      return at + n;
    }
    if (array instanceof int[]) {
      int n = Math.min(length - at, buf.remaining() / 4);
      buf.asIntBuffer().put((int[]) array, at, n);
      buf.position(buf.position() + 4 * n);
      return at + n;
    }
    // A view's bulk put copies raw bits (NaN payloads kept), swapping bytes in bulk.
    if (array instanceof float[]) {
      int n = Math.min(length - at, buf.remaining() / 4);
      buf.asFloatBuffer().put((float[]) array, at, n);
      buf.position(buf.position() + 4 * n);
      return at + n;
    }
    if (array instanceof long[]) {
      int n = Math.min(length - at, buf.remaining() / 8);
      buf.asLongBuffer().put((long[]) array, at, n);
      buf.position(buf.position() + 8 * n);
      return at + n;
    }
    int n = Math.min(length - at, buf.remaining() / 8);
    buf.asDoubleBuffer().put((double[]) array, at, n);
    buf.position(buf.position() + 8 * n);
    return at + n;
  }

  /**
   * Reads a value after its marker. Reads exactly the value's bytes, nothing after them.
   *
   * @param in positioned after the two marker bytes
   * @param filter asked about the array (or the String's chars) and its length before allocation
   * @throws EOFException if the payload ends early
   * @throws java.io.InvalidObjectException if the tag is unknown, the filter refuses, or a String's
   *     bytes are malformed
   */
  static @Nullable Object read(InputStream in, ObjectInputFilter filter) throws IOException {
    return read(in, filter, null, Long.MAX_VALUE, ByteOrder.BIG_ENDIAN);
  }

  /**
   * Reads a value after its marker, as {@link #read(InputStream, ObjectInputFilter)} does; an
   * array's elements are copied straight from {@code inMemory}'s views of the same bytes when it is
   * given, rather than through a buffer of their own.
   *
   * @param in positioned after the two marker bytes
   * @param filter asked about the array (or the String's chars) and its length before allocation
   * @param inMemory the payload's bytes in memory, consumed together with {@code in}; or null
   * @param maxBytes the most bytes the payload may hold, marker included; checked here for an array
   *     read from {@code inMemory}, which bypasses {@code in}'s count
   */
  static @Nullable Object read(
      InputStream in,
      ObjectInputFilter filter,
      @Nullable ByteBufferSource inMemory,
      long maxBytes,
      ByteOrder order)
      throws IOException {
    int tag = in.read();
    if (tag < 0) {
      throw new EOFException();
    }
    if (tag == 0 || tag > LIST) {
      throw new java.io.InvalidObjectException("unknown raw value tag " + tag);
    }
    if (order == ByteOrder.LITTLE_ENDIAN
        && (tag == LIST
            || tag >= FIRST_BOXED
            || TYPES[tag] == String.class
            || elementSize(TYPES[tag]) == 1)) {
      // One encoding per value: only arrays of wider elements are written little-endian.
      throw new java.io.InvalidObjectException("raw value tag " + tag + " is never little-endian");
    }
    if (tag == LIST) {
      return readList(in, filter, maxBytes);
    }
    if (tag >= FIRST_BOXED) {
      // No length and nothing to allocate but the box; the filter is still asked about its class.
      if (filter.checkInput(new FilterQuery(TYPES[tag], -1)) == ObjectInputFilter.Status.REJECTED) {
        throw new java.io.InvalidObjectException("filter status: REJECTED");
      }
      int bytes = BOXED_BYTES[tag];
      return getBoxed(tag, ByteBuffer.wrap(readFully(in, new byte[bytes], bytes)));
    }
    byte[] lengthBytes = readFully(in, new byte[4], 4);
    int length = ByteBuffer.wrap(lengthBytes).getInt();
    Class<?> type = TYPES[tag] == String.class ? char[].class : TYPES[tag];
    if (length < 0) {
      throw new java.io.InvalidObjectException("negative length " + length);
    }
    ObjectInputFilter.Status status = filter.checkInput(new FilterQuery(type, length));
    if (status == ObjectInputFilter.Status.REJECTED) {
      throw new java.io.InvalidObjectException("filter status: REJECTED");
    }
    if (TYPES[tag] == String.class) {
      return readString(in, length);
    }
    int size = elementSize(type);
    if (inMemory != null) {
      // marker (2) + tag (1) + length (4) + the elements
      if (7 + (long) length * size > maxBytes) {
        throw EvidenceInputStream.tooLong(maxBytes);
      }
      return readArray(inMemory, in, type, length, size, order);
    }
    // Allocation follows the bytes that arrived, never the declared length alone: a payload of a
    // few hundred bytes declaring fifty million elements ends (EOFException) after at most
    // EAGER_BYTES were allocated, and a real value costs one copy per doubling at most.
    int capacity = (int) Math.min(length, Math.max(1, EAGER_BYTES / size));
    Object array = java.lang.reflect.Array.newInstance(type.getComponentType(), capacity);
    byte[] chunk = new byte[(int) Math.min(BUFFER, Math.max(8L, (long) length * size))];
    int at = 0;
    while (at < length) {
      if (at == capacity) {
        capacity = (int) Math.min(length, 2L * capacity);
        array = grow(array, capacity);
      }
      int n = Math.min(capacity - at, chunk.length / size);
      readFully(in, chunk, n * size);
      getSome(array, at, n, ByteBuffer.wrap(chunk, 0, n * size).order(order));
      at += n;
    }
    return array;
  }

  /**
   * Reads an array's elements from views of the payload's memory: each view's whole elements are
   * copied (and swapped) straight into the array, and an element split between two views is put
   * together from both. Allocation follows the bytes that arrived, as for a stream.
   */
  private static Object readArray(
      ByteBufferSource inMemory,
      InputStream in,
      Class<?> type,
      int length,
      int size,
      ByteOrder order)
      throws IOException {
    int capacity = (int) Math.min(length, Math.max(1, EAGER_BYTES / size));
    Object array = java.lang.reflect.Array.newInstance(type.getComponentType(), capacity);
    byte[] split = null;
    int at = 0;
    while (at < length) {
      if (at == capacity) {
        capacity = (int) Math.min(length, 2L * capacity);
        array = grow(array, capacity);
      }
      ByteBuffer view =
          inMemory.next((int) Math.min(Integer.MAX_VALUE, (long) (capacity - at) * size));
      if (!view.hasRemaining()) {
        throw new EOFException();
      }
      // The marker's order, whatever order the source's views carry.
      view = view.slice().order(order);
      int n = view.remaining() / size;
      if (n > 0) {
        getSome(array, at, n, view);
        at += n;
        view.position(n * size);
      }
      int rest = view.remaining();
      if (rest > 0) {
        if (split == null) {
          split = new byte[8];
        }
        view.get(split, 0, rest);
        readFully(in, split, rest, size - rest);
        getSome(array, at, 1, ByteBuffer.wrap(split, 0, size).order(order));
        at++;
      }
    }
    return array;
  }

  /**
   * Reads a flat list after its tag. The filter is asked what an object stream reading the same
   * list would ask, at the same points: the class before anything else, the {@code Object[]} of its
   * size before any element is read or room made for it, and at each boxed element its class (the
   * first time) or a reference to it, with {@code Number} above the numbers, and at each String
   * written before a reference to it, at the depth and reference count the stream would report. A
   * String's first occurrence and nulls are not put to the filter, as the stream does not put them.
   */
  private static ArrayList<Object> readList(InputStream in, ObjectInputFilter filter, long maxBytes)
      throws IOException {
    ask(filter, ArrayList.class, -1, 1, 1);
    byte[] scratch = new byte[8];
    ByteBuffer value = ByteBuffer.wrap(scratch);
    int size = readInt(in, scratch, value);
    if (size < 0) {
      throw new java.io.InvalidObjectException("negative list size " + size);
    }
    ask(filter, Object[].class, size, 1, 2);
    // marker (2) + tag (1) + size (4) + at least one byte per element
    if (7 + (long) size > maxBytes) {
      throw EvidenceInputStream.tooLong(maxBytes);
    }
    // Room follows the elements that arrived, never the declared size alone: a payload of a few
    // bytes declaring a billion elements ends (EOFException) after EAGER_ELEMENTS references.
    ArrayList<Object> list = new ArrayList<>(Math.min(size, EAGER_ELEMENTS));
    // The list and its class descriptor; then each element, and each class descriptor read.
    long references = 2;
    int seen = 0;
    for (int i = 0; i < size; i++) {
      references++;
      int tag = in.read();
      if (tag < 0) {
        throw new EOFException();
      }
      if (tag == NULL_ELEMENT) {
        list.add(null);
        continue;
      }
      if (tag == STRING) {
        int length = readInt(in, scratch, value);
        if (length < 0) {
          throw new java.io.InvalidObjectException("negative length " + length);
        }
        list.add(readString(in, length));
        continue;
      }
      if (tag == STRING_AGAIN) {
        int first = readInt(in, scratch, value);
        if (first < 0 || first >= i || !(list.get(first) instanceof String)) {
          throw new java.io.InvalidObjectException(
              "list element " + i + " refers to element " + first + ", not an earlier String");
        }
        // What the object stream asks for its reference to an object it has read.
        ask(filter, null, -1, 2, references);
        list.add(list.get(first));
        continue;
      }
      if (tag < FIRST_BOXED || tag >= TYPES.length) {
        throw new java.io.InvalidObjectException("unknown raw list element tag " + tag);
      }
      if ((seen & (1 << tag)) == 0) {
        seen |= 1 << tag;
        ask(filter, TYPES[tag], -1, 2, references);
        references++;
        if (Number.class.isAssignableFrom(TYPES[tag])) {
          if ((seen & 1) == 0) {
            seen |= 1;
            ask(filter, Number.class, -1, 3, references);
            references++;
          } else {
            ask(filter, null, -1, 3, references);
          }
        }
      } else {
        ask(filter, null, -1, 2, references);
      }
      readFully(in, scratch, BOXED_BYTES[tag]);
      list.add(getBoxed(tag, value.rewind()));
    }
    return list;
  }

  private static void ask(
      ObjectInputFilter filter, @Nullable Class<?> type, long length, long depth, long references)
      throws java.io.InvalidObjectException {
    if (filter.checkInput(new FilterQuery(type, length, depth, references))
        == ObjectInputFilter.Status.REJECTED) {
      throw new java.io.InvalidObjectException("filter status: REJECTED");
    }
  }

  private static int readInt(InputStream in, byte[] scratch, ByteBuffer view) throws IOException {
    readFully(in, scratch, 4);
    return view.getInt(0);
  }

  /** Returns a copy of a primitive array with a new length. */
  private static Object grow(Object array, int length) {
    Object grown = java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), length);
    System.arraycopy(array, 0, grown, 0, java.lang.reflect.Array.getLength(array));
    return grown;
  }

  private static int elementSize(Class<?> arrayType) {
    Class<?> c = arrayType.getComponentType();
    if (c == byte.class || c == boolean.class) {
      return 1;
    }
    if (c == char.class || c == short.class) {
      return 2;
    }
    return c == int.class || c == float.class ? 4 : 8;
  }

  private static void getSome(Object array, int at, int n, ByteBuffer b) {
    if (array instanceof byte[]) {
      b.get((byte[]) array, at, n);
    } else if (array instanceof boolean[]) {
      boolean[] a = (boolean[]) array;
      for (int i = 0; i < n; i++) {
        a[at + i] = b.get() != 0;
      }
    } else if (array instanceof char[]) {
      b.asCharBuffer().get((char[]) array, at, n);
    } else if (array instanceof short[]) {
      b.asShortBuffer().get((short[]) array, at, n);
    } else if (array instanceof int[]) {
      b.asIntBuffer().get((int[]) array, at, n);
    } else if (array instanceof float[]) {
      // A view's bulk get copies raw bits (NaN payloads kept), swapping bytes in bulk.
      b.asFloatBuffer().get((float[]) array, at, n);
    } else if (array instanceof long[]) {
      b.asLongBuffer().get((long[]) array, at, n);
    } else {
      b.asDoubleBuffer().get((double[]) array, at, n);
    }
  }

  private static String readString(InputStream in, int length) throws IOException {
    // As for arrays: each char takes at least one byte, so the chars grow with the bytes read.
    char[] chars = new char[Math.min(length, EAGER_BYTES / 2)];
    byte[] buf = new byte[Math.min(BUFFER, Math.max(3, length))];
    int pos = 0;
    int limit = 0;
    for (int i = 0; i < length; i++) {
      if (i == chars.length) {
        chars = java.util.Arrays.copyOf(chars, (int) Math.min(length, 2L * chars.length));
      }
      if (pos == limit) {
        // Each char left takes at least one byte: reading no more than that many never consumes
        // what follows the value.
        limit = readSome(in, buf, 0, Math.min(buf.length, length - i));
        pos = 0;
      }
      int b = buf[pos] & 0xFF;
      int bytes = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 0;
      if (bytes == 0) {
        throw new java.io.InvalidObjectException("malformed string byte " + b);
      }
      if (limit - pos < bytes) {
        System.arraycopy(buf, pos, buf, 0, limit - pos);
        limit -= pos;
        pos = 0;
        readFully(in, buf, limit, bytes - limit);
        limit = bytes;
      }
      if (bytes == 1) {
        chars[i] = (char) b;
      } else if (bytes == 2) {
        chars[i] = (char) (((b & 0x1F) << 6) | continuation(buf[pos + 1]));
      } else {
        chars[i] =
            (char)
                (((b & 0x0F) << 12)
                    | (continuation(buf[pos + 1]) << 6)
                    | continuation(buf[pos + 2]));
      }
      pos += bytes;
    }
    return new String(chars);
  }

  /** Reads at least one and at most {@code max} bytes into {@code into} at {@code off}. */
  private static int readSome(InputStream in, byte[] into, int off, int max) throws IOException {
    int n;
    do {
      n = in.read(into, off, max);
    } while (n == 0);
    if (n < 0) {
      throw new EOFException();
    }
    return n;
  }

  private static int continuation(byte b) throws IOException {
    if ((b & 0xC0) != 0x80) {
      throw new java.io.InvalidObjectException("malformed string continuation byte " + (b & 0xFF));
    }
    return b & 0x3F;
  }

  private static byte[] readFully(InputStream in, byte[] into, int n) throws IOException {
    return readFully(in, into, 0, n);
  }

  private static byte[] readFully(InputStream in, byte[] into, int off, int n) throws IOException {
    int at = 0;
    while (at < n) {
      int r = in.read(into, off + at, n - at);
      if (r < 0) {
        throw new EOFException();
      }
      at += r;
    }
    return into;
  }
}
