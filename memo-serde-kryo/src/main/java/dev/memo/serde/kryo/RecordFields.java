package dev.memo.serde.kryo;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.serializers.DefaultSerializers;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;

/**
 * A record written as its components in declaration order and read back through its canonical
 * constructor. Primitive components are read and written through method handles typed to the
 * primitive, without boxing; others as Kryo writes fields (the class once per payload unless the
 * component's type is final). Kryo's own {@code RecordSerializer} calls each accessor and the
 * constructor by reflection, which made it the larger part of a map of records' cost.
 *
 * <p>A read is one method handle, built once per record class: the canonical constructor with each
 * parameter folded in from a reader of that component, in declaration order, so that no argument
 * array is allocated and no primitive is boxed. A write is one method handle too: each component's
 * accessor followed by its writer, in declaration order; a {@code String} component is written
 * straight into the output, as Kryo's {@code StringSerializer} writes it. The serializer of a
 * component whose type is final is looked up through Kryo's registration (which applies {@link
 * KryoRules}) the first time it is needed, then kept.
 *
 * <p>The layout is fixed by the record's components; {@link KryoRules#shape} records their names
 * and types beside the class name, so that a changed record is a stale entry. Owned by one Kryo
 * instance, and so used by one thread at a time.
 */
final class RecordFields<T> extends Serializer<T> {
  private static final MethodHandle READ_FINAL;
  private static final MethodHandle READ_ANY;
  private static final MethodHandle READ_STRING;
  private static final MethodHandle REFUSED;
  private static final MethodHandle WRITE_FINAL;
  private static final MethodHandle WRITE_ANY;
  private static final MethodHandle WRITE_STRING;
  private static final MethodHandle TRACED;

  static {
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    try {
      MethodType reader =
          MethodType.methodType(Object.class, Component.class, Kryo.class, Input.class);
      READ_FINAL = lookup.findStatic(RecordFields.class, "readFinal", reader);
      READ_ANY = lookup.findStatic(RecordFields.class, "readAny", reader);
      READ_STRING =
          lookup.findStatic(
              RecordFields.class,
              "readString",
              MethodType.methodType(String.class, Component.class, Kryo.class, Input.class));
      REFUSED =
          lookup.findStatic(
              RecordFields.class,
              "refused",
              MethodType.methodType(Object.class, Class.class, Throwable.class));
      MethodType writer =
          MethodType.methodType(
              void.class, Component.class, Kryo.class, Output.class, Object.class);
      WRITE_FINAL = lookup.findStatic(RecordFields.class, "writeFinal", writer);
      WRITE_ANY = lookup.findStatic(RecordFields.class, "writeAny", writer);
      WRITE_STRING =
          lookup.findStatic(
              RecordFields.class,
              "writeString",
              MethodType.methodType(
                  void.class, Component.class, Kryo.class, Output.class, String.class));
      TRACED =
          lookup.findStatic(
              RecordFields.class,
              "traced",
              MethodType.methodType(
                  void.class,
                  String.class,
                  KryoException.class,
                  Kryo.class,
                  Output.class,
                  Object.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Class<?>[] types;
  private final boolean flat;

  /** (Kryo, Input) to the record: the constructor with every component's reader folded in. */
  private final MethodHandle reader;

  /** (Kryo, Output, record): each component's accessor and writer, in declaration order. */
  private final MethodHandle writer;

  RecordFields(Class<T> type) {
    super(false, true);
    RecordComponent[] recordComponents = type.getRecordComponents();
    int n = recordComponents.length;
    types = new Class<?>[n];
    MethodHandle[] getters = new MethodHandle[n];
    Component[] components = new Component[n];
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    try {
      for (int i = 0; i < n; i++) {
        types[i] = recordComponents[i].getType();
        components[i] = new Component(type, types[i]);
        Method accessor = recordComponents[i].getAccessor();
        accessor.setAccessible(true);
        // (Object) to the component, typed as declared: no boxing.
        getters[i] =
            lookup.unreflect(accessor).asType(MethodType.methodType(types[i], Object.class));
      }
      MethodHandle w =
          MethodHandles.empty(
              MethodType.methodType(void.class, Kryo.class, Output.class, Object.class));
      for (int i = n - 1; i >= 0; i--) {
        // A void handle folded in is called first, with the same arguments: component i, then
        // those after it.
        String trace = recordComponents[i].getName() + " (" + types[i].getName() + ")";
        MethodHandle one = writerOf(lookup, components[i], getters[i]);
        one = MethodHandles.catchException(one, KryoException.class, TRACED.bindTo(trace));
        w = MethodHandles.foldArguments(w, one);
      }
      writer = w;
      boolean allFlat = true;
      for (Class<?> t : types) {
        allFlat &= t.isPrimitive() || t == String.class;
      }
      flat = allFlat;
      Constructor<T> canonical = type.getDeclaredConstructor(types);
      canonical.setAccessible(true);
      MethodHandle constructor =
          lookup.unreflectConstructor(canonical).asType(MethodType.methodType(Object.class, types));
      // The constructor's own refusals, told apart from a reader's failure, which passes as is.
      constructor =
          MethodHandles.catchException(
              constructor,
              Throwable.class,
              MethodHandles.dropArguments(REFUSED.bindTo(type), 1, types));
      MethodHandle h = MethodHandles.dropArguments(constructor, n, Kryo.class, Input.class);
      for (int i = n - 1; i >= 0; i--) {
        // h takes (T0 .. Ti, Kryo, Input); folding reads Ti from (Kryo, Input) before it is called.
        h = MethodHandles.foldArguments(h, i, readerOf(lookup, components[i]));
      }
      reader = h;
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new KryoException("record " + type.getName() + " cannot be written: " + e, e);
    }
  }

  /** The number of the record's components. */
  int components() {
    return types.length;
  }

  /**
   * Whether every component is a primitive or a String: then writing a record calls Kryo for no
   * nested object, and depends on Kryo's depth only through the String components' check.
   */
  boolean flat() {
    return flat;
  }

  /** A handle (Kryo, Input) to the component's value, typed to the component. */
  private static MethodHandle readerOf(MethodHandles.Lookup lookup, Component c)
      throws ReflectiveOperationException {
    Class<?> t = c.type;
    MethodHandle read;
    if (t == int.class) {
      read =
          MethodHandles.insertArguments(
              lookup.findVirtual(
                  Input.class, "readVarInt", MethodType.methodType(int.class, boolean.class)),
              1,
              false);
    } else if (t == long.class) {
      read =
          MethodHandles.insertArguments(
              lookup.findVirtual(
                  Input.class, "readVarLong", MethodType.methodType(long.class, boolean.class)),
              1,
              false);
    } else if (t.isPrimitive()) {
      // readDouble, readFloat, readBoolean, readByte, readShort, readChar
      String name =
          "read" + Character.toUpperCase(t.getName().charAt(0)) + t.getName().substring(1);
      read = lookup.findVirtual(Input.class, name, MethodType.methodType(t));
    } else if (t == String.class) {
      return MethodHandles.insertArguments(READ_STRING, 0, c);
    } else {
      MethodHandle object = c.isFinal ? READ_FINAL : READ_ANY;
      return object.bindTo(c).asType(MethodType.methodType(t, Kryo.class, Input.class));
    }
    return MethodHandles.dropArguments(read, 0, Kryo.class);
  }

  /**
   * A handle (Kryo, Output, record) that writes the component the accessor {@code getter} returns:
   * an {@code int} or {@code long} as a variable-length number, other primitives at their fixed
   * size, a {@code String} (a final class whose serializer takes null) as Kryo's {@code
   * StringSerializer} writes it, without Kryo's bookkeeping around it, other references as Kryo
   * writes a field.
   */
  private static MethodHandle writerOf(
      MethodHandles.Lookup lookup, Component c, MethodHandle getter)
      throws ReflectiveOperationException {
    Class<?> t = c.type;
    MethodHandle write;
    if (t == int.class) {
      write =
          MethodHandles.insertArguments(
              lookup.findVirtual(
                  Output.class,
                  "writeVarInt",
                  MethodType.methodType(int.class, int.class, boolean.class)),
              2,
              false);
    } else if (t == long.class) {
      write =
          MethodHandles.insertArguments(
              lookup.findVirtual(
                  Output.class,
                  "writeVarLong",
                  MethodType.methodType(int.class, long.class, boolean.class)),
              2,
              false);
    } else if (t == short.class) {
      write =
          lookup
              .findVirtual(Output.class, "writeShort", MethodType.methodType(void.class, int.class))
              .asType(MethodType.methodType(void.class, Output.class, short.class));
    } else if (t.isPrimitive()) {
      // writeDouble, writeFloat, writeBoolean, writeByte, writeChar
      String name =
          "write" + Character.toUpperCase(t.getName().charAt(0)) + t.getName().substring(1);
      write = lookup.findVirtual(Output.class, name, MethodType.methodType(void.class, t));
    } else if (t == String.class) {
      // (Kryo, Output, Object record)
      return MethodHandles.filterArguments(WRITE_STRING.bindTo(c), 2, getter);
    } else {
      MethodHandle object = (c.isFinal ? WRITE_FINAL : WRITE_ANY).bindTo(c);
      MethodHandle value = getter.asType(MethodType.methodType(Object.class, Object.class));
      return MethodHandles.filterArguments(
          MethodHandles.permuteArguments(
              object,
              MethodType.methodType(void.class, Kryo.class, Output.class, Object.class),
              0,
              1,
              2),
          2,
          value);
    }
    write = MethodHandles.dropReturn(write); // writeVarInt, writeVarLong return a byte count
    // (Output, Object record): the accessor's value, written.
    write = MethodHandles.filterArguments(write, 1, getter);
    return MethodHandles.dropArguments(write, 0, Kryo.class);
  }

  /** A reference-typed component: its type and, once looked up, its serializer. */
  static final class Component {
    final Class<?> record;
    final Class<?> type;
    final boolean isFinal;
    Serializer<?> serializer;

    /** Whether the component is a String written by Kryo's own serializer (looked up with it). */
    boolean plainString;

    /** The Kryo instance's deepest nesting (looked up with the serializer). */
    int maxDepth;

    Component(Class<?> record, Class<?> type) {
      this.record = record;
      this.type = type;
      // As Kryo decides: a final class, or an array of final or primitive elements, is written
      // without its class; every instance is of the declared type.
      this.isFinal = isFinal(type);
    }

    private static boolean isFinal(Class<?> type) {
      if (type.isArray()) {
        return java.lang.reflect.Modifier.isFinal(KryoRules.elementType(type).getModifiers());
      }
      return java.lang.reflect.Modifier.isFinal(type.getModifiers());
    }

    /** The serializer of the final component type, through Kryo's registration the first time. */
    Serializer<?> serializer(Kryo kryo) {
      Serializer<?> s = serializer;
      if (s == null) {
        s = kryo.getRegistration(type).getSerializer();
        plainString =
            type == String.class && s.getClass() == DefaultSerializers.StringSerializer.class;
        maxDepth = ((NameClassResolver) kryo.getClassResolver()).rules().maxDepth();
        serializer = s;
      }
      return s;
    }
  }

  @SuppressWarnings("unused") // through READ_FINAL
  private static Object readFinal(Component c, Kryo kryo, Input input) {
    Object value = kryo.readObjectOrNull(input, c.type, c.serializer(kryo));
    return checked(c, value);
  }

  /**
   * A String component as {@code readObjectOrNull} reads it with Kryo's {@code StringSerializer}
   * (which takes null, so no null mark precedes it), without the call's bookkeeping; its depth
   * check is kept: at the depth limit the call is made, and refuses as before.
   */
  @SuppressWarnings("unused") // through READ_STRING
  private static String readString(Component c, Kryo kryo, Input input) {
    Serializer<?> s = c.serializer(kryo);
    if (c.plainString && kryo.getDepth() < c.maxDepth) {
      return input.readString();
    }
    return (String) checked(c, kryo.readObjectOrNull(input, String.class, s));
  }

  @SuppressWarnings("unused") // through READ_ANY
  private static Object readAny(Component c, Kryo kryo, Input input) {
    return checked(c, kryo.readClassAndObject(input));
  }

  private static Object checked(Component c, Object value) {
    if (value != null && !c.type.isInstance(value)) {
      throw new KryoException(
          "payload gives record "
              + c.record.getName()
              + " a component of another type; it is corrupt");
    }
    return value;
  }

  @SuppressWarnings("unused") // through WRITE_FINAL
  private static void writeFinal(Component c, Kryo kryo, Output output, Object value) {
    kryo.writeObjectOrNull(output, value, c.serializer(kryo));
  }

  /**
   * A String component as {@code writeObjectOrNull} writes it with Kryo's {@code StringSerializer}
   * (which takes null, so no null mark precedes it), without the call's bookkeeping; its depth
   * check is kept, so that what is written can be read back.
   */
  @SuppressWarnings("unused") // through WRITE_STRING
  private static void writeString(Component c, Kryo kryo, Output output, String value) {
    Serializer<?> s = c.serializer(kryo);
    if (c.plainString && kryo.getDepth() < c.maxDepth) {
      output.writeString(value);
    } else {
      kryo.writeObjectOrNull(output, value, s);
    }
  }

  @SuppressWarnings("unused") // through WRITE_ANY
  private static void writeAny(Component c, Kryo kryo, Output output, Object value) {
    kryo.writeClassAndObject(output, value);
  }

  @SuppressWarnings("unused") // through TRACED
  private static void traced(
      String component, KryoException e, Kryo kryo, Output output, Object record) {
    e.addTrace(component);
    throw e;
  }

  @SuppressWarnings("unused") // through REFUSED
  private static Object refused(Class<?> type, Throwable e) throws Throwable {
    if (e instanceof VirtualMachineError) {
      throw e;
    }
    // The canonical constructor's own checks refuse the components: as with Java
    // serialization, the record is not built.
    throw new KryoException(
        "record " + type.getName() + "'s constructor refused the payload's components: " + e, e);
  }

  @Override
  public void write(Kryo kryo, Output output, T record) {
    try {
      writer.invokeExact(kryo, output, (Object) record);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new KryoException(e);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public T read(Kryo kryo, Input input, Class<? extends T> type) {
    try {
      return (T) (Object) reader.invokeExact(kryo, input);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new KryoException(e);
    }
  }
}
