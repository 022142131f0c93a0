package dev.memo.core.sign;

import dev.memo.spi.Signer;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of {@link CanonicalEncoder}'s encoding (its class comment has the format): tags,
 * fixed-width little-endian numbers, strings as WTF-8, the leaf values (numbers, java.time values,
 * enum constants...), primitive arrays and primitive record components. Bytes gather in a buffer
 * and go to the current target hasher when it fills, at {@link #flush()}, or when the encoder
 * switches targets for a set element's or map entry's digest.
 *
 * <p>Not thread-safe: it belongs to one encoder.
 */
final class EncodingOutput {
  private static final VarHandle INT_LE = view(int[].class);
  private static final VarHandle LONG_LE = view(long[].class);

  // The views of the less common types are made on first use, each in a holder of its own: each
  // view's first use spins method handle classes, which a new process's first call need not pay for
  // types it does not sign.
  private static final class ShortView {
    static final VarHandle LE = view(short[].class);
  }

  private static final class CharView {
    static final VarHandle LE = view(char[].class);
  }

  private static final class FloatView {
    static final VarHandle LE = view(float[].class);
  }

  private static final class DoubleView {
    static final VarHandle LE = view(double[].class);
  }

  private final byte[] buf = new byte[CanonicalEncoder.BUFFER_SIZE];
  private final ByteBuffer bytes = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
  // Views of buf from index 0, for bulk copies of large primitive arrays; made on first use.
  private @Nullable ShortBuffer shortView;
  private @Nullable CharBuffer charView;
  private @Nullable IntBuffer intView;
  private @Nullable LongBuffer longView;
  private @Nullable FloatBuffer floatView;
  private @Nullable DoubleBuffer doubleView;

  /** Where flushed bytes go: the root hasher, or the sub-hasher of a set element or map entry. */
  private Signer.Hasher target;

  private int pos;

  /**
   * Creates the output of an encoder.
   *
   * @param root the hasher bytes go to until {@link #target(Signer.Hasher)} says otherwise
   */
  EncodingOutput(Signer.Hasher root) {
    this.target = root;
  }

  private static VarHandle view(Class<?> arrayType) {
    return MethodHandles.byteArrayViewVarHandle(arrayType, ByteOrder.LITTLE_ENDIAN);
  }

  /** Returns the hasher flushed bytes go to. */
  Signer.Hasher target() {
    return target;
  }

  /** Makes {@code hasher} the target of the bytes written from now on; flush first. */
  void target(Signer.Hasher hasher) {
    target = hasher;
  }

  /** Drops the buffered bytes and makes {@code root} the target again. */
  void reset(Signer.Hasher root) {
    pos = 0;
    target = root;
  }

  void flush() {
    if (pos > 0) {
      target.update(buf, 0, pos);
      pos = 0;
    }
  }

  void tag(byte tag) {
    ensure(1);
    buf[pos++] = tag;
  }

  void tagByte(byte tag, int value) {
    ensure(2);
    buf[pos] = tag;
    buf[pos + 1] = (byte) value;
    pos += 2;
  }

  void tagShort(byte tag, int value) {
    ensure(3);
    buf[pos] = tag;
    ShortView.LE.set(buf, pos + 1, (short) value);
    pos += 3;
  }

  void tagInt(byte tag, int value) {
    ensure(5);
    buf[pos] = tag;
    INT_LE.set(buf, pos + 1, value);
    pos += 5;
  }

  void tagLong(byte tag, long value) {
    ensure(9);
    buf[pos] = tag;
    LONG_LE.set(buf, pos + 1, value);
    pos += 9;
  }

  void rawInt(int value) {
    ensure(4);
    INT_LE.set(buf, pos, value);
    pos += 4;
  }

  void rawLong(long value) {
    ensure(8);
    LONG_LE.set(buf, pos, value);
    pos += 8;
  }

  void raw(byte[] bytes) {
    raw(bytes, 0, bytes.length);
  }

  void raw(byte[] bytes, int offset, int length) {
    if (length <= buf.length - pos) {
      System.arraycopy(bytes, offset, buf, pos, length);
      pos += length;
      return;
    }
    flush();
    if (length <= buf.length) {
      System.arraycopy(bytes, offset, buf, 0, length);
      pos = length;
    } else {
      // Large byte arrays go to the hasher as they are: no copy at all.
      target.update(bytes, offset, length);
    }
  }

  void string(String s) {
    int n = s.length();
    if (4 + 3 * n <= buf.length) {
      // Fits the buffer even at three bytes a char: encoded in one pass, the length written
      // before the bytes once they are counted. Same bytes as the two passes below.
      ensure(4 + 3 * n);
      int start = pos + 4;
      int p = start;
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          buf[p++] = (byte) c;
        } else if (c < 0x800) {
          buf[p++] = (byte) (0xC0 | c >> 6);
          buf[p++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          buf[p++] = (byte) (0xF0 | cp >> 18);
          buf[p++] = (byte) (0x80 | (cp >> 12 & 0x3F));
          buf[p++] = (byte) (0x80 | (cp >> 6 & 0x3F));
          buf[p++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          buf[p++] = (byte) (0xE0 | c >> 12);
          buf[p++] = (byte) (0x80 | (c >> 6 & 0x3F));
          buf[p++] = (byte) (0x80 | (c & 0x3F));
        }
      }
      INT_LE.set(buf, pos, p - start);
      pos = p;
      return;
    }
    int length = utf8Length(s, n);
    rawInt(length);
    if (length == n) {
      ascii(s, n);
    } else {
      utf8(s, n);
    }
  }

  void arrayHeader(byte descriptor, int length) {
    ensure(6);
    buf[pos] = CanonicalEncoder.PRIMITIVE_ARRAY;
    buf[pos + 1] = descriptor;
    INT_LE.set(buf, pos + 2, length);
    pos += 6;
  }

  void primitiveArray(Object a, byte descriptor) {
    // Small arrays are copied element by element behind what is already buffered; large ones are
    // copied a buffer at a time through a little-endian view and passed to the hasher chunk by
    // chunk. Both give the same bytes.
    switch (descriptor) {
      case 'B' -> {
        byte[] x = (byte[]) a;
        arrayHeader(descriptor, x.length);
        raw(x, 0, x.length);
      }
      case 'Z' -> {
        boolean[] x = (boolean[]) a;
        arrayHeader(descriptor, x.length);
        booleans(x);
      }
      case 'S' -> {
        short[] x = (short[]) a;
        arrayHeader(descriptor, x.length);
        if (fits(x.length, 2)) {
          for (short e : x) {
            ShortView.LE.set(buf, pos, e);
            pos += 2;
          }
        } else {
          flush();
          ShortBuffer view = shortView;
          if (view == null) {
            view = shortView = bytes.asShortBuffer();
          }
          for (int off = 0; off < x.length; off += view.capacity()) {
            int m = Math.min(view.capacity(), x.length - off);
            view.clear();
            view.put(x, off, m);
            target.update(buf, 0, m * 2);
          }
        }
      }
      case 'C' -> {
        char[] x = (char[]) a;
        arrayHeader(descriptor, x.length);
        if (fits(x.length, 2)) {
          for (char e : x) {
            CharView.LE.set(buf, pos, e);
            pos += 2;
          }
        } else {
          flush();
          CharBuffer view = charView;
          if (view == null) {
            view = charView = bytes.asCharBuffer();
          }
          for (int off = 0; off < x.length; off += view.capacity()) {
            int m = Math.min(view.capacity(), x.length - off);
            view.clear();
            view.put(x, off, m);
            target.update(buf, 0, m * 2);
          }
        }
      }
      case 'I' -> {
        int[] x = (int[]) a;
        arrayHeader(descriptor, x.length);
        if (fits(x.length, 4)) {
          for (int e : x) {
            INT_LE.set(buf, pos, e);
            pos += 4;
          }
        } else {
          flush();
          IntBuffer view = intView;
          if (view == null) {
            view = intView = bytes.asIntBuffer();
          }
          for (int off = 0; off < x.length; off += view.capacity()) {
            int m = Math.min(view.capacity(), x.length - off);
            view.clear();
            view.put(x, off, m);
            target.update(buf, 0, m * 4);
          }
        }
      }
      case 'J' -> {
        long[] x = (long[]) a;
        arrayHeader(descriptor, x.length);
        if (fits(x.length, 8)) {
          for (long e : x) {
            LONG_LE.set(buf, pos, e);
            pos += 8;
          }
        } else {
          flush();
          LongBuffer view = longView;
          if (view == null) {
            view = longView = bytes.asLongBuffer();
          }
          for (int off = 0; off < x.length; off += view.capacity()) {
            int m = Math.min(view.capacity(), x.length - off);
            view.clear();
            view.put(x, off, m);
            target.update(buf, 0, m * 8);
          }
        }
      }
      case 'F' -> {
        float[] x = (float[]) a;
        arrayHeader(descriptor, x.length);
        if (fits(x.length, 4)) {
          for (float e : x) {
            FloatView.LE.set(buf, pos, e);
            pos += 4;
          }
        } else {
          flush();
          FloatBuffer view = floatView;
          if (view == null) {
            view = floatView = bytes.asFloatBuffer();
          }
          for (int off = 0; off < x.length; off += view.capacity()) {
            int m = Math.min(view.capacity(), x.length - off);
            view.clear();
            view.put(x, off, m);
            target.update(buf, 0, m * 4);
          }
        }
      }
      case 'D' -> {
        double[] x = (double[]) a;
        arrayHeader(descriptor, x.length);
        if (fits(x.length, 8)) {
          for (double e : x) {
            DoubleView.LE.set(buf, pos, e);
            pos += 8;
          }
        } else {
          flush();
          DoubleBuffer view = doubleView;
          if (view == null) {
            view = doubleView = bytes.asDoubleBuffer();
          }
          for (int off = 0; off < x.length; off += view.capacity()) {
            int m = Math.min(view.capacity(), x.length - off);
            view.clear();
            view.put(x, off, m);
            target.update(buf, 0, m * 8);
          }
        }
      }
      default -> throw new AssertionError("primitive array descriptor " + (char) descriptor);
    }
  }

  /**
   * Writes a value whose encoding holds no other value: a boxed primitive, a number, UUID, class,
   * primitive optional, java.time value or enum constant.
   *
   * @param v the value, not null
   * @param s the shape of its class
   * @return false, writing nothing, if the shape is not such a value
   */
  boolean leaf(Object v, Shape s) {
    switch (s.kind) {
      case Shape.BOOLEAN -> tagByte(CanonicalEncoder.BOOLEAN, (Boolean) v ? 1 : 0);
      case Shape.BYTE -> tagByte(CanonicalEncoder.BYTE, (Byte) v);
      case Shape.SHORT -> tagShort(CanonicalEncoder.SHORT, (Short) v);
      case Shape.CHAR -> tagShort(CanonicalEncoder.CHAR, (Character) v);
      case Shape.INT -> tagInt(CanonicalEncoder.INT, (Integer) v);
      case Shape.LONG -> tagLong(CanonicalEncoder.LONG, (Long) v);
      case Shape.FLOAT -> tagInt(CanonicalEncoder.FLOAT, Float.floatToIntBits((Float) v));
      case Shape.DOUBLE -> tagLong(CanonicalEncoder.DOUBLE, Double.doubleToLongBits((Double) v));
      case Shape.STRING -> {
        tag(CanonicalEncoder.STRING);
        string((String) v);
      }
      case Shape.BIG_INTEGER -> {
        tag(CanonicalEncoder.BIG_INTEGER);
        lengthAndBytes(((BigInteger) v).toByteArray());
      }
      case Shape.BIG_DECIMAL -> {
        BigDecimal d = (BigDecimal) v;
        tagInt(CanonicalEncoder.BIG_DECIMAL, d.scale());
        lengthAndBytes(d.unscaledValue().toByteArray());
      }
      case Shape.UUID_KIND -> {
        UUID u = (UUID) v;
        tagLong(CanonicalEncoder.UUID_TAG, u.getMostSignificantBits());
        rawLong(u.getLeastSignificantBits());
      }
      case Shape.CLASS -> {
        tag(CanonicalEncoder.CLASS);
        string(((Class<?>) v).getName());
      }
      case Shape.OPTIONAL_INT -> {
        OptionalInt o = (OptionalInt) v;
        tagByte(CanonicalEncoder.OPTIONAL_INT, o.isPresent() ? 1 : 0);
        if (o.isPresent()) {
          rawInt(o.getAsInt());
        }
      }
      case Shape.OPTIONAL_LONG -> {
        OptionalLong o = (OptionalLong) v;
        tagByte(CanonicalEncoder.OPTIONAL_LONG, o.isPresent() ? 1 : 0);
        if (o.isPresent()) {
          rawLong(o.getAsLong());
        }
      }
      case Shape.OPTIONAL_DOUBLE -> {
        OptionalDouble o = (OptionalDouble) v;
        tagByte(CanonicalEncoder.OPTIONAL_DOUBLE, o.isPresent() ? 1 : 0);
        if (o.isPresent()) {
          rawLong(Double.doubleToLongBits(o.getAsDouble()));
        }
      }
      case Shape.INSTANT -> {
        Instant i = (Instant) v;
        tagLong(CanonicalEncoder.INSTANT, i.getEpochSecond());
        rawInt(i.getNano());
      }
      case Shape.DURATION -> {
        Duration d = (Duration) v;
        tagLong(CanonicalEncoder.DURATION, d.getSeconds());
        rawInt(d.getNano());
      }
      case Shape.LOCAL_DATE -> {
        tag(CanonicalEncoder.LOCAL_DATE);
        date((LocalDate) v);
      }
      case Shape.LOCAL_TIME -> tagLong(CanonicalEncoder.LOCAL_TIME, ((LocalTime) v).toNanoOfDay());
      case Shape.LOCAL_DATE_TIME -> {
        tag(CanonicalEncoder.LOCAL_DATE_TIME);
        dateTime((LocalDateTime) v);
      }
      case Shape.OFFSET_TIME -> {
        OffsetTime t = (OffsetTime) v;
        tagLong(CanonicalEncoder.OFFSET_TIME, t.toLocalTime().toNanoOfDay());
        rawInt(t.getOffset().getTotalSeconds());
      }
      case Shape.OFFSET_DATE_TIME -> {
        OffsetDateTime t = (OffsetDateTime) v;
        tag(CanonicalEncoder.OFFSET_DATE_TIME);
        dateTime(t.toLocalDateTime());
        rawInt(t.getOffset().getTotalSeconds());
      }
      case Shape.ZONED_DATE_TIME -> {
        ZonedDateTime t = (ZonedDateTime) v;
        tag(CanonicalEncoder.ZONED_DATE_TIME);
        dateTime(t.toLocalDateTime());
        rawInt(t.getOffset().getTotalSeconds());
        string(t.getZone().getId());
      }
      case Shape.ZONE_OFFSET ->
          tagInt(CanonicalEncoder.ZONE_OFFSET, ((ZoneOffset) v).getTotalSeconds());
      case Shape.ZONE_REGION -> {
        tag(CanonicalEncoder.ZONE_REGION);
        string(((ZoneId) v).getId());
      }
      case Shape.PERIOD -> {
        Period p = (Period) v;
        tagInt(CanonicalEncoder.PERIOD, p.getYears());
        rawInt(p.getMonths());
        rawInt(p.getDays());
      }
      case Shape.YEAR -> tagInt(CanonicalEncoder.YEAR, ((Year) v).getValue());
      case Shape.YEAR_MONTH -> {
        YearMonth y = (YearMonth) v;
        tagInt(CanonicalEncoder.YEAR_MONTH, y.getYear());
        rawByte(y.getMonthValue());
      }
      case Shape.MONTH_DAY -> {
        MonthDay m = (MonthDay) v;
        tagByte(CanonicalEncoder.MONTH_DAY, m.getMonthValue());
        rawByte(m.getDayOfMonth());
      }
      case Shape.ENUM -> {
        tag(CanonicalEncoder.ENUM);
        raw(s.name);
        raw(s.constants[((Enum<?>) v).ordinal()]);
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes a record's primitive component as its box would be written, read from the accessor
   * unboxed. Only the accessor call is guarded: what it throws is the record's fault, not the
   * encoder's.
   *
   * @param r the record
   * @param s the shape of its class
   * @param i the component's index
   * @return false, writing nothing, if the component is not primitive
   */
  boolean primitiveComponent(Object r, Shape s, int i) {
    MethodHandle accessor = s.accessors[i];
    switch (s.componentKinds[i]) {
      case Shape.COMPONENT_INT -> {
        int v;
        try {
          v = (int) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw EncodingFailure.accessorThrew(s, i, t);
        }
        tagInt(CanonicalEncoder.INT, v);
      }
      case Shape.COMPONENT_LONG -> {
        long v;
        try {
          v = (long) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw EncodingFailure.accessorThrew(s, i, t);
        }
        tagLong(CanonicalEncoder.LONG, v);
      }
      case Shape.COMPONENT_DOUBLE -> {
        double v;
        try {
          v = (double) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw EncodingFailure.accessorThrew(s, i, t);
        }
        tagLong(CanonicalEncoder.DOUBLE, Double.doubleToLongBits(v));
      }
      case Shape.COMPONENT_BOOLEAN -> {
        boolean v;
        try {
          v = (boolean) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw EncodingFailure.accessorThrew(s, i, t);
        }
        tagByte(CanonicalEncoder.BOOLEAN, v ? 1 : 0);
      }
      case Shape.COMPONENT_FLOAT -> {
        float v;
        try {
          v = (float) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw EncodingFailure.accessorThrew(s, i, t);
        }
        tagInt(CanonicalEncoder.FLOAT, Float.floatToIntBits(v));
      }
      case Shape.COMPONENT_SHORT -> {
        short v;
        try {
          v = (short) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw EncodingFailure.accessorThrew(s, i, t);
        }
        tagShort(CanonicalEncoder.SHORT, v);
      }
      case Shape.COMPONENT_CHAR -> {
        char v;
        try {
          v = (char) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw EncodingFailure.accessorThrew(s, i, t);
        }
        tagShort(CanonicalEncoder.CHAR, v);
      }
      case Shape.COMPONENT_BYTE -> {
        byte v;
        try {
          v = (byte) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw EncodingFailure.accessorThrew(s, i, t);
        }
        tagByte(CanonicalEncoder.BYTE, v);
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private void ensure(int n) {
    if (pos + n > buf.length) {
      flush();
    }
  }

  private void rawByte(int value) {
    ensure(1);
    buf[pos++] = (byte) value;
  }

  private void lengthAndBytes(byte[] bytes) {
    rawInt(bytes.length);
    raw(bytes, 0, bytes.length);
  }

  private boolean fits(int length, int width) {
    return (long) length * width <= buf.length - pos;
  }

  private void booleans(boolean[] x) {
    int i = 0;
    while (i < x.length) {
      if (pos == buf.length) {
        flush();
      }
      int m = Math.min(x.length - i, buf.length - pos);
      for (int j = 0; j < m; j++) {
        buf[pos + j] = x[i + j] ? (byte) 1 : (byte) 0;
      }
      pos += m;
      i += m;
    }
  }

  private static int utf8Length(String s, int n) {
    int length = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          length += 1;
        } else if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          length += 2; // two chars, four bytes
          i++;
        } else {
          length += 2;
        }
      }
    }
    return length;
  }

  // String.getBytes(int, int, byte[], int) copies the low byte of each char without allocating:
  // exact for ASCII, the only text this method is given.
  @SuppressWarnings("deprecation")
  private void ascii(String s, int n) {
    int i = 0;
    while (i < n) {
      if (pos == buf.length) {
        flush();
      }
      int m = Math.min(n - i, buf.length - pos);
      s.getBytes(i, i + m, buf, pos);
      pos += m;
      i += m;
    }
  }

  private void utf8(String s, int n) {
    for (int i = 0; i < n; i++) {
      ensure(4);
      char c = s.charAt(i);
      if (c < 0x80) {
        buf[pos++] = (byte) c;
      } else if (c < 0x800) {
        buf[pos++] = (byte) (0xC0 | c >> 6);
        buf[pos++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        buf[pos++] = (byte) (0xF0 | cp >> 18);
        buf[pos++] = (byte) (0x80 | (cp >> 12 & 0x3F));
        buf[pos++] = (byte) (0x80 | (cp >> 6 & 0x3F));
        buf[pos++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        // Includes unpaired surrogates, which String.getBytes would turn into '?'.
        buf[pos++] = (byte) (0xE0 | c >> 12);
        buf[pos++] = (byte) (0x80 | (c >> 6 & 0x3F));
        buf[pos++] = (byte) (0x80 | (c & 0x3F));
      }
    }
  }

  private void date(LocalDate d) {
    rawInt(d.getYear());
    ensure(2);
    buf[pos] = (byte) d.getMonthValue();
    buf[pos + 1] = (byte) d.getDayOfMonth();
    pos += 2;
  }

  private void dateTime(LocalDateTime t) {
    date(t.toLocalDate());
    rawLong(t.toLocalTime().toNanoOfDay());
  }
}
