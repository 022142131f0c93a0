package dev.memo.serde.java;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The filter that decides which classes a Java serialization payload may name and how large it may
 * be. Every read through {@link JavaSerialization} goes through one, set on its own stream; the
 * JVM-wide filter is never touched.
 *
 * <p>Allowed without configuration:
 *
 * <ul>
 *   <li>boxed primitives, {@code String}, {@code BigInteger}, {@code BigDecimal} and the {@code
 *       Number} they extend;
 *   <li>{@code Enum} and every enum class;
 *   <li>every record class ({@link Class#isRecord()}): records are read through their canonical
 *       constructor, never field by field;
 *   <li>the {@code java.util} collections {@code ArrayList}, {@code LinkedList}, {@code
 *       ArrayDeque}, {@code HashMap}, {@code LinkedHashMap}, {@code TreeMap}, {@code HashSet},
 *       {@code LinkedHashSet}, {@code TreeSet}, {@code EnumMap}, {@code EnumSet} (through its
 *       serialization proxy), the serial form behind {@code List.of}, {@code Set.of} and {@code
 *       Map.of}, {@code Arrays.asList}, the unmodifiable, empty, singleton and synchronized views
 *       of {@code Collections}, the map entries of {@code AbstractMap}, and the comparators a
 *       sorted collection may hold ({@code String.CASE_INSENSITIVE_ORDER}, {@code
 *       Collections.reverseOrder()}, {@code Comparator.naturalOrder()}, {@code
 *       Comparator.nullsFirst(..)});
 *   <li>{@code java.time} values (through their serialization proxies), {@code UUID}, {@code
 *       BitSet};
 *   <li>arrays whose element type is primitive or allowed.
 * </ul>
 *
 * <p>Configuration, read from {@link MemoConfig#root()} of the config given to {@link
 * #of(MemoConfig)}:
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #ALLOW}</td><td>empty</td><td>comma-separated extra classes:
 *       {@code com.example.Point} (that class; nested classes by binary name,
 *       {@code com.example.Outer$Inner}), {@code com.example.model.*} (the classes of that package),
 *       {@code com.example.model.**} (that package and its sub-packages)</td></tr>
 *   <tr><td>{@value #MAX_DEPTH}</td><td>{@value #DEFAULT_MAX_DEPTH}</td><td>deepest nesting of
 *       objects; a linked structure with default serialization nests one level per node</td></tr>
 *   <tr><td>{@value #MAX_REFS}</td><td>{@value #DEFAULT_MAX_REFS}</td><td>most object references
 *       in one payload</td></tr>
 *   <tr><td>{@value #MAX_ARRAY_LENGTH}</td><td>{@value #DEFAULT_MAX_ARRAY_LENGTH}</td><td>longest
 *       array, including the arrays collections allocate while they are read</td></tr>
 *   <tr><td>{@value #MAX_PAYLOAD_BYTES}</td><td>no limit</td><td>most bytes of serialized data
 *       in one payload, after decompression: a ceiling for compressed payloads</td></tr>
 * </table>
 *
 * <p>Whatever the limits, an array is allocated only for data the payload holds: a primitive
 * array's elements, or one byte per eight elements of an array of references or of the table of a
 * collection being read, must follow its declaration (with every other array of the payload counted
 * together), or the payload is refused as corrupt; the fast path's arrays, Strings and lists grow
 * as their bytes arrive. Proving this reads the bytes ahead of the object stream, so a large
 * primitive array inside an object is held twice for a moment while it is read.
 *
 * <p>Independently of the limits, an array that could not fit in this JVM's maximum heap is refused
 * instead of failing with an {@link OutOfMemoryError}: only a corrupt payload, or one written by a
 * JVM with a larger heap, declares one.
 *
 * <p>Immutable and thread-safe.
 */
public final class AllowListFilter implements ObjectInputFilter {
  /** {@code memo.serde.java.allow}: comma-separated extra classes and packages to allow. */
  public static final String ALLOW = "memo.serde.java.allow";

  /** {@code memo.serde.java.max-depth}: the deepest nesting of objects in a payload. */
  public static final String MAX_DEPTH = "memo.serde.java.max-depth";

  /** {@code memo.serde.java.max-refs}: the most object references in a payload. */
  public static final String MAX_REFS = "memo.serde.java.max-refs";

  /** {@code memo.serde.java.max-array-length}: the longest array in a payload. */
  public static final String MAX_ARRAY_LENGTH = "memo.serde.java.max-array-length";

  /**
   * {@code memo.serde.java.max-payload-bytes}: the most bytes of serialized data one payload may
   * hold, counted after decompression; a ceiling for compressed payloads, whose few stored bytes
   * may inflate to any size.
   */
  public static final String MAX_PAYLOAD_BYTES = "memo.serde.java.max-payload-bytes";

  /** The default of {@value #MAX_DEPTH}. */
  public static final long DEFAULT_MAX_DEPTH = 100;

  /** The default of {@value #MAX_REFS}. */
  public static final long DEFAULT_MAX_REFS = 10_000_000;

  /** The default of {@value #MAX_ARRAY_LENGTH}, the longest array a JVM can allocate. */
  public static final int DEFAULT_MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  /**
   * The default of {@value #MAX_PAYLOAD_BYTES}: no ceiling, so that no value a writer wrote is
   * refused; arrays are still allocated only for bytes the payload holds.
   */
  public static final long DEFAULT_MAX_PAYLOAD_BYTES = Long.MAX_VALUE;

  private static final String SCOPE = "memo.serde.java";
  private static final String PATTERN_FORMS =
      "a comma-separated list of class names (com.example.Point), packages"
          + " (com.example.model.*) or package trees (com.example.model.**)";

  private static final Set<String> JDK_CLASSES =
      Set.of(
          "java.lang.Object", // only ever the element type of Object[]
          "java.lang.Boolean",
          "java.lang.Byte",
          "java.lang.Character",
          "java.lang.Short",
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Float",
          "java.lang.Double",
          "java.lang.Number",
          "java.lang.String",
          "java.lang.String$CaseInsensitiveComparator",
          "java.lang.Enum",
          "java.math.BigInteger",
          "java.math.BigDecimal",
          "java.util.ArrayList",
          "java.util.LinkedList",
          "java.util.ArrayDeque",
          "java.util.HashMap",
          "java.util.LinkedHashMap",
          "java.util.TreeMap",
          "java.util.HashSet",
          "java.util.LinkedHashSet",
          "java.util.TreeSet",
          "java.util.EnumMap",
          "java.util.EnumSet$SerializationProxy",
          "java.util.RegularEnumSet", // what the proxy resolves to, which the stream filters too
          "java.util.JumboEnumSet",
          "java.util.CollSer",
          "java.util.Arrays$ArrayList",
          "java.util.Map$Entry", // element type of the tables HashMap and HashSet allocate
          "java.util.AbstractMap$SimpleEntry",
          "java.util.AbstractMap$SimpleImmutableEntry",
          "java.util.Collections$ReverseComparator",
          "java.util.Collections$ReverseComparator2",
          "java.util.Comparators$NullComparator",
          "java.util.UUID",
          "java.util.BitSet");

  // java.time classes are read only through their Ser proxies, and the values those resolve to
  // are filtered too; every class there is a JDK value.
  private static final Set<String> JDK_PACKAGES =
      Set.of("java.time", "java.time.chrono", "java.time.zone");

  // Only the boot loader may define java.* classes, so a name match cannot be spoofed.
  private static final List<String> JDK_PREFIXES =
      List.of(
          "java.util.ImmutableCollections$", // what CollSer resolves to, filtered too
          "java.util.Collections$Unmodifiable",
          "java.util.Collections$Empty",
          "java.util.Collections$Singleton",
          "java.util.Collections$Synchronized");

  private final Set<String> classes;
  private final Set<String> packages;
  private final List<String> packageTrees;
  private final long maxDepth;
  private final long maxRefs;
  private final long maxArrayLength;
  private final long maxPayloadBytes;

  private AllowListFilter(
      Set<String> classes,
      Set<String> packages,
      List<String> packageTrees,
      long maxDepth,
      long maxRefs,
      long maxArrayLength,
      long maxPayloadBytes) {
    this.classes = classes;
    this.packages = packages;
    this.packageTrees = packageTrees;
    this.maxDepth = maxDepth;
    this.maxRefs = maxRefs;
    this.maxArrayLength = maxArrayLength;
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /**
   * Returns the filter configured under {@code memo.serde.java.} in the root of {@code config}, so
   * that every serde built on Java serialization shares one allow-list whatever its own scope.
   *
   * @param config any view of the configuration; its {@linkplain MemoConfig#root() root} is read
   * @return the filter
   * @throws MemoConfigurationException if a key's value is invalid, quoting the key and the value
   */
  public static AllowListFilter of(MemoConfig config) {
    MemoConfig scoped = config.root().scoped(SCOPE);
    Set<String> classes = new HashSet<>();
    Set<String> packages = new HashSet<>();
    List<String> trees = new ArrayList<>();
    String allowKey = ALLOW.substring(SCOPE.length() + 1);
    for (String item : scoped.getList(allowKey)) {
      if (item.endsWith(".**") && isQualifiedName(item.substring(0, item.length() - 3))) {
        trees.add(item.substring(0, item.length() - 3));
      } else if (item.endsWith(".*") && isQualifiedName(item.substring(0, item.length() - 2))) {
        packages.add(item.substring(0, item.length() - 2));
      } else if (isQualifiedName(item)) {
        classes.add(item);
      } else {
        throw scoped.invalid(allowKey, PATTERN_FORMS + "; \"" + item + "\" is none of these");
      }
    }
    return new AllowListFilter(
        Set.copyOf(classes),
        Set.copyOf(packages),
        List.copyOf(trees),
        limit(scoped, MAX_DEPTH, DEFAULT_MAX_DEPTH, 1, Long.MAX_VALUE),
        limit(scoped, MAX_REFS, DEFAULT_MAX_REFS, 1, Long.MAX_VALUE),
        limit(scoped, MAX_ARRAY_LENGTH, DEFAULT_MAX_ARRAY_LENGTH, 0, DEFAULT_MAX_ARRAY_LENGTH),
        scoped.getBytes(
            MAX_PAYLOAD_BYTES.substring(SCOPE.length() + 1), DEFAULT_MAX_PAYLOAD_BYTES));
  }

  /**
   * Returns the filter's keys, for the providers of serdes built on it to list among theirs.
   *
   * @return the full keys under {@code memo.serde.java.}
   */
  public static Set<String> keys() {
    return Set.of(ALLOW, MAX_DEPTH, MAX_REFS, MAX_ARRAY_LENGTH, MAX_PAYLOAD_BYTES);
  }

  /** The ceiling on a payload's serialized bytes, after decompression. */
  long maxPayloadBytes() {
    return maxPayloadBytes;
  }

  private static long limit(
      MemoConfig scoped, String fullKey, long defaultValue, long min, long max) {
    String key = fullKey.substring(SCOPE.length() + 1);
    String raw = scoped.get(key).orElse(null);
    if (raw == null) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below, in the same words as an out-of-range value
    }
    throw scoped.invalid(key, "a whole number from " + min + " to " + max);
  }

  private static boolean isQualifiedName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (String part : name.split("\\.", -1)) {
      if (part.isEmpty() || !Character.isJavaIdentifierStart(part.charAt(0))) {
        return false;
      }
      for (int i = 1; i < part.length(); i++) {
        if (!Character.isJavaIdentifierPart(part.charAt(i))) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Returns whether payloads may name this class: a JDK value or collection type listed above, an
   * enum, a record, a configured class or package, or an array of any of these or of a primitive.
   *
   * @param type the class, not null
   * @return true if allowed
   */
  public boolean allows(Class<?> type) {
    Class<?> element = elementType(type);
    if (element.isPrimitive() || Enum.class.isAssignableFrom(element) || element.isRecord()) {
      return true;
    }
    String name = element.getName();
    if (JDK_CLASSES.contains(name) || classes.contains(name)) {
      return true;
    }
    for (String prefix : JDK_PREFIXES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    String pkg = element.getPackageName();
    if (packages.contains(pkg) || JDK_PACKAGES.contains(pkg)) {
      return true;
    }
    for (String tree : packageTrees) {
      if (pkg.equals(tree) || (pkg.startsWith(tree) && pkg.charAt(tree.length()) == '.')) {
        return true;
      }
    }
    return false;
  }

  /**
   * Decides on one class, array or reference of a payload: {@code REJECTED} for a class that is not
   * {@linkplain #allows allowed} or a limit exceeded, {@code ALLOWED} for an allowed class, {@code
   * UNDECIDED} (which a stream treats as allowed) for a check without a class.
   *
   * @param info what the stream is about to read
   * @return the decision, never null
   */
  @Override
  public Status checkInput(FilterInfo info) {
    if (refusal(info) != null) {
      return Status.REJECTED;
    }
    return info.serialClass() == null ? Status.UNDECIDED : Status.ALLOWED;
  }

  /** Returns why the stream must not read what {@code info} describes, or null if it may. */
  @Nullable String refusal(FilterInfo info) {
    Class<?> type = info.serialClass();
    if (type != null && !allows(type)) {
      return "payload names class "
          + elementType(type).getName()
          + ", which is not allowed; "
          + howToAllow(type);
    }
    long length = info.arrayLength();
    if (length > maxArrayLength) {
      return "payload declares an array of "
          + length
          + " elements, more than "
          + MAX_ARRAY_LENGTH
          + " ("
          + maxArrayLength
          + "); raise it if such values are expected";
    }
    if (length >= 0 && type != null && type.isArray()) {
      long bytes = length * elementBytes(type.getComponentType());
      long heap = Runtime.getRuntime().maxMemory();
      if (bytes > heap) {
        return "payload declares an array of "
            + length
            + " elements of "
            + type.getComponentType().getName()
            + " ("
            + bytes
            + " bytes), more than this JVM's"
            + " maximum heap ("
            + heap
            + " bytes); it is corrupt, or was written by a JVM with a"
            + " larger heap (-Xmx)";
      }
    }
    if (info.depth() > maxDepth) {
      return "payload nests values deeper than "
          + MAX_DEPTH
          + " ("
          + maxDepth
          + "); raise it if such values are expected";
    }
    if (info.references() > maxRefs) {
      return "payload holds more than "
          + MAX_REFS
          + " ("
          + maxRefs
          + ") object references; raise it if such values are expected";
    }
    return null;
  }

  /** Returns why a value holding {@code type} must not be written, or null if it may. */
  @Nullable String writeRefusal(Class<?> type) {
    if (allows(type)) {
      return null;
    }
    return "class "
        + elementType(type).getName()
        + ", which is not allowed, so it could not be"
        + " read back; "
        + howToAllow(type);
  }

  private static String howToAllow(Class<?> type) {
    Class<?> element = elementType(type);
    String pkg = element.getPackageName();
    // Suggesting a whole JDK package (java.lang.invoke.*) would invite an unsafe fix.
    if (pkg.isEmpty()
        || element.getClassLoader() == null
        || element.getClassLoader() == ClassLoader.getPlatformClassLoader()) {
      return "add it to " + ALLOW;
    }
    return "add it or its package to " + ALLOW + " (for example " + pkg + ".*)";
  }

  private static Class<?> elementType(Class<?> type) {
    Class<?> element = type;
    while (element.isArray()) {
      element = element.getComponentType();
    }
    return element;
  }

  // A lower bound: references count 4 bytes, as with compressed oops.
  private static long elementBytes(Class<?> component) {
    if (component == long.class || component == double.class) {
      return 8;
    }
    if (component == byte.class || component == boolean.class) {
      return 1;
    }
    if (component == char.class || component == short.class) {
      return 2;
    }
    return 4;
  }

  @Override
  public String toString() {
    return "AllowListFilter{classes="
        + classes
        + ", packages="
        + packages
        + ", packageTrees="
        + packageTrees
        + ", maxDepth="
        + maxDepth
        + ", maxRefs="
        + maxRefs
        + ", maxArrayLength="
        + maxArrayLength
        + ", maxPayloadBytes="
        + maxPayloadBytes
        + "}";
  }
}
