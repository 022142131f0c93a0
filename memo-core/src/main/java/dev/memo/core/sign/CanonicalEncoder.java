package dev.memo.core.sign;

import dev.memo.Signable;
import dev.memo.Signature;
import dev.memo.SignatureException;
import dev.memo.SignatureSink;
import dev.memo.spi.Signer;
import dev.memo.spi.TypeSigner;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.Set;
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
 * <p>This class owns the structure (roots, nesting, records, collections and their sub-digests);
 * {@link EncodingOutput} writes the bytes: tags, numbers, strings, leaf values, primitive arrays.
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

  /** Byte strings in unsigned order; a class, not a method reference, spun on every first call. */
  private static final class Unsigned implements Comparator<byte[]> {
    @Override
    public int compare(byte[] a, byte[] b) {
      return Arrays.compareUnsigned(a, b);
    }
  }

  private static final Comparator<byte[]> UNSIGNED = new Unsigned();

  private final Signer signer;
  private final TypeSigners typeSigners;
  private final Signer.Hasher root;

  /** The bytes of the encoding, buffered on their way to the current hasher. */
  private final EncodingOutput out;

  /** One hasher per level of nested sets and maps, created on first use. */
  private Signer.Hasher[] subHashers = new Signer.Hasher[2];

  /** The latest record class of each enclosing digest, restored when a sub-digest ends. */
  private Shape[] savedRecords = new Shape[2];

  private int subLevel;
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
    this.out = new EncodingOutput(root);
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
    if (depth != 0 || out.target() != root) {
      throw new IllegalStateException(
          "finish() was called while a value is being signed; call it after putRoot returns");
    }
    out.flush();
    lastRecord = null;
    return Signature.of(root.digest());
  }

  /** Discards everything written since the last {@link #finish()}. */
  public void reset() {
    depth = 0;
    lastRecord = null;
    subLevel = 0;
    out.reset(root);
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
    out.tagByte(BOOLEAN, value ? 1 : 0);
    return this;
  }

  @Override
  public CanonicalEncoder putInt(int value) {
    out.tagInt(INT, value);
    return this;
  }

  @Override
  public CanonicalEncoder putLong(long value) {
    out.tagLong(LONG, value);
    return this;
  }

  @Override
  public CanonicalEncoder putDouble(double value) {
    out.tagLong(DOUBLE, Double.doubleToLongBits(value));
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
    out.tag(STRING);
    out.string(value);
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
    out.arrayHeader((byte) 'B', value.length);
    out.raw(value, 0, value.length);
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
    out.raw(value, 0, value.length);
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
      out.tag(NULL);
      return;
    }
    Class<?> c = v.getClass();
    // The commonest arguments skip the class lookup.
    if (c == String.class) {
      out.tag(STRING);
      out.string((String) v);
      return;
    }
    if (c == Integer.class) {
      out.tagInt(INT, (Integer) v);
      return;
    }
    if (c == Long.class) {
      out.tagLong(LONG, (Long) v);
      return;
    }
    if (c == Double.class) {
      out.tagLong(DOUBLE, Double.doubleToLongBits((Double) v));
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
      case Shape.OPTIONAL -> optional((Optional<?>) v);
      case Shape.SIGNABLE -> signable((Signable) v, s);
      case Shape.LIST -> list((List<?>) v);
      case Shape.DEQUE -> deque((Deque<?>) v);
      case Shape.SET -> set((Set<?>) v);
      case Shape.MAP -> map((Map<?, ?>) v);
      case Shape.PRIMITIVE_ARRAY -> out.primitiveArray(v, s.descriptor);
      case Shape.OBJECT_ARRAY -> objectArray((Object[]) v, s);
      case Shape.RECORD -> record(v, s);
      default -> {
        if (!out.leaf(v, s)) {
          throw EncodingFailure.unsignable(s);
        }
      }
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
      out.tagByte(OPTIONAL, o.isPresent() ? 1 : 0);
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
      out.tag(SIGNABLE);
      out.raw(s.name);
      try {
        v.signTo(this);
      } catch (EncodingFailure f) {
        throw f.at(".signTo()");
      } catch (RuntimeException e) {
        throw EncodingFailure.threw(s.type, "signTo", s.type.getName() + ".signTo", e);
      }
      out.tag(END);
    } finally {
      depth--;
    }
  }

  @SuppressWarnings("unchecked") // find() resolved the signer for v's class or a supertype of it
  private void typeSigned(Object v, Shape s, TypeSigner<?> ts) {
    enter();
    try {
      out.tag(TYPE_SIGNED);
      out.raw(s.name);
      String signerName = ts.getClass().getName();
      try {
        ((TypeSigner<Object>) ts).sign(v, this);
      } catch (EncodingFailure f) {
        throw f.at(".sign()");
      } catch (RuntimeException e) {
        throw EncodingFailure.threw(s.type, "type signer " + signerName, signerName + ".sign", e);
      }
      out.tag(END);
    } finally {
      depth--;
    }
  }

  private void record(Object r, Shape s) {
    enter();
    try {
      if (s == lastRecord) {
        out.tag(RECORD_AGAIN);
      } else {
        out.tag(RECORD);
        out.raw(s.name);
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
    if (out.primitiveComponent(r, s, i)) {
      return;
    }
    Object v;
    try {
      v = (Object) s.accessors[i].invokeExact(r);
    } catch (Throwable t) {
      throw EncodingFailure.accessorThrew(s, i, t);
    }
    try {
      encode(v);
    } catch (EncodingFailure f) {
      throw f.at("." + s.components[i]);
    }
  }

  private void list(List<?> l) {
    enter();
    try {
      int n = l.size();
      out.tagInt(LIST, n);
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
      out.tagInt(DEQUE, n);
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
      out.tag(OBJECT_ARRAY);
      out.raw(s.componentName);
      out.rawInt(a.length);
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
      out.tagInt(SET, n);
      if (n == 0) {
        return;
      }
      byte[][] digests = new byte[n][];
      Signer.Hasher parent = out.target();
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
            throw f.at("{element " + EncodingFailure.typeLabel(e) + "}");
          }
          out.flush();
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
      out.tagInt(MAP, n);
      if (n == 0) {
        return;
      }
      byte[][] digests = new byte[n][];
      Signer.Hasher parent = out.target();
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
            throw f.at("{key " + EncodingFailure.typeLabel(key) + "}");
          }
          try {
            encode(entry.getValue());
          } catch (EncodingFailure f) {
            throw f.at("{" + EncodingFailure.keyLabel(key) + "}");
          }
          out.flush();
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
    out.flush();
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
    out.target(h);
    return h;
  }

  private void endSubDigests(Signer.Hasher parent) {
    out.target(parent);
    subLevel--;
    lastRecord = savedRecords[subLevel];
  }

  private void writeSorted(byte[][] digests) {
    Arrays.sort(digests, UNSIGNED);
    for (byte[] d : digests) {
      out.raw(d, 0, d.length);
    }
  }

  @Override
  public String toString() {
    return "CanonicalEncoder{signer=" + signer.name() + ", " + typeSigners + "}";
  }
}
