package dev.memo.core.sign;

import dev.memo.Signable;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
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
import java.util.Collection;
import java.util.Deque;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.Spliterator;
import java.util.UUID;
import java.util.stream.BaseStream;
import org.jspecify.annotations.Nullable;

/**
 * How values of one class are signed: computed once per class (reflection, method handles, the
 * encoded class name) and cached in a {@link ClassValue}, so the hot path does one lookup and a
 * switch. Immutable.
 */
final class Shape {
  // Kinds. JDK value types first; their encoding is fixed and no TypeSigner replaces it.
  static final int BOOLEAN = 1;
  static final int BYTE = 2;
  static final int SHORT = 3;
  static final int CHAR = 4;
  static final int INT = 5;
  static final int LONG = 6;
  static final int FLOAT = 7;
  static final int DOUBLE = 8;
  static final int STRING = 9;
  static final int BIG_INTEGER = 10;
  static final int BIG_DECIMAL = 11;
  static final int UUID_KIND = 12;
  static final int CLASS = 13;
  static final int OPTIONAL = 14;
  static final int OPTIONAL_INT = 15;
  static final int OPTIONAL_LONG = 16;
  static final int OPTIONAL_DOUBLE = 17;
  static final int INSTANT = 20;
  static final int DURATION = 21;
  static final int LOCAL_DATE = 22;
  static final int LOCAL_TIME = 23;
  static final int LOCAL_DATE_TIME = 24;
  static final int OFFSET_TIME = 25;
  static final int OFFSET_DATE_TIME = 26;
  static final int ZONED_DATE_TIME = 27;
  static final int ZONE_OFFSET = 28;
  static final int ZONE_REGION = 29;
  static final int PERIOD = 30;
  static final int YEAR = 31;
  static final int YEAR_MONTH = 32;
  static final int MONTH_DAY = 33;
  // Structures.
  static final int SIGNABLE = 40;
  static final int LIST = 41;
  static final int DEQUE = 42;
  static final int SET = 43;
  static final int MAP = 44;
  static final int PRIMITIVE_ARRAY = 45;
  static final int OBJECT_ARRAY = 46;
  static final int ENUM = 47;
  static final int RECORD = 48;
  // Nothing memo can sign by itself; a TypeSigner may still apply (as to RECORD).
  static final int UNREADABLE_RECORD = 49;
  static final int UNSIGNABLE = 50;

  // How a record component's accessor returns its value, so primitives need no boxing.
  static final byte COMPONENT_OBJECT = 0;
  static final byte COMPONENT_BOOLEAN = 1;
  static final byte COMPONENT_BYTE = 2;
  static final byte COMPONENT_SHORT = 3;
  static final byte COMPONENT_CHAR = 4;
  static final byte COMPONENT_INT = 5;
  static final byte COMPONENT_LONG = 6;
  static final byte COMPONENT_FLOAT = 7;
  static final byte COMPONENT_DOUBLE = 8;

  private static final ClassValue<Shape> SHAPES =
      new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
          return compute(type);
        }
      };

  private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

  final int kind;
  final Class<?> type;

  /** The class name as written into the encoding: length, then UTF-8; for enums, the enum class. */
  final byte[] name;

  /** ENUM: constant names as written into the encoding, indexed by ordinal. */
  final byte[][] constants;

  /** RECORD: component accessors, typed (Object) to Object or to the primitive of the kind. */
  final MethodHandle[] accessors;

  /** RECORD: component names, for error paths. */
  final String[] components;

  /** RECORD: one COMPONENT_ constant per component. */
  final byte[] componentKinds;

  /** PRIMITIVE_ARRAY: the component's JVM descriptor char; OBJECT_ARRAY: unused. */
  final byte descriptor;

  /** OBJECT_ARRAY: the component class name as written into the encoding. */
  final byte[] componentName;

  /** UNSIGNABLE, UNREADABLE_RECORD: why, and the way out specific to this type (or null). */
  final @Nullable String problem;

  final String fix;

  private Shape(
      int kind,
      Class<?> type,
      byte[] name,
      byte[][] constants,
      MethodHandle[] accessors,
      String[] components,
      byte[] componentKinds,
      byte descriptor,
      byte[] componentName,
      String problem,
      String fix) {
    this.kind = kind;
    this.type = type;
    this.name = name;
    this.constants = constants;
    this.accessors = accessors;
    this.components = components;
    this.componentKinds = componentKinds;
    this.descriptor = descriptor;
    this.componentName = componentName;
    this.problem = problem;
    this.fix = fix;
  }

  private static Shape simple(int kind, Class<?> type) {
    return new Shape(
        kind,
        type,
        encodedName(type.getName()),
        null,
        null,
        null,
        null,
        (byte) 0,
        null,
        null,
        null);
  }

  private static Shape unsignable(Class<?> type, String problem, String fix) {
    return new Shape(
        UNSIGNABLE,
        type,
        encodedName(type.getName()),
        null,
        null,
        null,
        null,
        (byte) 0,
        null,
        problem,
        fix);
  }

  static Shape of(Class<?> type) {
    return SHAPES.get(type);
  }

  /** Whether a registered TypeSigner takes precedence over memo's own handling. */
  boolean acceptsTypeSigner() {
    return kind == RECORD || kind == UNREADABLE_RECORD || kind == UNSIGNABLE;
  }

  /**
   * A name as the encoding writes it: four bytes of UTF-8 length, little-endian, then the bytes.
   */
  static byte[] encodedName(String name) {
    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[4 + utf8.length];
    int n = utf8.length;
    out[0] = (byte) n;
    out[1] = (byte) (n >>> 8);
    out[2] = (byte) (n >>> 16);
    out[3] = (byte) (n >>> 24);
    System.arraycopy(utf8, 0, out, 4, n);
    return out;
  }

  private static Shape compute(Class<?> c) {
    int jdk = jdkKind(c);
    if (jdk != 0) {
      return simple(jdk, c);
    }
    if (Signable.class.isAssignableFrom(c)) {
      return simple(SIGNABLE, c);
    }
    if (List.class.isAssignableFrom(c)) {
      return simple(LIST, c);
    }
    if (Deque.class.isAssignableFrom(c)) {
      return simple(DEQUE, c);
    }
    if (Set.class.isAssignableFrom(c)) {
      return simple(SET, c);
    }
    if (Map.class.isAssignableFrom(c)) {
      return simple(MAP, c);
    }
    if (c.isArray()) {
      return array(c);
    }
    if (Enum.class.isAssignableFrom(c)) {
      return enumShape(c);
    }
    if (c.isRecord()) {
      return record(c);
    }
    if (CharSequence.class.isAssignableFrom(c)) {
      return unsignable(
          c,
          "a CharSequence other than String can change after it is signed",
          "pass a String (toString()) instead");
    }
    if (Collection.class.isAssignableFrom(c)) {
      return unsignable(
          c,
          "only a List, Set or Deque is signed as a collection",
          "pass a List or a Set instead (List.copyOf, Set.copyOf)");
    }
    if (Iterator.class.isAssignableFrom(c)
        || BaseStream.class.isAssignableFrom(c)
        || Spliterator.class.isAssignableFrom(c)
        || Enumeration.class.isAssignableFrom(c)) {
      return unsignable(c, "it is used up by reading it", "collect it into a List first");
    }
    return unsignable(c, null, null);
  }

  private static int jdkKind(Class<?> c) {
    // Most of these classes are final: identity comparison is exact. ZoneId's subclasses are JDK
    // internal (ZoneRegion), hence the isAssignableFrom.
    if (c == Boolean.class) return BOOLEAN;
    if (c == Byte.class) return BYTE;
    if (c == Short.class) return SHORT;
    if (c == Character.class) return CHAR;
    if (c == Integer.class) return INT;
    if (c == Long.class) return LONG;
    if (c == Float.class) return FLOAT;
    if (c == Double.class) return DOUBLE;
    if (c == String.class) return STRING;
    if (c == BigInteger.class) return BIG_INTEGER;
    if (c == BigDecimal.class) return BIG_DECIMAL;
    if (c == UUID.class) return UUID_KIND;
    if (c == Class.class) return CLASS;
    if (c == Optional.class) return OPTIONAL;
    if (c == OptionalInt.class) return OPTIONAL_INT;
    if (c == OptionalLong.class) return OPTIONAL_LONG;
    if (c == OptionalDouble.class) return OPTIONAL_DOUBLE;
    if (c == Instant.class) return INSTANT;
    if (c == Duration.class) return DURATION;
    if (c == LocalDate.class) return LOCAL_DATE;
    if (c == LocalTime.class) return LOCAL_TIME;
    if (c == LocalDateTime.class) return LOCAL_DATE_TIME;
    if (c == OffsetTime.class) return OFFSET_TIME;
    if (c == OffsetDateTime.class) return OFFSET_DATE_TIME;
    if (c == ZonedDateTime.class) return ZONED_DATE_TIME;
    if (c == ZoneOffset.class) return ZONE_OFFSET;
    if (ZoneId.class.isAssignableFrom(c) && c.getName().startsWith("java.time.")) {
      return ZONE_REGION;
    }
    if (c == Period.class) return PERIOD;
    if (c == Year.class) return YEAR;
    if (c == YearMonth.class) return YEAR_MONTH;
    if (c == MonthDay.class) return MONTH_DAY;
    return 0;
  }

  private static Shape array(Class<?> c) {
    Class<?> component = c.getComponentType();
    if (component.isPrimitive()) {
      // The JVM descriptor of the component: Z B S C I J F D.
      byte descriptor = (byte) c.getName().charAt(1);
      return new Shape(
          PRIMITIVE_ARRAY,
          c,
          encodedName(c.getName()),
          null,
          null,
          null,
          null,
          descriptor,
          null,
          null,
          null);
    }
    return new Shape(
        OBJECT_ARRAY,
        c,
        encodedName(c.getName()),
        null,
        null,
        null,
        null,
        (byte) 0,
        encodedName(component.getName()),
        null,
        null);
  }

  private static Shape enumShape(Class<?> c) {
    // A constant with a body is an instance of an anonymous subclass of its enum.
    Class<?> enumClass = c.isEnum() ? c : c.getSuperclass();
    Object[] values = enumClass.getEnumConstants();
    byte[][] constants = new byte[values.length][];
    for (Object value : values) {
      Enum<?> e = (Enum<?>) value;
      constants[e.ordinal()] = encodedName(e.name());
    }
    return new Shape(
        ENUM,
        c,
        encodedName(enumClass.getName()),
        constants,
        null,
        null,
        null,
        (byte) 0,
        null,
        null,
        null);
  }

  private static Shape record(Class<?> c) {
    RecordComponent[] rc = c.getRecordComponents();
    MethodHandle[] accessors = new MethodHandle[rc.length];
    String[] names = new String[rc.length];
    byte[] kinds = new byte[rc.length];
    for (int i = 0; i < rc.length; i++) {
      Method accessor = rc[i].getAccessor();
      names[i] = rc[i].getName();
      try {
        accessor.setAccessible(true);
        Class<?> t = accessor.getReturnType();
        byte kind = componentKind(t);
        Class<?> returned = kind == COMPONENT_OBJECT ? Object.class : t;
        accessors[i] =
            LOOKUP.unreflect(accessor).asType(MethodType.methodType(returned, Object.class));
        kinds[i] = kind;
      } catch (InaccessibleObjectException | IllegalAccessException | SecurityException e) {
        return unreadable(c, e);
      }
    }
    return new Shape(
        RECORD,
        c,
        encodedName(c.getName()),
        null,
        accessors,
        names,
        kinds,
        (byte) 0,
        null,
        null,
        null);
  }

  private static Shape unreadable(Class<?> c, Exception e) {
    Module module = c.getModule();
    String self =
        Shape.class.getModule().isNamed() ? Shape.class.getModule().getName() : "dev.memo.core";
    String where = module.isNamed() ? "module " + module.getName() : "its module";
    String problem =
        "a record memo cannot read: "
            + where
            + " does not open package "
            + c.getPackageName()
            + " to "
            + self
            + " ("
            + e.getMessage()
            + ")";
    String fix =
        "add \"opens "
            + c.getPackageName()
            + " to "
            + self
            + ";\" to the module-info.java"
            + " of "
            + where;
    return new Shape(
        UNREADABLE_RECORD,
        c,
        encodedName(c.getName()),
        null,
        null,
        null,
        null,
        (byte) 0,
        null,
        problem,
        fix);
  }

  private static byte componentKind(Class<?> t) {
    if (!t.isPrimitive()) return COMPONENT_OBJECT;
    if (t == int.class) return COMPONENT_INT;
    if (t == long.class) return COMPONENT_LONG;
    if (t == double.class) return COMPONENT_DOUBLE;
    if (t == boolean.class) return COMPONENT_BOOLEAN;
    if (t == float.class) return COMPONENT_FLOAT;
    if (t == short.class) return COMPONENT_SHORT;
    if (t == char.class) return COMPONENT_CHAR;
    return COMPONENT_BYTE;
  }
}
