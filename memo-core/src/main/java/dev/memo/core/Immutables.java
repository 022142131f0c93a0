package dev.memo.core;

import dev.memo.Immutable;
import dev.memo.Signature;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Converts results into the form memo hands out, which no caller can change under another: JDK
 * lists, sets and maps become unmodifiable copies (recursively, keeping iteration order and
 * comparators), arrays become copies (a fresh one for every caller), {@link Immutable} types their
 * {@code asImmutable()}, records whose components change are rebuilt, and values known to be
 * immutable (strings, boxed primitives, {@code BigInteger}, {@code BigDecimal}, {@code java.time},
 * enums, {@code UUID}, {@code URI}, {@code Path}, {@code Locale}, {@code Pattern}, {@link
 * Signature}, optionals of such values) stay as they are. Anything else is {@link NotImmutable}.
 */
final class Immutables {
  private Immutables() {}

  /** A converted result, and whether each caller needs its own copy (it holds an array). */
  static final class Frozen {
    final Object value;
    final boolean copyPerCall;

    Frozen(Object value, boolean copyPerCall) {
      this.value = value;
      this.copyPerCall = copyPerCall;
    }

    /** What one caller receives. */
    Object handOut() {
      return copyPerCall ? freeze(value).value : value;
    }
  }

  /**
   * A part of a result memo cannot make immutable. Its path inside the result is built as it
   * propagates up through the containers, so that converting a result that succeeds never builds a
   * path string.
   */
  static final class NotImmutable extends RuntimeException {
    private String path;
    final Class<?> type;
    private final String detail;

    NotImmutable(String path, Class<?> type, String detail) {
      super(null, null, false, false);
      this.path = path;
      this.type = type;
      this.detail = detail;
    }

    /** Puts the segment of the enclosing container in front of the path; returns this. */
    NotImmutable under(String segment) {
      path = segment + path;
      return this;
    }

    String path() {
      return path;
    }

    @Override
    public String getMessage() {
      return path + " has type " + type.getName() + detail;
    }
  }

  /**
   * Converts a result.
   *
   * @throws NotImmutable naming the first part that cannot be converted
   */
  static Frozen freeze(Object value) {
    boolean[] copies = new boolean[1];
    Object v;
    try {
      v = convert(value, copies);
    } catch (NotImmutable e) {
      throw e.under("result");
    }
    return new Frozen(v, copies[0]);
  }

  private static boolean knownImmutable(Object v) {
    Class<?> c = v.getClass();
    if (c == String.class
        || c == Integer.class
        || c == Long.class
        || c == Double.class
        || c == Boolean.class
        || c == Character.class
        || c == Float.class
        || c == Short.class
        || c == Byte.class
        || c == BigInteger.class
        || c == BigDecimal.class
        || c == UUID.class
        || c == URI.class
        || c == Locale.class
        || c == Pattern.class
        || c == Signature.class
        || c == OptionalInt.class
        || c == OptionalLong.class
        || c == OptionalDouble.class
        || c == Class.class) {
      return true;
    }
    if (v instanceof Enum<?>) {
      return true;
    }
    Module base = Object.class.getModule();
    if (c.getModule() == base
        && (c.getPackageName().startsWith("java.time") || v instanceof Path)) {
      return true;
    }
    return false;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object convert(Object v, boolean[] copies) {
    if (v == null || knownImmutable(v)) {
      return v;
    }
    if (v instanceof Immutable im) {
      Object out = im.asImmutable();
      if (out == null) {
        throw new NotImmutable("", v.getClass(), ", whose asImmutable() returned null");
      }
      return out;
    }
    Class<?> c = v.getClass();
    if (c.isArray()) {
      copies[0] = true;
      if (c.getComponentType().isPrimitive()) {
        int n = Array.getLength(v);
        Object copy = Array.newInstance(c.getComponentType(), n);
        System.arraycopy(v, 0, copy, 0, n);
        return copy;
      }
      Object[] a = (Object[]) v;
      Object[] copy = (Object[]) Array.newInstance(c.getComponentType(), a.length);
      for (int i = 0; i < a.length; i++) {
        try {
          copy[i] = convert(a[i], copies);
        } catch (NotImmutable e) {
          throw e.under("[" + i + "]");
        }
      }
      return copy;
    }
    if (v instanceof Optional<?> o) {
      if (o.isEmpty()) {
        return o;
      }
      Object inner;
      try {
        inner = convert(o.get(), copies);
      } catch (NotImmutable e) {
        throw e.under(".get()");
      }
      return inner == o.get() ? o : Optional.of(inner);
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      int i = 0;
      for (Object e : list) {
        try {
          out.add(convert(e, copies));
        } catch (NotImmutable x) {
          throw x.under("[" + i + "]");
        }
        i++;
      }
      return Collections.unmodifiableList(out);
    }
    if (v instanceof SortedSet<?> set) {
      TreeSet<Object> out = new TreeSet<>((Comparator<Object>) set.comparator());
      for (Object e : set) {
        out.add(element(e, copies));
      }
      return Collections.unmodifiableNavigableSet(out);
    }
    if (v instanceof Set<?> set) {
      Set<Object> out = new LinkedHashSet<>(Math.max(16, set.size() * 4 / 3 + 1));
      for (Object e : set) {
        out.add(element(e, copies));
      }
      return Collections.unmodifiableSet(out);
    }
    if (v instanceof SortedMap<?, ?> map) {
      NavigableMap<Object, Object> out = new TreeMap<>((Comparator<Object>) map.comparator());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put(key(e.getKey(), copies), value(e.getKey(), e.getValue(), copies));
      }
      return Collections.unmodifiableNavigableMap(out);
    }
    if (v instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>(Math.max(16, map.size() * 4 / 3 + 1));
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put(key(e.getKey(), copies), value(e.getKey(), e.getValue(), copies));
      }
      return Collections.unmodifiableMap(out);
    }
    if (c.isRecord()) {
      return record(v, c, copies);
    }
    throw new NotImmutable("", c, "");
  }

  private static Object element(Object e, boolean[] copies) {
    try {
      return convert(e, copies);
    } catch (NotImmutable x) {
      throw x.under(" element " + shortText(e));
    }
  }

  private static Object key(Object k, boolean[] copies) {
    try {
      return convert(k, copies);
    } catch (NotImmutable x) {
      throw x.under("[" + shortText(k) + "] key");
    }
  }

  private static Object value(Object k, Object v, boolean[] copies) {
    try {
      return convert(v, copies);
    } catch (NotImmutable x) {
      throw x.under("[" + shortText(k) + "]");
    }
  }

  private static Object record(Object v, Class<?> c, boolean[] copies) {
    RecordShape shape = RECORDS.get(c);
    if (shape.failure != null) {
      throw shape.cannotRebuild(c, shape.failure);
    }
    int n = shape.accessors.length;
    Object[] values = new Object[n];
    boolean changed = false;
    for (int i = 0; i < n; i++) {
      Object part;
      try {
        part = shape.accessors[i].invoke(v);
      } catch (Throwable t) {
        throw shape.cannotRebuild(c, t);
      }
      try {
        values[i] = convert(part, copies);
      } catch (NotImmutable e) {
        throw e.under("." + shape.names[i] + "()");
      }
      changed |= values[i] != part;
    }
    if (!changed) {
      return v;
    }
    try {
      Constructor<?> canonical = c.getDeclaredConstructor(shape.types);
      canonical.setAccessible(true);
      return canonical.newInstance(values);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw shape.cannotRebuild(c, e);
    }
  }

  /** The components of each record class, looked up once rather than at every conversion. */
  private static final ClassValue<RecordShape> RECORDS =
      new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> c) {
          return RecordShape.of(c);
        }
      };

  /** A record class's component names, types and accessors, or why they cannot be read. */
  private static final class RecordShape {
    final String[] names;
    final Class<?>[] types;
    final MethodHandle[] accessors;
    final Throwable failure;

    private RecordShape(
        String[] names, Class<?>[] types, MethodHandle[] accessors, Throwable failure) {
      this.names = names;
      this.types = types;
      this.accessors = accessors;
      this.failure = failure;
    }

    static RecordShape of(Class<?> c) {
      RecordComponent[] components = c.getRecordComponents();
      int n = components.length;
      String[] names = new String[n];
      Class<?>[] types = new Class<?>[n];
      MethodHandle[] accessors = new MethodHandle[n];
      try {
        for (int i = 0; i < n; i++) {
          RecordComponent rc = components[i];
          names[i] = rc.getName();
          types[i] = rc.getType();
          Method accessor = rc.getAccessor();
          accessor.setAccessible(true);
          accessors[i] = MethodHandles.lookup().unreflect(accessor);
        }
        return new RecordShape(names, types, accessors, null);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return new RecordShape(names, types, accessors, e);
      }
    }

    NotImmutable cannotRebuild(Class<?> c, Throwable e) {
      if (e instanceof NotImmutable n) {
        return n;
      }
      return new NotImmutable(
          "",
          c,
          ", a record memo cannot rebuild with immutable components ("
              + e
              + "; open its package to dev.memo.core)");
    }
  }

  private static String shortText(Object key) {
    if (key instanceof String s) {
      return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
    }
    if (key == null || knownImmutable(key)) {
      String s = String.valueOf(key);
      return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
    return key.getClass().getSimpleName();
  }
}
