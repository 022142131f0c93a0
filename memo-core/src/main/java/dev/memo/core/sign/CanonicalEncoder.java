package dev.memo.core.sign;

import dev.memo.Signable;
import dev.memo.Signature;
import dev.memo.SignatureException;
import dev.memo.SignatureSink;
import dev.memo.spi.Signer;
import dev.memo.spi.TypeSigner;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.UndeclaredThrowableException;
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
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.RandomAccess;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Streams the canonical, type-tagged encoding of values into a {@link Signer.Hasher} and returns
 * the digest as a {@link Signature}. This is how memo signs arguments, captured variables and
 * static fields, and the parts of a function's identity.
 *
 * <p>Use: one or more {@link #putRoot} (or the {@link SignatureSink} methods) then {@link
 * #finish()}, which digests everything written since the last finish or reset and leaves the
 * encoder empty for the next call. Several roots written before one {@code finish()} give one
 * signature of the sequence: the encoding of each value is self-delimiting, so {@code [a, b]} as
 * two roots never signs like {@code a} alone or like {@code [b, a]}.
 *
 * <pre>{@code
 * CanonicalEncoder encoder = new CanonicalEncoder(signer, typeSigners);
 * encoder.putString(functionId);
 * encoder.putRoot(arg0, "argument 0 of \"primes\"", "or ignore the parameter with FunctionOptions.ignoreParameters(0)");
 * Signature signature = encoder.finish();
 * }</pre>
 *
 * <h2>The encoding</h2>
 *
 * Every value starts with a one-byte tag. Numbers are little-endian and fixed-width; a
 * <i>length</i> or <i>size</i> is a 4-byte int; a <i>name</i> (class, enum constant, zone) and a
 * String are a length then UTF-8 bytes (an unpaired surrogate is encoded as its own three-byte
 * sequence, as WTF-8 does, so no two strings share an encoding).
 *
 * <table>
 *   <caption>Tags</caption>
 *   <tr><th>tag</th><th>value</th><th>then</th></tr>
 *   <tr><td>0x00</td><td>null</td><td>nothing</td></tr>
 *   <tr><td>0x01</td><td>Boolean</td><td>1 byte, 0 or 1</td></tr>
 *   <tr><td>0x02 0x03 0x04 0x05 0x06</td><td>Byte Short Character Integer Long</td><td>1, 2, 2, 4, 8 bytes</td></tr>
 *   <tr><td>0x07 0x08</td><td>Float Double</td><td>{@code floatToIntBits}, {@code doubleToLongBits}: -0.0 and 0.0 differ, all NaNs are one value</td></tr>
 *   <tr><td>0x09</td><td>String</td><td>length, UTF-8</td></tr>
 *   <tr><td>0x0A</td><td>BigInteger</td><td>length, two's-complement big-endian bytes</td></tr>
 *   <tr><td>0x0B</td><td>BigDecimal</td><td>scale (int), then the unscaled value as for 0x0A: 1.0 and 1.00 differ, as {@code equals} says</td></tr>
 *   <tr><td>0x0C</td><td>UUID</td><td>most then least significant 8 bytes</td></tr>
 *   <tr><td>0x0D</td><td>Class</td><td>name</td></tr>
 *   <tr><td>0x0E</td><td>Optional</td><td>0, or 1 and the value</td></tr>
 *   <tr><td>0x0F 0x10 0x11</td><td>OptionalInt OptionalLong OptionalDouble</td><td>0, or 1 and 4 / 8 / 8 bytes</td></tr>
 *   <tr><td>0x20 0x21</td><td>Instant Duration</td><td>seconds (long), nanos (int)</td></tr>
 *   <tr><td>0x22</td><td>LocalDate</td><td>year (int), month, day (1 byte each)</td></tr>
 *   <tr><td>0x23</td><td>LocalTime</td><td>nano of day (long)</td></tr>
 *   <tr><td>0x24</td><td>LocalDateTime</td><td>date as 0x22, time as 0x23</td></tr>
 *   <tr><td>0x25</td><td>OffsetTime</td><td>nano of day, offset seconds (int)</td></tr>
 *   <tr><td>0x26</td><td>OffsetDateTime</td><td>date, time, offset seconds</td></tr>
 *   <tr><td>0x27</td><td>ZonedDateTime</td><td>date, time, offset seconds, zone id name</td></tr>
 *   <tr><td>0x28 0x29</td><td>ZoneOffset, other ZoneId</td><td>total seconds (int); id name</td></tr>
 *   <tr><td>0x2A 0x2B 0x2C 0x2D</td><td>Period Year YearMonth MonthDay</td><td>years, months, days (ints); year; year, month; month, day</td></tr>
 *   <tr><td>0x30</td><td>enum constant</td><td>the enum class's name, the constant's name (never the ordinal)</td></tr>
 *   <tr><td>0x31</td><td>record</td><td>class name, each component's value in declaration order</td></tr>
 *   <tr><td>0x34</td><td>record of the class of the latest 0x31 in the same digest</td><td>each component's value in declaration order</td></tr>
 *   <tr><td>0x32</td><td>{@link Signable}</td><td>class name, what {@code signTo} writes, 0x3F</td></tr>
 *   <tr><td>0x33</td><td>value signed by a {@link TypeSigner}</td><td>the value's class name, what {@code sign} writes, 0x3F</td></tr>
 *   <tr><td>0x3F</td><td>end of a 0x32 or 0x33</td><td></td></tr>
 *   <tr><td>0x40</td><td>List (any)</td><td>size, the elements in order</td></tr>
 *   <tr><td>0x41</td><td>Deque that is not a List</td><td>size, the elements from head to tail</td></tr>
 *   <tr><td>0x42</td><td>Set (any)</td><td>size, the elements' digests sorted as unsigned bytes</td></tr>
 *   <tr><td>0x43</td><td>Map (any)</td><td>size, the digests of each key's encoding followed by its value's, sorted</td></tr>
 *   <tr><td>0x50</td><td>primitive array</td><td>descriptor byte (Z B S C I J F D), length, the raw little-endian elements</td></tr>
 *   <tr><td>0x51</td><td>Object array</td><td>component class name, length, the elements</td></tr>
 * </table>
 *
 * <p>A list of ten thousand points names the point class once: each record after the first of its
 * class in a row is tagged 0x34, "the class of the latest 0x31", instead of repeating the name
 * (which is most of a small record's bytes). Reading the bytes in order resolves every 0x34, so the
 * encoding stays unambiguous; a set element or a map entry starts with no latest class, so that its
 * digest does not depend on what was encoded before it.
 *
 * <p>Sub-digests (of set elements and map entries) are computed with a hasher of the same signer,
 * so a set signs equally whatever its class and iteration order. Within primitive arrays, floats
 * and doubles are hashed from their raw bits for speed: NaNs with different bit patterns differ
 * there, unlike in boxed values. A value memo has no encoding for (a plain class that is neither
 * {@link Signable} nor has a {@link TypeSigner}, a mutable {@code CharSequence}, a collection that
 * is no List, Set or Deque, an iterator or stream) is a {@link SignatureException}; memo never
 * falls back to {@code hashCode()}, {@code identityHashCode} or {@code toString()}. Nesting deeper
 * than {@value #MAX_DEPTH} structures is an error too, as it usually means a cycle.
 *
 * <p>The {@link SignatureSink} methods write the same encodings: {@code putInt(1)} equals {@code
 * putValue(1)}, and {@code putBytes(b)} equals {@code putValue(b)}.
 *
 * <p>Not thread-safe: the memoizer keeps one encoder per thread. Reusable: {@link #finish()} and
 * {@link #reset()} empty it, and a failed {@link #putRoot} resets it.
 */
public final class CanonicalEncoder implements SignatureSink {
  /** The deepest nesting of structures (collections, arrays, records, optionals...) accepted. */
  public static final int MAX_DEPTH = 256;

  static final int BUFFER_SIZE = 4096;

  static final byte NULL = 0x00;
  static final byte BOOLEAN = 0x01;
  static final byte BYTE = 0x02;
  static final byte SHORT = 0x03;
  static final byte CHAR = 0x04;
  static final byte INT = 0x05;
  static final byte LONG = 0x06;
  static final byte FLOAT = 0x07;
  static final byte DOUBLE = 0x08;
  static final byte STRING = 0x09;
  static final byte BIG_INTEGER = 0x0A;
  static final byte BIG_DECIMAL = 0x0B;
  static final byte UUID_TAG = 0x0C;
  static final byte CLASS = 0x0D;
  static final byte OPTIONAL = 0x0E;
  static final byte OPTIONAL_INT = 0x0F;
  static final byte OPTIONAL_LONG = 0x10;
  static final byte OPTIONAL_DOUBLE = 0x11;
  static final byte INSTANT = 0x20;
  static final byte DURATION = 0x21;
  static final byte LOCAL_DATE = 0x22;
  static final byte LOCAL_TIME = 0x23;
  static final byte LOCAL_DATE_TIME = 0x24;
  static final byte OFFSET_TIME = 0x25;
  static final byte OFFSET_DATE_TIME = 0x26;
  static final byte ZONED_DATE_TIME = 0x27;
  static final byte ZONE_OFFSET = 0x28;
  static final byte ZONE_REGION = 0x29;
  static final byte PERIOD = 0x2A;
  static final byte YEAR = 0x2B;
  static final byte YEAR_MONTH = 0x2C;
  static final byte MONTH_DAY = 0x2D;
  static final byte ENUM = 0x30;
  static final byte RECORD = 0x31;
  static final byte SIGNABLE = 0x32;
  static final byte TYPE_SIGNED = 0x33;
  static final byte RECORD_AGAIN = 0x34;
  static final byte END = 0x3F;
  static final byte LIST = 0x40;
  static final byte DEQUE = 0x41;
  static final byte SET = 0x42;
  static final byte MAP = 0x43;
  static final byte PRIMITIVE_ARRAY = 0x50;
  static final byte OBJECT_ARRAY = 0x51;

  private static final VarHandle SHORT_LE = view(short[].class);
  private static final VarHandle CHAR_LE = view(char[].class);
  private static final VarHandle INT_LE = view(int[].class);
  private static final VarHandle LONG_LE = view(long[].class);
  private static final VarHandle FLOAT_LE = view(float[].class);
  private static final VarHandle DOUBLE_LE = view(double[].class);

  private static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

  private final Signer signer;
  private final TypeSigners typeSigners;
  private final Signer.Hasher root;
  private final byte[] buf = new byte[BUFFER_SIZE];
  // Views of buf from index 0, for bulk copies of large primitive arrays.
  private final ShortBuffer shortView;
  private final CharBuffer charView;
  private final IntBuffer intView;
  private final LongBuffer longView;
  private final FloatBuffer floatView;
  private final DoubleBuffer doubleView;

  /** Where flushed bytes go: the root hasher, or the sub-hasher of a set element or map entry. */
  private Signer.Hasher target;

  /** One hasher per level of nested sets and maps, created on first use. */
  private Signer.Hasher[] subHashers = new Signer.Hasher[2];

  /** The latest record class of each enclosing digest, restored when a sub-digest ends. */
  private Shape[] savedRecords = new Shape[2];

  private int subLevel;
  private int pos;
  private int depth;

  /** The class of the latest record tagged 0x31 in the current digest, or null. */
  private @Nullable Shape lastRecord;

  /**
   * Creates an encoder.
   *
   * @param signer the digest algorithm, not null
   * @param typeSigners the type signers to consult, not null ({@link TypeSigners#none()} for none)
   */
  public CanonicalEncoder(Signer signer, TypeSigners typeSigners) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.typeSigners = Objects.requireNonNull(typeSigners, "typeSigners");
    this.root = signer.newHasher();
    this.target = root;
    ByteBuffer bytes = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    this.shortView = bytes.asShortBuffer();
    this.charView = bytes.asCharBuffer();
    this.intView = bytes.asIntBuffer();
    this.longView = bytes.asLongBuffer();
    this.floatView = bytes.asFloatBuffer();
    this.doubleView = bytes.asDoubleBuffer();
  }

  private static VarHandle view(Class<?> arrayType) {
    return MethodHandles.byteArrayViewVarHandle(arrayType, ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Writes a top-level value: an argument, a captured variable, a static field's value.
   *
   * @param value the value, may be null
   * @param what what the value is, for the error message, such as {@code argument 0 of "primes"}
   * @param ignoreHint one more way out offered when the value cannot be signed, such as {@code or
   *     ignore the parameter with FunctionOptions.ignoreParameters(0)}; null for none
   * @throws SignatureException if the value or anything inside it cannot be signed; the message
   *     names {@code what}, the path to the bad part (such as {@code [2].name}), its type and the
   *     ways out. The encoder is then reset: whatever was written since the last finish is gone.
   */
  public void putRoot(@Nullable Object value, String what, @Nullable String ignoreHint) {
    Objects.requireNonNull(what, "what");
    try {
      encode(value);
    } catch (EncodingFailure f) {
      reset();
      throw new SignatureException(f.message(what, ignoreHint), f.getCause());
    } catch (RuntimeException | Error e) {
      reset();
      throw e;
    }
  }

  /**
   * Digests everything written since the last {@code finish()} or {@link #reset()}, and empties the
   * encoder for reuse.
   *
   * @return the signature, {@link Signer#digestLength()} bytes
   * @throws IllegalStateException if called while a value is being written (from a {@code signTo})
   */
  public Signature finish() {
    if (depth != 0 || target != root) {
      throw new IllegalStateException(
          "finish() was called while a value is being signed; call it after putRoot returns");
    }
    flush();
    lastRecord = null;
    return Signature.of(root.digest());
  }

  /** Discards everything written since the last {@link #finish()}. */
  public void reset() {
    pos = 0;
    depth = 0;
    lastRecord = null;
    subLevel = 0;
    target = root;
    root.reset();
    for (Signer.Hasher h : subHashers) {
      if (h != null) {
        h.reset();
      }
    }
  }

  // ---------------------------------------------------------------- SignatureSink

  @Override
  public CanonicalEncoder putBoolean(boolean value) {
    tagByte(BOOLEAN, value ? 1 : 0);
    return this;
  }

  @Override
  public CanonicalEncoder putInt(int value) {
    tagInt(INT, value);
    return this;
  }

  @Override
  public CanonicalEncoder putLong(long value) {
    tagLong(LONG, value);
    return this;
  }

  @Override
  public CanonicalEncoder putDouble(double value) {
    tagLong(DOUBLE, Double.doubleToLongBits(value));
    return this;
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code value} is null
   */
  @Override
  public CanonicalEncoder putString(String value) {
    Objects.requireNonNull(value, "putString(null): use putValue to sign a value that may be null");
    tag(STRING);
    string(value);
    return this;
  }

  /**
   * {@inheritDoc} Written as {@code putValue} writes a {@code byte[]}.
   *
   * @throws NullPointerException if {@code value} is null
   */
  @Override
  public CanonicalEncoder putBytes(byte[] value) {
    Objects.requireNonNull(value, "putBytes(null): use putValue to sign a value that may be null");
    arrayHeader((byte) 'B', value.length);
    raw(value, 0, value.length);
    return this;
  }

  /**
   * Writes bytes as they are, with no tag and no length. Only for a prefix whose length the caller
   * fixes for every signature it makes, such as a digest that starts every key of a function:
   * anything else must be delimited, which {@link #putBytes} does.
   *
   * @param value the bytes, not null
   * @return this encoder
   * @throws IllegalStateException if called while a value is being written (from a {@code signTo})
   */
  public CanonicalEncoder putRaw(byte[] value) {
    if (depth != 0) {
      throw new IllegalStateException("putRaw() was called while a value is being signed");
    }
    raw(value, 0, value.length);
    return this;
  }

  /**
   * {@inheritDoc} Called outside any {@code signTo}, this is {@code putRoot(value, "a value",
   * null)}.
   */
  @Override
  public CanonicalEncoder putValue(@Nullable Object value) {
    if (depth == 0) {
      putRoot(value, "a value", null);
    } else {
      encode(value);
    }
    return this;
  }

  // ---------------------------------------------------------------- values

  private void encode(@Nullable Object v) {
    if (v == null) {
      tag(NULL);
      return;
    }
    Class<?> c = v.getClass();
    // The commonest arguments skip the class lookup.
    if (c == String.class) {
      tag(STRING);
      string((String) v);
      return;
    }
    if (c == Integer.class) {
      tagInt(INT, (Integer) v);
      return;
    }
    if (c == Long.class) {
      tagLong(LONG, (Long) v);
      return;
    }
    if (c == Double.class) {
      tagLong(DOUBLE, Double.doubleToLongBits((Double) v));
      return;
    }
    Shape s = Shape.of(c);
    if (s.acceptsTypeSigner()) {
      TypeSigner<?> ts = typeSigners.find(c);
      if (ts != null) {
        typeSigned(v, s, ts);
        return;
      }
    }
    switch (s.kind) {
      case Shape.BOOLEAN -> tagByte(BOOLEAN, (Boolean) v ? 1 : 0);
      case Shape.BYTE -> tagByte(BYTE, (Byte) v);
      case Shape.SHORT -> tagShort(SHORT, (Short) v);
      case Shape.CHAR -> tagShort(CHAR, (Character) v);
      case Shape.INT -> tagInt(INT, (Integer) v);
      case Shape.LONG -> tagLong(LONG, (Long) v);
      case Shape.FLOAT -> tagInt(FLOAT, Float.floatToIntBits((Float) v));
      case Shape.DOUBLE -> tagLong(DOUBLE, Double.doubleToLongBits((Double) v));
      case Shape.STRING -> {
        tag(STRING);
        string((String) v);
      }
      case Shape.BIG_INTEGER -> {
        tag(BIG_INTEGER);
        lengthAndBytes(((BigInteger) v).toByteArray());
      }
      case Shape.BIG_DECIMAL -> {
        BigDecimal d = (BigDecimal) v;
        tagInt(BIG_DECIMAL, d.scale());
        lengthAndBytes(d.unscaledValue().toByteArray());
      }
      case Shape.UUID_KIND -> {
        UUID u = (UUID) v;
        tagLong(UUID_TAG, u.getMostSignificantBits());
        rawLong(u.getLeastSignificantBits());
      }
      case Shape.CLASS -> {
        tag(CLASS);
        string(((Class<?>) v).getName());
      }
      case Shape.OPTIONAL -> optional((Optional<?>) v);
      case Shape.OPTIONAL_INT -> {
        OptionalInt o = (OptionalInt) v;
        tagByte(OPTIONAL_INT, o.isPresent() ? 1 : 0);
        if (o.isPresent()) {
          rawInt(o.getAsInt());
        }
      }
      case Shape.OPTIONAL_LONG -> {
        OptionalLong o = (OptionalLong) v;
        tagByte(OPTIONAL_LONG, o.isPresent() ? 1 : 0);
        if (o.isPresent()) {
          rawLong(o.getAsLong());
        }
      }
      case Shape.OPTIONAL_DOUBLE -> {
        OptionalDouble o = (OptionalDouble) v;
        tagByte(OPTIONAL_DOUBLE, o.isPresent() ? 1 : 0);
        if (o.isPresent()) {
          rawLong(Double.doubleToLongBits(o.getAsDouble()));
        }
      }
      case Shape.INSTANT -> {
        Instant i = (Instant) v;
        tagLong(INSTANT, i.getEpochSecond());
        rawInt(i.getNano());
      }
      case Shape.DURATION -> {
        Duration d = (Duration) v;
        tagLong(DURATION, d.getSeconds());
        rawInt(d.getNano());
      }
      case Shape.LOCAL_DATE -> {
        tag(LOCAL_DATE);
        date((LocalDate) v);
      }
      case Shape.LOCAL_TIME -> tagLong(LOCAL_TIME, ((LocalTime) v).toNanoOfDay());
      case Shape.LOCAL_DATE_TIME -> {
        tag(LOCAL_DATE_TIME);
        dateTime((LocalDateTime) v);
      }
      case Shape.OFFSET_TIME -> {
        OffsetTime t = (OffsetTime) v;
        tagLong(OFFSET_TIME, t.toLocalTime().toNanoOfDay());
        rawInt(t.getOffset().getTotalSeconds());
      }
      case Shape.OFFSET_DATE_TIME -> {
        OffsetDateTime t = (OffsetDateTime) v;
        tag(OFFSET_DATE_TIME);
        dateTime(t.toLocalDateTime());
        rawInt(t.getOffset().getTotalSeconds());
      }
      case Shape.ZONED_DATE_TIME -> {
        ZonedDateTime t = (ZonedDateTime) v;
        tag(ZONED_DATE_TIME);
        dateTime(t.toLocalDateTime());
        rawInt(t.getOffset().getTotalSeconds());
        string(t.getZone().getId());
      }
      case Shape.ZONE_OFFSET -> tagInt(ZONE_OFFSET, ((ZoneOffset) v).getTotalSeconds());
      case Shape.ZONE_REGION -> {
        tag(ZONE_REGION);
        string(((ZoneId) v).getId());
      }
      case Shape.PERIOD -> {
        Period p = (Period) v;
        tagInt(PERIOD, p.getYears());
        rawInt(p.getMonths());
        rawInt(p.getDays());
      }
      case Shape.YEAR -> tagInt(YEAR, ((Year) v).getValue());
      case Shape.YEAR_MONTH -> {
        YearMonth y = (YearMonth) v;
        tagInt(YEAR_MONTH, y.getYear());
        rawByte(y.getMonthValue());
      }
      case Shape.MONTH_DAY -> {
        MonthDay m = (MonthDay) v;
        tagByte(MONTH_DAY, m.getMonthValue());
        rawByte(m.getDayOfMonth());
      }
      case Shape.SIGNABLE -> signable((Signable) v, s);
      case Shape.LIST -> list((List<?>) v);
      case Shape.DEQUE -> deque((Deque<?>) v);
      case Shape.SET -> set((Set<?>) v);
      case Shape.MAP -> map((Map<?, ?>) v);
      case Shape.PRIMITIVE_ARRAY -> primitiveArray(v, s.descriptor);
      case Shape.OBJECT_ARRAY -> objectArray((Object[]) v, s);
      case Shape.ENUM -> {
        tag(ENUM);
        raw(s.name);
        raw(s.constants[((Enum<?>) v).ordinal()]);
      }
      case Shape.RECORD -> record(v, s);
      default -> throw EncodingFailure.unsignable(s);
    }
  }

  private void enter() {
    if (depth >= MAX_DEPTH) {
      throw EncodingFailure.tooDeep(MAX_DEPTH);
    }
    depth++;
  }

  private void optional(Optional<?> o) {
    enter();
    try {
      tagByte(OPTIONAL, o.isPresent() ? 1 : 0);
      if (o.isPresent()) {
        try {
          encode(o.get());
        } catch (EncodingFailure f) {
          throw f.at(".get()");
        }
      }
    } finally {
      depth--;
    }
  }

  private void signable(Signable v, Shape s) {
    enter();
    try {
      tag(SIGNABLE);
      raw(s.name);
      try {
        v.signTo(this);
      } catch (EncodingFailure f) {
        throw f.at(".signTo()");
      } catch (RuntimeException e) {
        throw EncodingFailure.threw(s.type, "signTo", s.type.getName() + ".signTo", e);
      }
      tag(END);
    } finally {
      depth--;
    }
  }

  @SuppressWarnings("unchecked") // find() resolved the signer for v's class or a supertype of it
  private void typeSigned(Object v, Shape s, TypeSigner<?> ts) {
    enter();
    try {
      tag(TYPE_SIGNED);
      raw(s.name);
      String signerName = ts.getClass().getName();
      try {
        ((TypeSigner<Object>) ts).sign(v, this);
      } catch (EncodingFailure f) {
        throw f.at(".sign()");
      } catch (RuntimeException e) {
        throw EncodingFailure.threw(s.type, "type signer " + signerName, signerName + ".sign", e);
      }
      tag(END);
    } finally {
      depth--;
    }
  }

  private void record(Object r, Shape s) {
    enter();
    try {
      if (s == lastRecord) {
        tag(RECORD_AGAIN);
      } else {
        tag(RECORD);
        raw(s.name);
        lastRecord = s;
      }
      for (int i = 0; i < s.accessors.length; i++) {
        component(r, s, i);
      }
    } finally {
      depth--;
    }
  }

  private void component(Object r, Shape s, int i) {
    MethodHandle accessor = s.accessors[i];
    // Primitive components are read unboxed and written as their boxes would be. Only the
    // accessor call is guarded: what it throws is the record's fault, not the encoder's.
    switch (s.componentKinds[i]) {
      case Shape.COMPONENT_INT -> {
        int v;
        try {
          v = (int) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw accessorThrew(s, i, t);
        }
        tagInt(INT, v);
      }
      case Shape.COMPONENT_LONG -> {
        long v;
        try {
          v = (long) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw accessorThrew(s, i, t);
        }
        tagLong(LONG, v);
      }
      case Shape.COMPONENT_DOUBLE -> {
        double v;
        try {
          v = (double) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw accessorThrew(s, i, t);
        }
        tagLong(DOUBLE, Double.doubleToLongBits(v));
      }
      case Shape.COMPONENT_BOOLEAN -> {
        boolean v;
        try {
          v = (boolean) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw accessorThrew(s, i, t);
        }
        tagByte(BOOLEAN, v ? 1 : 0);
      }
      case Shape.COMPONENT_FLOAT -> {
        float v;
        try {
          v = (float) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw accessorThrew(s, i, t);
        }
        tagInt(FLOAT, Float.floatToIntBits(v));
      }
      case Shape.COMPONENT_SHORT -> {
        short v;
        try {
          v = (short) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw accessorThrew(s, i, t);
        }
        tagShort(SHORT, v);
      }
      case Shape.COMPONENT_CHAR -> {
        char v;
        try {
          v = (char) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw accessorThrew(s, i, t);
        }
        tagShort(CHAR, v);
      }
      case Shape.COMPONENT_BYTE -> {
        byte v;
        try {
          v = (byte) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw accessorThrew(s, i, t);
        }
        tagByte(BYTE, v);
      }
      default -> {
        Object v;
        try {
          v = (Object) accessor.invokeExact(r);
        } catch (Throwable t) {
          throw accessorThrew(s, i, t);
        }
        try {
          encode(v);
        } catch (EncodingFailure f) {
          throw f.at("." + s.components[i]);
        }
      }
    }
  }

  private static RuntimeException accessorThrew(Shape s, int i, Throwable t) {
    if (t instanceof Error) {
      throw (Error) t;
    }
    // Record accessors cannot declare checked exceptions; a sneaky one is still reported.
    RuntimeException e =
        t instanceof RuntimeException ? (RuntimeException) t : new UndeclaredThrowableException(t);
    String method = s.components[i] + "()";
    return EncodingFailure.threw(s.type, "accessor " + method, s.type.getName() + "." + method, e);
  }

  private void list(List<?> l) {
    enter();
    try {
      int n = l.size();
      tagInt(LIST, n);
      if (l instanceof RandomAccess) {
        for (int i = 0; i < n; i++) {
          element(l.get(i), i);
        }
      } else {
        int i = 0;
        for (Object e : l) {
          if (i == n) {
            throw EncodingFailure.changed(l.getClass(), n, n + 1);
          }
          element(e, i++);
        }
        if (i != n) {
          throw EncodingFailure.changed(l.getClass(), n, i);
        }
      }
    } finally {
      depth--;
    }
  }

  private void deque(Deque<?> d) {
    enter();
    try {
      int n = d.size();
      tagInt(DEQUE, n);
      int i = 0;
      for (Object e : d) {
        if (i == n) {
          throw EncodingFailure.changed(d.getClass(), n, n + 1);
        }
        element(e, i++);
      }
      if (i != n) {
        throw EncodingFailure.changed(d.getClass(), n, i);
      }
    } finally {
      depth--;
    }
  }

  private void objectArray(Object[] a, Shape s) {
    enter();
    try {
      tag(OBJECT_ARRAY);
      raw(s.componentName);
      rawInt(a.length);
      for (int i = 0; i < a.length; i++) {
        element(a[i], i);
      }
    } finally {
      depth--;
    }
  }

  private void element(Object e, int index) {
    try {
      encode(e);
    } catch (EncodingFailure f) {
      throw f.at("[" + index + "]");
    }
  }

  private void set(Set<?> set) {
    enter();
    try {
      int n = set.size();
      tagInt(SET, n);
      if (n == 0) {
        return;
      }
      byte[][] digests = new byte[n][];
      Signer.Hasher parent = target;
      Signer.Hasher sub = beginSubDigests();
      int i = 0;
      try {
        for (Object e : set) {
          if (i == n) {
            throw EncodingFailure.changed(set.getClass(), n, n + 1);
          }
          lastRecord = null;
          try {
            encode(e);
          } catch (EncodingFailure f) {
            throw f.at("{element " + typeLabel(e) + "}");
          }
          flush();
          digests[i++] = sub.digest();
        }
      } finally {
        endSubDigests(parent);
      }
      if (i != n) {
        throw EncodingFailure.changed(set.getClass(), n, i);
      }
      writeSorted(digests);
    } finally {
      depth--;
    }
  }

  private void map(Map<?, ?> map) {
    enter();
    try {
      int n = map.size();
      tagInt(MAP, n);
      if (n == 0) {
        return;
      }
      byte[][] digests = new byte[n][];
      Signer.Hasher parent = target;
      Signer.Hasher sub = beginSubDigests();
      int i = 0;
      try {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          if (i == n) {
            throw EncodingFailure.changed(map.getClass(), n, n + 1);
          }
          Object key = entry.getKey();
          lastRecord = null;
          try {
            encode(key);
          } catch (EncodingFailure f) {
            throw f.at("{key " + typeLabel(key) + "}");
          }
          try {
            encode(entry.getValue());
          } catch (EncodingFailure f) {
            throw f.at("{" + keyLabel(key) + "}");
          }
          flush();
          digests[i++] = sub.digest();
        }
      } finally {
        endSubDigests(parent);
      }
      if (i != n) {
        throw EncodingFailure.changed(map.getClass(), n, i);
      }
      writeSorted(digests);
    } finally {
      depth--;
    }
  }

  /** Sends pending bytes to the current target and makes the next level's hasher the target. */
  private Signer.Hasher beginSubDigests() {
    flush();
    if (subLevel == savedRecords.length) {
      savedRecords = Arrays.copyOf(savedRecords, subLevel * 2);
    }
    savedRecords[subLevel] = lastRecord;
    if (subLevel == subHashers.length) {
      subHashers = Arrays.copyOf(subHashers, subLevel * 2);
    }
    Signer.Hasher h = subHashers[subLevel];
    if (h == null) {
      h = signer.newHasher();
      subHashers[subLevel] = h;
    }
    subLevel++;
    target = h;
    return h;
  }

  private void endSubDigests(Signer.Hasher parent) {
    target = parent;
    subLevel--;
    lastRecord = savedRecords[subLevel];
  }

  private void writeSorted(byte[][] digests) {
    Arrays.sort(digests, UNSIGNED);
    for (byte[] d : digests) {
      raw(d, 0, d.length);
    }
  }

  // ---------------------------------------------------------------- primitive arrays

  private void arrayHeader(byte descriptor, int length) {
    ensure(6);
    buf[pos] = PRIMITIVE_ARRAY;
    buf[pos + 1] = descriptor;
    INT_LE.set(buf, pos + 2, length);
    pos += 6;
  }

  private void primitiveArray(Object a, byte descriptor) {
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
            SHORT_LE.set(buf, pos, e);
            pos += 2;
          }
        } else {
          flush();
          for (int off = 0; off < x.length; off += shortView.capacity()) {
            int m = Math.min(shortView.capacity(), x.length - off);
            shortView.clear();
            shortView.put(x, off, m);
            target.update(buf, 0, m * 2);
          }
        }
      }
      case 'C' -> {
        char[] x = (char[]) a;
        arrayHeader(descriptor, x.length);
        if (fits(x.length, 2)) {
          for (char e : x) {
            CHAR_LE.set(buf, pos, e);
            pos += 2;
          }
        } else {
          flush();
          for (int off = 0; off < x.length; off += charView.capacity()) {
            int m = Math.min(charView.capacity(), x.length - off);
            charView.clear();
            charView.put(x, off, m);
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
          for (int off = 0; off < x.length; off += intView.capacity()) {
            int m = Math.min(intView.capacity(), x.length - off);
            intView.clear();
            intView.put(x, off, m);
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
          for (int off = 0; off < x.length; off += longView.capacity()) {
            int m = Math.min(longView.capacity(), x.length - off);
            longView.clear();
            longView.put(x, off, m);
            target.update(buf, 0, m * 8);
          }
        }
      }
      case 'F' -> {
        float[] x = (float[]) a;
        arrayHeader(descriptor, x.length);
        if (fits(x.length, 4)) {
          for (float e : x) {
            FLOAT_LE.set(buf, pos, e);
            pos += 4;
          }
        } else {
          flush();
          for (int off = 0; off < x.length; off += floatView.capacity()) {
            int m = Math.min(floatView.capacity(), x.length - off);
            floatView.clear();
            floatView.put(x, off, m);
            target.update(buf, 0, m * 4);
          }
        }
      }
      case 'D' -> {
        double[] x = (double[]) a;
        arrayHeader(descriptor, x.length);
        if (fits(x.length, 8)) {
          for (double e : x) {
            DOUBLE_LE.set(buf, pos, e);
            pos += 8;
          }
        } else {
          flush();
          for (int off = 0; off < x.length; off += doubleView.capacity()) {
            int m = Math.min(doubleView.capacity(), x.length - off);
            doubleView.clear();
            doubleView.put(x, off, m);
            target.update(buf, 0, m * 8);
          }
        }
      }
      default -> throw new AssertionError("primitive array descriptor " + (char) descriptor);
    }
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

  // ---------------------------------------------------------------- strings

  private void string(String s) {
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

  // ---------------------------------------------------------------- java.time parts

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

  // ---------------------------------------------------------------- bytes

  private void flush() {
    if (pos > 0) {
      target.update(buf, 0, pos);
      pos = 0;
    }
  }

  private void ensure(int n) {
    if (pos + n > buf.length) {
      flush();
    }
  }

  private void tag(byte tag) {
    ensure(1);
    buf[pos++] = tag;
  }

  private void tagByte(byte tag, int value) {
    ensure(2);
    buf[pos] = tag;
    buf[pos + 1] = (byte) value;
    pos += 2;
  }

  private void tagShort(byte tag, int value) {
    ensure(3);
    buf[pos] = tag;
    SHORT_LE.set(buf, pos + 1, (short) value);
    pos += 3;
  }

  private void tagInt(byte tag, int value) {
    ensure(5);
    buf[pos] = tag;
    INT_LE.set(buf, pos + 1, value);
    pos += 5;
  }

  private void tagLong(byte tag, long value) {
    ensure(9);
    buf[pos] = tag;
    LONG_LE.set(buf, pos + 1, value);
    pos += 9;
  }

  private void rawByte(int value) {
    ensure(1);
    buf[pos++] = (byte) value;
  }

  private void rawInt(int value) {
    ensure(4);
    INT_LE.set(buf, pos, value);
    pos += 4;
  }

  private void rawLong(long value) {
    ensure(8);
    LONG_LE.set(buf, pos, value);
    pos += 8;
  }

  private void raw(byte[] bytes) {
    raw(bytes, 0, bytes.length);
  }

  private void raw(byte[] bytes, int offset, int length) {
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

  private void lengthAndBytes(byte[] bytes) {
    rawInt(bytes.length);
    raw(bytes, 0, bytes.length);
  }

  // ---------------------------------------------------------------- error paths

  /**
   * Renders a map key for an error path: JDK value types by their text, others by their type only,
   * so that building a message never calls user code.
   */
  static String keyLabel(@Nullable Object key) {
    if (key == null) {
      return "null";
    }
    if (key instanceof String) {
      String s = (String) key;
      return "\"" + (s.length() > 40 ? s.substring(0, 37) + "..." : s) + "\"";
    }
    if (key instanceof Character) {
      return "'" + key + "'";
    }
    if (key instanceof Enum) {
      return ((Enum<?>) key).name();
    }
    int kind = Shape.of(key.getClass()).kind;
    boolean jdkValue = kind < Shape.OPTIONAL || (kind >= Shape.INSTANT && kind <= Shape.MONTH_DAY);
    return jdkValue && kind != Shape.CLASS ? key.toString() : typeLabel(key);
  }

  static String typeLabel(@Nullable Object value) {
    if (value == null) {
      return "null";
    }
    Class<?> c = value.getClass();
    String simple = c.getSimpleName();
    return "<" + (simple.isEmpty() ? c.getName() : simple) + ">";
  }

  @Override
  public String toString() {
    return "CanonicalEncoder{signer=" + signer.name() + ", " + typeSigners + "}";
  }
}
