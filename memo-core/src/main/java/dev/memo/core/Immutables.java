package dev.memo.core;

import dev.memo.Immutable;
import dev.memo.Signature;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
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
import org.jspecify.annotations.Nullable;

/**
 * Converts results into the form memo hands out, which no caller can change under another: JDK
 * lists, sets and maps become unmodifiable copies (recursively, keeping iteration order and
 * comparators), arrays become copies (a fresh one for every caller), {@link Immutable} types their
 * {@code asImmutable()}, records whose components change are rebuilt, and values known to be
 * immutable (strings, boxed primitives, {@code BigInteger}, {@code BigDecimal}, {@code java.time},
 * enums, {@code UUID}, {@code URI}, {@code Path}, {@code Locale}, {@code Pattern}, {@link
 * Signature}, optionals of such values) stay as they are. Anything else is {@link NotImmutable}.
 *
 * <p>A record whose every component is declared of a primitive type, or of a final type memo knows
 * to be immutable (including such records), is immutable by its type alone: it stays as it is
 * without its accessors being called.
 *
 * <p>A value just deserialized for one caller ({@link #freezeFresh}) is nobody else's: the JDK's
 * mutable lists, sets and maps in it are wrapped unmodifiable where they are instead of copied,
 * which hands out the same form as {@link #freeze}. Stateless and thread-safe.
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
    Walk walk = new Walk(false, false);
    Object v;
    try {
      v = convert(value, walk);
    } catch (NotImmutable e) {
      throw e.under("result");
    }
    return new Frozen(v, walk.copies);
  }

  /**
   * Converts a value that nobody else holds, just deserialized for one caller, into the same form
   * as {@link #freeze}, wrapping its {@code ArrayList}s, {@code HashSet}s, {@code LinkedHashSet}s,
   * {@code TreeSet}s, {@code HashMap}s, insertion-ordered {@code LinkedHashMap}s and {@code
   * TreeMap}s unmodifiable where they are instead of copying them. This is safe because every path
   * to such a collection goes through memo's wrapper: the value reaches it only through lists,
   * sets, maps, optionals, arrays and records, which are all converted, while any type memo does
   * not know is refused as by {@link #freeze}. A value holding an {@link Immutable} (whose state
   * memo cannot see, and which may share a collection with the rest of the value) is converted by
   * {@link #freeze} instead. Elements are put into a collection in place (a converted list in a
   * list, a map's converted values) only once the whole value converted, so a refused value is left
   * as it was.
   *
   * @param value the value; not to be used by the caller afterwards except through the result
   * @return the converted value
   * @throws NotImmutable naming the first part that cannot be converted
   */
  static Frozen freezeFresh(Object value) {
    Walk walk = new Walk(true, true);
    Object v;
    try {
      v = convert(value, walk);
    } catch (NotImmutable e) {
      throw e.under("result");
    } catch (HoldsImmutable e) {
      return freeze(value);
    }
    walk.apply();
    return new Frozen(v, walk.copies);
  }

  /**
   * The state of one conversion: whether it is of a fresh value, whether the result holds an array
   * (so that each caller needs a copy), and the writes into a fresh value's collections to be made
   * once it all converted.
   */
  private static final class Walk {
    final boolean fresh;

    /** Whether an {@link Immutable} stops the conversion ({@link HoldsImmutable}). */
    final boolean refusesImmutable;

    boolean copies;
    private Object[] targets;
    private Object[] values;
    private int[] indexes;
    private int writes;

    Walk(boolean fresh, boolean refusesImmutable) {
      this.fresh = fresh;
      this.refusesImmutable = refusesImmutable;
    }

    /** Notes that element {@code index} of a list, or the value of a map entry, is to be set. */
    void write(Object target, int index, Object value) {
      if (targets == null) {
        targets = new Object[16];
        values = new Object[16];
        indexes = new int[16];
      } else if (writes == targets.length) {
        int n = writes * 2;
        targets = Arrays.copyOf(targets, n);
        values = Arrays.copyOf(values, n);
        indexes = Arrays.copyOf(indexes, n);
      }
      targets[writes] = target;
      values[writes] = value;
      indexes[writes] = index;
      writes++;
    }

    @SuppressWarnings("unchecked")
    void apply() {
      for (int i = 0; i < writes; i++) {
        if (targets[i] instanceof Map.Entry<?, ?> e) {
          ((Map.Entry<Object, Object>) e).setValue(values[i]);
        } else {
          ((List<Object>) targets[i]).set(indexes[i], values[i]);
        }
      }
    }
  }

  /** Stops a fresh conversion that met an {@link Immutable}: the value is frozen instead. */
  private static final class HoldsImmutable extends RuntimeException {
    static final HoldsImmutable INSTANCE = new HoldsImmutable();

    private HoldsImmutable() {
      super(null, null, false, false);
    }
  }

  private static boolean knownImmutable(Object v) {
    return knownImmutableClass(v.getClass());
  }

  private static boolean knownImmutableClass(Class<?> c) {
    if (c.isArray()) {
      return false; // an array class is of its element's module and package, but can be changed
    }
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
    if (Enum.class.isAssignableFrom(c)) {
      return true;
    }
    Module base = Object.class.getModule();
    if (c.getModule() == base
        && (c.getPackageName().startsWith("java.time") || Path.class.isAssignableFrom(c))) {
      return true;
    }
    return false;
  }

  /**
   * Whether every value of exactly this class stays as it is: a class {@link #knownImmutable}
   * names, or a record immutable by its components' types (and not a list, set, map or {@link
   * Immutable}, which are converted as such). Asked once per class, instead of a chain of checks
   * for each value.
   */
  private static final ClassValue<Boolean> STAYS =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> c) {
          if (knownImmutableClass(c)) {
            return true;
          }
          return RECORDS.get(c).byType
              && !Immutable.class.isAssignableFrom(c)
              && !Collection.class.isAssignableFrom(c)
              && !Map.class.isAssignableFrom(c);
        }
      };

  /** Whether a value stays as it is because of its class; remembers the class if so. */
  private static boolean stays(Object v, Class<?>[] seen) {
    if (v == null) {
      return true;
    }
    Class<?> c = v.getClass();
    if (c == seen[0]) {
      return true;
    }
    if (STAYS.get(c)) {
      seen[0] = c;
      return true;
    }
    return false;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object convert(Object v, Walk walk) {
    if (v == null || STAYS.get(v.getClass())) {
      return v;
    }
    if (v instanceof Immutable im) {
      if (walk.refusesImmutable) {
        throw HoldsImmutable.INSTANCE;
      }
      Object out = im.asImmutable();
      if (out == null) {
        throw new NotImmutable("", v.getClass(), ", whose asImmutable() returned null");
      }
      return out;
    }
    Class<?> c = v.getClass();
    if (c.isArray()) {
      // Copied even in a fresh value: an array reached twice must be two arrays, as in freeze's
      // result, since a caller can change one.
      walk.copies = true;
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
          copy[i] = convert(a[i], walk);
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
        inner = convert(o.get(), walk);
      } catch (NotImmutable e) {
        throw e.under(".get()");
      }
      return inner == o.get() ? o : Optional.of(inner);
    }
    if (walk.fresh) {
      if (c == ArrayList.class) {
        return freshList((ArrayList<Object>) v, walk);
      }
      if (c == HashSet.class || c == LinkedHashSet.class) {
        return freshSet((Set<Object>) v, walk, false);
      }
      if (c == TreeSet.class) {
        return freshSet((Set<Object>) v, walk, true);
      }
      if (c == HashMap.class || (c == LinkedHashMap.class && insertionOrdered((Map) v))) {
        return freshMap((Map<Object, Object>) v, walk, false);
      }
      if (c == TreeMap.class) {
        return freshMap((Map<Object, Object>) v, walk, true);
      }
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      int i = 0;
      for (Object e : list) {
        try {
          out.add(convert(e, walk));
        } catch (NotImmutable x) {
          throw x.under("[" + i + "]");
        }
        i++;
      }
      return Collections.unmodifiableList(out);
    }
    if (v instanceof Set<?> set) {
      return copySet(set, walk, null, 0, null);
    }
    if (v instanceof Map<?, ?> map) {
      return copyMap(map, walk);
    }
    RecordShape shape = RECORDS.get(c); // not Class.isRecord(): a native call on every record
    if (shape != RecordShape.NONE) {
      return record(v, c, shape, walk);
    }
    throw new NotImmutable("", c, "");
  }

  /**
   * An unmodifiable copy of a set with its elements converted, ordered as the set (a sorted set by
   * its comparator). The first {@code done} elements, which converted to themselves, are copied as
   * they are, then {@code next} (the conversion of element {@code done}), then the rest converted;
   * {@code rest} is the iterator positioned after element {@code done}, or null to start afresh.
   */
  @SuppressWarnings("unchecked")
  private static Set<Object> copySet(
      Set<?> set, Walk walk, @Nullable Iterator<?> rest, int done, @Nullable Object next) {
    boolean sorted = set instanceof SortedSet<?>;
    Set<Object> out =
        sorted
            ? new TreeSet<>((Comparator<Object>) ((SortedSet<?>) set).comparator())
            : new LinkedHashSet<>(Math.max(16, set.size() * 4 / 3 + 1));
    Iterator<?> it = rest;
    if (it == null) {
      it = set.iterator();
    } else {
      Iterator<?> head = set.iterator();
      for (int i = 0; i < done; i++) {
        out.add(head.next());
      }
      out.add(next);
    }
    while (it.hasNext()) {
      out.add(element(it.next(), walk));
    }
    return sorted
        ? Collections.unmodifiableNavigableSet((NavigableSet<Object>) out)
        : Collections.unmodifiableSet(out);
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, Object> copyMap(Map<?, ?> map, Walk walk) {
    if (map instanceof SortedMap<?, ?> sorted) {
      NavigableMap<Object, Object> out = new TreeMap<>((Comparator<Object>) sorted.comparator());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put(key(e.getKey(), walk), value(e.getKey(), e.getValue(), walk));
      }
      return Collections.unmodifiableNavigableMap(out);
    }
    Map<Object, Object> out = new LinkedHashMap<>(Math.max(16, map.size() * 4 / 3 + 1));
    for (Map.Entry<?, ?> e : map.entrySet()) {
      out.put(key(e.getKey(), walk), value(e.getKey(), e.getValue(), walk));
    }
    return Collections.unmodifiableMap(out);
  }

  /** A fresh {@code ArrayList}, wrapped where it is; changed elements are set at the end. */
  private static List<Object> freshList(ArrayList<Object> list, Walk walk) {
    Class<?>[] seen = new Class<?>[1];
    for (int i = 0, n = list.size(); i < n; i++) {
      Object e = list.get(i);
      if (stays(e, seen)) {
        continue;
      }
      Object out;
      try {
        out = convert(e, walk);
      } catch (NotImmutable x) {
        throw x.under("[" + i + "]");
      }
      if (out != e) {
        walk.write(list, i, out);
      }
    }
    return Collections.unmodifiableList(list);
  }

  /**
   * A fresh set of a JDK class, wrapped where it is if its elements all convert to themselves, or
   * else copied as {@link #freeze} does: an element is part of its own place in a set, so it is not
   * replaced.
   */
  @SuppressWarnings("unchecked")
  private static Set<Object> freshSet(Set<Object> set, Walk walk, boolean sorted) {
    Class<?>[] seen = new Class<?>[1];
    Iterator<Object> it = set.iterator();
    for (int i = 0; it.hasNext(); i++) {
      Object e = it.next();
      if (stays(e, seen)) {
        continue;
      }
      Object out = element(e, walk);
      if (out != e) {
        return copySet(set, walk, it, i, out);
      }
    }
    return sorted
        ? Collections.unmodifiableNavigableSet((NavigableSet<Object>) set)
        : Collections.unmodifiableSet(set);
  }

  /**
   * A fresh map of a JDK class, wrapped where it is, its changed values set at the end; or, if a
   * key does not convert to itself, copied as {@link #freeze} does.
   */
  @SuppressWarnings("unchecked")
  private static Map<Object, Object> freshMap(Map<Object, Object> map, Walk walk, boolean sorted) {
    Class<?>[] keys = new Class<?>[1];
    Class<?>[] values = new Class<?>[1];
    for (Map.Entry<Object, Object> e : map.entrySet()) {
      Object k = e.getKey();
      if (!stays(k, keys) && key(k, walk) != k) {
        return copyMap(map, walk); // rare: a key of a mutable kind
      }
      Object v = e.getValue();
      if (stays(v, values)) {
        continue;
      }
      Object out = value(k, v, walk);
      if (out != v) {
        walk.write(e, 0, out);
      }
    }
    return sorted
        ? Collections.unmodifiableNavigableMap((NavigableMap<Object, Object>) map)
        : Collections.unmodifiableMap(map);
  }

  /**
   * Whether a {@code LinkedHashMap} keeps insertion order, not access order, under which every read
   * through the wrapper would reorder it. Told by reading its first key: an access-ordered map
   * moves it to the end, and is then put back in its order.
   */
  private static boolean insertionOrdered(Map<Object, Object> map) {
    if (map.size() < 2) {
      return true; // reading the only entry of an access-ordered map moves nothing
    }
    Object first = map.keySet().iterator().next();
    if (!map.containsKey(first)) {
      return false; // a key whose hash changed: not told apart, so copied
    }
    map.get(first);
    if (map.keySet().iterator().next() == first) {
      return true;
    }
    Object[] keys = map.keySet().toArray();
    for (int i = 0; i < keys.length - 1; i++) {
      map.get(keys[i]); // each read moves it to the end: the first key comes first again
    }
    return false;
  }

  private static Object element(Object e, Walk walk) {
    try {
      return settled(e, walk);
    } catch (NotImmutable x) {
      throw x.under(" element " + shortText(e));
    }
  }

  private static Object key(Object k, Walk walk) {
    try {
      return settled(k, walk);
    } catch (NotImmutable x) {
      throw x.under("[" + shortText(k) + "] key");
    }
  }

  /**
   * Converts a set's element or a map's key, whose hash code places it: in a fresh value it is
   * copied as {@link #freeze} does, not wrapped where it is, since the writes made into a fresh
   * value's lists at the end could change its hash code after the set or map placed it.
   */
  private static Object settled(Object v, Walk walk) {
    if (!walk.fresh) {
      return convert(v, walk);
    }
    Walk copying = new Walk(false, true);
    Object out = convert(v, copying);
    walk.copies |= copying.copies;
    return out;
  }

  private static Object value(Object k, Object v, Walk walk) {
    try {
      return convert(v, walk);
    } catch (NotImmutable x) {
      throw x.under("[" + shortText(k) + "]");
    }
  }

  private static Object record(Object v, Class<?> c, RecordShape shape, Walk walk) {
    if (shape.byType) {
      return v; // immutable by its components' declared types
    }
    if (shape.failure != null) {
      throw shape.cannotRebuild(c, shape.failure);
    }
    int n = shape.accessors.length;
    Object[] values = new Object[n];
    boolean changed = false;
    for (int i = 0; i < n; i++) {
      if (shape.componentByType[i]) {
        continue; // stays as it is; read only if the record is rebuilt
      }
      Object part = shape.component(v, i, c);
      try {
        values[i] = convert(part, walk);
      } catch (NotImmutable e) {
        throw e.under("." + shape.names[i] + "()");
      }
      changed |= values[i] != part;
    }
    if (!changed) {
      return v;
    }
    for (int i = 0; i < n; i++) {
      if (shape.componentByType[i]) {
        values[i] = shape.component(v, i, c);
      }
    }
    return shape.rebuild(c, values);
  }

  /**
   * The components of each record class, looked up once rather than at every conversion; {@link
   * RecordShape#NONE} for a class that is not a record.
   */
  private static final ClassValue<RecordShape> RECORDS =
      new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> c) {
          return c.isRecord() ? RecordShape.of(c) : RecordShape.NONE;
        }
      };

  /**
   * Whether every value of a declared type is immutable whatever it holds: a primitive type, or a
   * final type memo knows to be immutable, an enum, or a record whose components are all such (a
   * record reached again through its own components is not).
   */
  static boolean immutableByType(Class<?> t, Set<Class<?>> visiting) {
    if (t.isArray()) {
      return false; // final, and of its element's package, but every array can be changed
    }
    if (t.isPrimitive() || t.isEnum()) {
      return true;
    }
    if (!Modifier.isFinal(t.getModifiers())) {
      return false;
    }
    if (IMMUTABLE_FINAL.contains(t)) {
      return true;
    }
    if (t.getModule() == Object.class.getModule() && t.getPackageName().startsWith("java.time")) {
      return true; // as knownImmutable, for a class that has no subclasses
    }
    if (t.isRecord() && visiting.add(t)) {
      try {
        for (RecordComponent rc : t.getRecordComponents()) {
          if (!immutableByType(rc.getType(), visiting)) {
            return false;
          }
        }
        return true;
      } finally {
        visiting.remove(t);
      }
    }
    return false;
  }

  /** The final classes among those {@link #knownImmutable} names. */
  private static final Set<Class<?>> IMMUTABLE_FINAL =
      Set.of(
          String.class,
          Integer.class,
          Long.class,
          Double.class,
          Boolean.class,
          Character.class,
          Float.class,
          Short.class,
          Byte.class,
          UUID.class,
          URI.class,
          Locale.class,
          Pattern.class,
          Signature.class,
          OptionalInt.class,
          OptionalLong.class,
          OptionalDouble.class,
          Class.class);

  /** A record class's component names, types and accessors, or why they cannot be read. */
  private static final class RecordShape {
    /** The shape of every class that is not a record. */
    static final RecordShape NONE =
        new RecordShape(Object.class, new String[0], new Class<?>[0], new MethodHandle[0], null);

    final String[] names;
    final Class<?>[] types;
    final MethodHandle[] accessors;
    final @Nullable Throwable failure;

    /** Whether the record is immutable by its components' declared types alone. */
    final boolean byType;

    /** For each component, whether it is immutable by its declared type. */
    final boolean[] componentByType;

    /** The canonical constructor, once a record was rebuilt. */
    private volatile @Nullable Constructor<?> canonical;

    private RecordShape(
        Class<?> c,
        String[] names,
        Class<?>[] types,
        MethodHandle[] accessors,
        @Nullable Throwable failure) {
      this.names = names;
      this.types = types;
      this.accessors = accessors;
      this.failure = failure;
      this.componentByType = new boolean[types.length];
      boolean all = true;
      for (int i = 0; i < types.length; i++) {
        componentByType[i] = immutableByType(types[i], new HashSet<>());
        all &= componentByType[i];
      }
      this.byType = all && immutableByType(c, new HashSet<>());
    }

    static RecordShape of(Class<?> c) {
      RecordComponent[] components = c.getRecordComponents();
      int n = components.length;
      String[] names = new String[n];
      Class<?>[] types = new Class<?>[n];
      MethodHandle[] accessors = new MethodHandle[n];
      for (int i = 0; i < n; i++) {
        names[i] = components[i].getName();
        types[i] = components[i].getType();
      }
      try {
        for (int i = 0; i < n; i++) {
          Method accessor = components[i].getAccessor();
          accessor.setAccessible(true);
          accessors[i] = MethodHandles.lookup().unreflect(accessor);
        }
        return new RecordShape(c, names, types, accessors, null);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return new RecordShape(c, names, types, accessors, e);
      }
    }

    /** Component {@code i} of record {@code v}, through its accessor. */
    Object component(Object v, int i, Class<?> c) {
      try {
        return accessors[i].invoke(v);
      } catch (Throwable t) {
        throw cannotRebuild(c, t);
      }
    }

    /** A new record of these components, through the canonical constructor. */
    Object rebuild(Class<?> c, Object[] values) {
      try {
        Constructor<?> ctor = canonical;
        if (ctor == null) {
          ctor = c.getDeclaredConstructor(types);
          ctor.setAccessible(true);
          canonical = ctor;
        }
        return ctor.newInstance(values);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw cannotRebuild(c, e);
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
