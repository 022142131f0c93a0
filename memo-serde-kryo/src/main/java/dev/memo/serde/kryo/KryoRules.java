package dev.memo.serde.kryo;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.serializers.DefaultArraySerializers;
import com.esotericsoftware.kryo.kryo5.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.kryo5.serializers.EnumNameSerializer;
import com.esotericsoftware.kryo.kryo5.serializers.FieldSerializer;
import com.esotericsoftware.kryo.kryo5.serializers.OptionalSerializers;
import com.esotericsoftware.kryo.kryo5.serializers.TimeSerializers;
import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.SerdeException;
import dev.memo.serde.java.AllowListFilter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Which classes a kryo payload may name, and the serializer each is written with. The rules are
 * memo-serde-java's: boxed primitives, {@code String}, {@code BigInteger}, {@code BigDecimal}, the
 * JDK collections listed in {@link #JDK} (the kinds behind {@code List.of}, {@code Set.of}, {@code
 * Map.of}, {@code Arrays.asList} and the unmodifiable, empty and singleton views of {@code
 * Collections} included), {@code java.time} values, {@code UUID}, {@code BitSet}, {@code
 * Optional}s, every enum and record, and arrays of any of these or of primitives are allowed; other
 * classes only by {@value #ALLOW}, whose patterns are those of {@code memo.serde.java.allow}. An
 * allowed class that is neither a record, an enum nor a JDK type is written field by field and must
 * have a no-argument constructor.
 *
 * <p>A name read from a payload is decided on before its class is initialized: the class is loaded
 * without initialization, so neither its static initializer nor a constructor runs unless it is
 * allowed.
 *
 * <p>Immutable and thread-safe; the classes it resolved are cached.
 */
final class KryoRules {
  /** {@code memo.serde.kryo.allow}: comma-separated extra classes and packages to allow. */
  static final String ALLOW = "memo.serde.kryo.allow";

  /** {@code memo.serde.kryo.max-depth}: the deepest nesting of objects in a payload. */
  static final String MAX_DEPTH = "memo.serde.kryo.max-depth";

  /** {@code memo.serde.kryo.max-length}: the most elements of one array, collection or string. */
  static final String MAX_LENGTH = "memo.serde.kryo.max-length";

  static final int DEFAULT_MAX_DEPTH = 100;
  static final long DEFAULT_MAX_LENGTH = Integer.MAX_VALUE - 8;

  private static final String SCOPE = "memo.serde.kryo";
  private static final String PATTERN_FORMS =
      "a comma-separated list of class names (com.example.Point), packages"
          + " (com.example.model.*) or package trees (com.example.model.**)";

  /** The JDK classes a payload may name, by name, with the serializer each is written with. */
  private static final Map<String, BiFunction<Kryo, Class<?>, Serializer<?>>> JDK = jdkTable();

  private final AllowListFilter userClasses;
  private final int maxDepth;
  private final long maxLength;
  private final ClassLoader loader;
  private final Map<String, Class<?>> resolved = new ConcurrentHashMap<>();

  private KryoRules(AllowListFilter userClasses, int maxDepth, long maxLength, ClassLoader loader) {
    this.userClasses = userClasses;
    this.maxDepth = maxDepth;
    this.maxLength = maxLength;
    this.loader = loader;
  }

  /**
   * Reads the rules from {@code memo.serde.kryo.*} in the root of {@code config}: {@code kryo} and
   * {@code kryo-zstd} share them, as the Java serdes share {@code memo.serde.java.*}.
   *
   * @throws MemoConfigurationException quoting a key whose value is invalid
   */
  static KryoRules of(MemoConfig config) {
    MemoConfig scoped = config.root().scoped(SCOPE);
    String allow = String.join(",", scoped.getList("allow"));
    AllowListFilter patterns;
    try {
      // memo-serde-java's filter parses the same patterns; only its allow decision is used here.
      patterns = AllowListFilter.of(MemoConfig.of(Map.of(AllowListFilter.ALLOW, allow)));
    } catch (MemoConfigurationException e) {
      throw scoped.invalid("allow", PATTERN_FORMS);
    }
    int depth = (int) limit(scoped, "max-depth", DEFAULT_MAX_DEPTH, 1, 100_000);
    long length = limit(scoped, "max-length", DEFAULT_MAX_LENGTH, 0, DEFAULT_MAX_LENGTH);
    ClassLoader tccl = Thread.currentThread().getContextClassLoader();
    return new KryoRules(
        patterns, depth, length, tccl != null ? tccl : KryoRules.class.getClassLoader());
  }

  private static long limit(MemoConfig scoped, String key, long defaultValue, long min, long max) {
    String raw = scoped.get(key).orElse(null);
    if (raw == null) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(raw.trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below, in the same words as an out-of-range value
    }
    throw scoped.invalid(key, "a whole number from " + min + " to " + max);
  }

  int maxDepth() {
    return maxDepth;
  }

  long maxLength() {
    return maxLength;
  }

  /**
   * Returns whether values of {@code type} may be written and read: a JDK type of the table, an
   * enum, a record, a class allowed by {@value #ALLOW}, or an array of these or of primitives.
   */
  boolean allows(Class<?> type) {
    Class<?> element = elementType(type);
    if (element.isPrimitive() || (type.isArray() && element == Object.class)) {
      return true;
    }
    if (JDK.containsKey(element.getName())) {
      return true;
    }
    if (Enum.class.isAssignableFrom(element) || element.isRecord()) {
      return true;
    }
    // Only the table speaks for the JDK: a pattern cannot open java.* classes to field-by-field
    // reflection, which the JDK's modules refuse anyway.
    return !isJdk(element) && userClasses.allows(element);
  }

  private static boolean isJdk(Class<?> type) {
    ClassLoader l = type.getClassLoader();
    return l == null || l == ClassLoader.getPlatformClassLoader() || isJdkName(type.getName());
  }

  private static boolean isJdkName(String name) {
    return name.startsWith("java.")
        || name.startsWith("javax.")
        || name.startsWith("jdk.")
        || name.startsWith("sun.")
        || name.startsWith("com.sun.");
  }

  /**
   * Returns the serializer {@code type} is written with.
   *
   * @throws SerdeException if the class is not {@linkplain #allows allowed}, naming it and the fix
   */
  Serializer<?> serializerFor(Kryo kryo, Class<?> type) {
    if (!allows(type)) {
      throw new SerdeException(
          "class "
              + elementType(type).getName()
              + " is not allowed, so "
              + "a value holding it is neither written nor read; "
              + howToAllow(type));
    }
    if (type.isArray()) {
      Serializer<?> array =
          type.getComponentType().isPrimitive()
              ? kryo.getDefaultSerializer(type)
              : new DefaultArraySerializers.ObjectArraySerializer(kryo, type);
      return new JdkSerializers.CheckedArray<>(array, elementBytes(type.getComponentType()));
    }
    BiFunction<Kryo, Class<?>, Serializer<?>> jdk = JDK.get(type.getName());
    if (jdk != null) {
      return jdk.apply(kryo, type);
    }
    if (type.isEnum()) {
      // By name, never by ordinal: reordering constants must not turn one into another.
      @SuppressWarnings({"unchecked", "rawtypes"})
      Serializer<?> byName = new EnumNameSerializer((Class) type);
      return byName;
    }
    if (type.isRecord()) {
      return new RecordFields<>(type);
    }
    // Field by field, whatever a @DefaultSerializer annotation on the class asks for.
    return new FieldSerializer<>(kryo, type);
  }

  /**
   * Returns the class a payload names, deciding before it is initialized.
   *
   * @throws SerdeException if the class is not allowed or not on the class path
   */
  Class<?> resolve(String name) {
    Class<?> known = resolved.get(name);
    if (known != null) {
      return known;
    }
    Class<?> type = load(name);
    if (!allows(type)) {
      throw new SerdeException(
          "payload names class "
              + elementType(type).getName()
              + ", which is not allowed; "
              + howToAllow(type));
    }
    resolved.put(name, type);
    return type;
  }

  private Class<?> load(String name) {
    try {
      // initialize=false: no static initializer runs before the class is allowed.
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new SerdeException(
          "payload names class "
              + name
              + ", which is not on the class path;"
              + " add the jar or module that defines it, or let the entry be recomputed",
          e);
    }
  }

  private static String howToAllow(Class<?> type) {
    Class<?> element = elementType(type);
    String pkg = element.getPackageName();
    if (pkg.isEmpty() || isJdk(element)) {
      return "memo-serde-kryo takes only the JDK values and collections it lists, enums, records"
          + " and the classes named in "
          + ALLOW;
    }
    return "add it or its package to " + ALLOW + " (for example " + pkg + ".*)";
  }

  static Class<?> elementType(Class<?> type) {
    Class<?> element = type;
    while (element.isArray()) {
      element = element.getComponentType();
    }
    return element;
  }

  /** The fewest bytes one element of an array of {@code component} takes in a payload. */
  private static int elementBytes(Class<?> component) {
    if (component == double.class) {
      return 8;
    }
    if (component == float.class) {
      return 4;
    }
    if (component == char.class || component == short.class) {
      return 2;
    }
    // bytes and booleans take one; ints and longs are variable-length, one byte at least;
    // an object element is at least its one-byte class or null marker.
    return 1;
  }

  private static Map<String, BiFunction<Kryo, Class<?>, Serializer<?>>> jdkTable() {
    Map<String, BiFunction<Kryo, Class<?>, Serializer<?>>> t = new HashMap<>();
    BiFunction<Kryo, Class<?>, Serializer<?>> byKryo = Kryo::getDefaultSerializer;
    for (Class<?> c :
        List.of(
            Boolean.class,
            Byte.class,
            Character.class,
            Short.class,
            Integer.class,
            Long.class,
            Float.class,
            Double.class,
            String.class)) {
      t.put(c.getName(), byKryo);
    }
    t.put(BigInteger.class.getName(), (k, c) -> new DefaultSerializers.BigIntegerSerializer());
    t.put(BigDecimal.class.getName(), (k, c) -> new DefaultSerializers.BigDecimalSerializer());
    t.put(UUID.class.getName(), (k, c) -> new DefaultSerializers.UUIDSerializer());
    t.put(BitSet.class.getName(), (k, c) -> new DefaultSerializers.BitSetSerializer());
    t.put(Optional.class.getName(), (k, c) -> new OptionalSerializers.OptionalSerializer());
    t.put(OptionalInt.class.getName(), (k, c) -> new OptionalSerializers.OptionalIntSerializer());
    t.put(OptionalLong.class.getName(), (k, c) -> new OptionalSerializers.OptionalLongSerializer());
    t.put(
        OptionalDouble.class.getName(),
        (k, c) -> new OptionalSerializers.OptionalDoubleSerializer());
    t.put("java.time.Duration", (k, c) -> new TimeSerializers.DurationSerializer());
    t.put("java.time.Instant", (k, c) -> new TimeSerializers.InstantSerializer());
    t.put("java.time.LocalDate", (k, c) -> new TimeSerializers.LocalDateSerializer());
    t.put("java.time.LocalTime", (k, c) -> new TimeSerializers.LocalTimeSerializer());
    t.put("java.time.LocalDateTime", (k, c) -> new TimeSerializers.LocalDateTimeSerializer());
    t.put("java.time.ZoneOffset", (k, c) -> new TimeSerializers.ZoneOffsetSerializer());
    t.put("java.time.ZoneRegion", (k, c) -> new TimeSerializers.ZoneIdSerializer());
    t.put("java.time.OffsetTime", (k, c) -> new TimeSerializers.OffsetTimeSerializer());
    t.put("java.time.OffsetDateTime", (k, c) -> new TimeSerializers.OffsetDateTimeSerializer());
    t.put("java.time.ZonedDateTime", (k, c) -> new TimeSerializers.ZonedDateTimeSerializer());
    t.put("java.time.Year", (k, c) -> new TimeSerializers.YearSerializer());
    t.put("java.time.YearMonth", (k, c) -> new TimeSerializers.YearMonthSerializer());
    t.put("java.time.MonthDay", (k, c) -> new TimeSerializers.MonthDaySerializer());
    t.put("java.time.Period", (k, c) -> new TimeSerializers.PeriodSerializer());

    for (Class<?> c :
        List.of(
            ArrayList.class,
            LinkedList.class,
            ArrayDeque.class,
            HashSet.class,
            LinkedHashSet.class)) {
      t.put(c.getName(), (k, type) -> new JdkSerializers.CheckedCollection());
    }
    t.put(HashMap.class.getName(), (k, c) -> new JdkSerializers.CheckedMap());
    t.put(LinkedHashMap.class.getName(), (k, c) -> new JdkSerializers.CheckedMap());
    t.put(TreeMap.class.getName(), (k, c) -> new JdkSerializers.SortedMapSerializer());
    t.put(TreeSet.class.getName(), (k, c) -> new JdkSerializers.SortedSetSerializer());
    t.put("java.util.RegularEnumSet", (k, c) -> new DefaultSerializers.EnumSetSerializer());
    t.put("java.util.JumboEnumSet", (k, c) -> new DefaultSerializers.EnumSetSerializer());

    for (Object view :
        List.of(List.of(), List.of(1), List.of(1, 2, 3), List.of(1, 2, 3).subList(0, 1))) {
      t.put(
          view.getClass().getName(),
          (k, c) -> new JdkSerializers.View(JdkSerializers.Kind.LIST_OF));
    }
    for (Object view : List.of(Set.of(), Set.of(1), Set.of(1, 2, 3))) {
      t.put(
          view.getClass().getName(), (k, c) -> new JdkSerializers.View(JdkSerializers.Kind.SET_OF));
    }
    for (Object view : List.of(Map.of(), Map.of(1, 1), Map.of(1, 1, 2, 2))) {
      t.put(
          view.getClass().getName(),
          (k, c) -> new JdkSerializers.MapView(JdkSerializers.Kind.MAP_OF));
    }
    List<Integer> list = new ArrayList<>(List.of(1));
    view(t, Arrays.asList(1), JdkSerializers.Kind.ARRAYS_AS_LIST);
    view(t, Collections.unmodifiableCollection(list), JdkSerializers.Kind.UNMODIFIABLE_COLLECTION);
    view(t, Collections.unmodifiableList(list), JdkSerializers.Kind.UNMODIFIABLE_LIST);
    view(
        t,
        Collections.unmodifiableList(new LinkedList<>(list)),
        JdkSerializers.Kind.UNMODIFIABLE_LIST);
    view(t, Collections.unmodifiableSet(new HashSet<>(list)), JdkSerializers.Kind.UNMODIFIABLE_SET);
    view(
        t,
        Collections.unmodifiableSortedSet(new TreeSet<>(list)),
        JdkSerializers.Kind.UNMODIFIABLE_SORTED_SET);
    view(
        t,
        Collections.unmodifiableNavigableSet(new TreeSet<>(list)),
        JdkSerializers.Kind.UNMODIFIABLE_NAVIGABLE_SET);
    Map<Integer, Integer> map = new HashMap<>(Map.of(1, 1));
    mapView(t, Collections.unmodifiableMap(map), JdkSerializers.Kind.UNMODIFIABLE_MAP);
    mapView(
        t,
        Collections.unmodifiableSortedMap(new TreeMap<>(map)),
        JdkSerializers.Kind.UNMODIFIABLE_SORTED_MAP);
    mapView(
        t,
        Collections.unmodifiableNavigableMap(new TreeMap<>(map)),
        JdkSerializers.Kind.UNMODIFIABLE_NAVIGABLE_MAP);
    t.put(
        Collections.emptyList().getClass().getName(),
        (k, c) -> new DefaultSerializers.CollectionsEmptyListSerializer());
    t.put(
        Collections.emptySet().getClass().getName(),
        (k, c) -> new DefaultSerializers.CollectionsEmptySetSerializer());
    t.put(
        Collections.emptyMap().getClass().getName(),
        (k, c) -> new DefaultSerializers.CollectionsEmptyMapSerializer());
    t.put(
        Collections.singletonList(1).getClass().getName(),
        (k, c) -> new DefaultSerializers.CollectionsSingletonListSerializer());
    t.put(
        Collections.singleton(1).getClass().getName(),
        (k, c) -> new DefaultSerializers.CollectionsSingletonSetSerializer());
    t.put(
        Collections.singletonMap(1, 1).getClass().getName(),
        (k, c) -> new DefaultSerializers.CollectionsSingletonMapSerializer());

    // The comparators a sorted collection may keep; each is a stateless singleton.
    singleton(t, Comparator.naturalOrder());
    singleton(t, Collections.reverseOrder());
    singleton(t, String.CASE_INSENSITIVE_ORDER);
    return Map.copyOf(t);
  }

  private static void view(
      Map<String, BiFunction<Kryo, Class<?>, Serializer<?>>> t,
      Object view,
      JdkSerializers.Kind kind) {
    t.put(view.getClass().getName(), (k, c) -> new JdkSerializers.View(kind));
  }

  private static void mapView(
      Map<String, BiFunction<Kryo, Class<?>, Serializer<?>>> t,
      Object view,
      JdkSerializers.Kind kind) {
    t.put(view.getClass().getName(), (k, c) -> new JdkSerializers.MapView(kind));
  }

  private static void singleton(
      Map<String, BiFunction<Kryo, Class<?>, Serializer<?>>> t, Object instance) {
    t.put(instance.getClass().getName(), (k, c) -> new JdkSerializers.Singleton(instance));
  }

  /**
   * Returns a checksum of what a class's serializer writes field by field: the names and types of a
   * record's components, or of the instance fields of a class allowed by {@value #ALLOW}; 0 for JDK
   * types, enums (written by name) and arrays. A payload records it beside the class's name, so
   * that a renamed, reordered or retyped component is a stale entry, not a misread.
   */
  int shape(Class<?> type) {
    return SHAPES.get(type);
  }

  private static final ClassValue<Integer> SHAPES =
      new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> type) {
          StringBuilder s = new StringBuilder();
          if (type.isRecord()) {
            for (java.lang.reflect.RecordComponent c : type.getRecordComponents()) {
              s.append(c.getName()).append(':').append(c.getType().getName()).append(';');
            }
          } else if (!type.isArray()
              && !type.isEnum()
              && !isJdk(type)
              && !Enum.class.isAssignableFrom(type)) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
              java.lang.reflect.Field[] fields = c.getDeclaredFields();
              // By name: the order reflection returns fields in is not specified.
              Arrays.sort(fields, Comparator.comparing(java.lang.reflect.Field::getName));
              for (java.lang.reflect.Field f : fields) {
                int m = f.getModifiers();
                if (!java.lang.reflect.Modifier.isStatic(m)
                    && !java.lang.reflect.Modifier.isTransient(m)) {
                  s.append(f.getName()).append(':').append(f.getType().getName()).append(';');
                }
              }
              s.append('|');
            }
          }
          if (s.length() == 0) {
            return 0;
          }
          java.util.zip.CRC32 crc = new java.util.zip.CRC32();
          crc.update(s.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
          return (int) crc.getValue();
        }
      };

  /** Whether {@code comparator} is one a sorted collection may be written with. */
  boolean writableComparator(Comparator<?> comparator) {
    return comparator == null || allows(comparator.getClass());
  }

  @Override
  public String toString() {
    return "KryoRules{max-depth=" + maxDepth + ", max-length=" + maxLength + "}";
  }
}
