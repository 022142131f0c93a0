package dev.memo.serde.kryo;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
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
 * array is allocated and no primitive is boxed. The serializer of a component whose type is final
 * is looked up through Kryo's registration (which applies {@link KryoRules}) the first time it is
 * needed, then kept.
 *
 * <p>The layout is fixed by the record's components; {@link KryoRules#shape} records their names
 * and types beside the class name, so that a changed record is a stale entry. Owned by one Kryo
 * instance, and so used by one thread at a time.
 */
final class RecordFields<T> extends Serializer<T> {
  private static final MethodHandle READ_FINAL;
  private static final MethodHandle READ_ANY;
  private static final MethodHandle REFUSED;

  static {
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    try {
      MethodType reader =
          MethodType.methodType(Object.class, Component.class, Kryo.class, Input.class);
      READ_FINAL = lookup.findStatic(RecordFields.class, "readFinal", reader);
      READ_ANY = lookup.findStatic(RecordFields.class, "readAny", reader);
      REFUSED =
          lookup.findStatic(
              RecordFields.class,
              "refused",
              MethodType.methodType(Object.class, Class.class, Throwable.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Class<?>[] types;
  private final MethodHandle[] getters;
  private final Component[] components;
  private final String[] names;

  /** (Kryo, Input) to the record: the constructor with every component's reader folded in. */
  private final MethodHandle reader;

  RecordFields(Class<T> type) {
    super(false, true);
    RecordComponent[] recordComponents = type.getRecordComponents();
    int n = recordComponents.length;
    types = new Class<?>[n];
    getters = new MethodHandle[n];
    components = new Component[n];
    names = new String[n];
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    try {
      for (int i = 0; i < n; i++) {
        types[i] = recordComponents[i].getType();
        names[i] = recordComponents[i].getName();
        components[i] = new Component(type, types[i]);
        Method accessor = recordComponents[i].getAccessor();
        accessor.setAccessible(true);
        Class<?> returned = types[i].isPrimitive() ? types[i] : Object.class;
        getters[i] =
            lookup.unreflect(accessor).asType(MethodType.methodType(returned, Object.class));
      }
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
    } else {
      MethodHandle object = c.isFinal ? READ_FINAL : READ_ANY;
      return object.bindTo(c).asType(MethodType.methodType(t, Kryo.class, Input.class));
    }
    return MethodHandles.dropArguments(read, 0, Kryo.class);
  }

  /** A reference-typed component: its type and, once looked up, its serializer. */
  static final class Component {
    final Class<?> record;
    final Class<?> type;
    final boolean isFinal;
    Serializer<?> serializer;

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
    int i = 0;
    try {
      for (; i < types.length; i++) {
        Class<?> t = types[i];
        MethodHandle g = getters[i];
        if (t == int.class) {
          output.writeVarInt((int) g.invokeExact((Object) record), false);
        } else if (t == long.class) {
          output.writeVarLong((long) g.invokeExact((Object) record), false);
        } else if (t == double.class) {
          output.writeDouble((double) g.invokeExact((Object) record));
        } else if (t == float.class) {
          output.writeFloat((float) g.invokeExact((Object) record));
        } else if (t == boolean.class) {
          output.writeBoolean((boolean) g.invokeExact((Object) record));
        } else if (t == byte.class) {
          output.writeByte((byte) g.invokeExact((Object) record));
        } else if (t == short.class) {
          output.writeShort((short) g.invokeExact((Object) record));
        } else if (t == char.class) {
          output.writeChar((char) g.invokeExact((Object) record));
        } else {
          Object value = (Object) g.invokeExact((Object) record);
          Component c = components[i];
          if (c.isFinal) {
            kryo.writeObjectOrNull(output, value, c.serializer(kryo));
          } else {
            kryo.writeClassAndObject(output, value);
          }
        }
      }
    } catch (KryoException e) {
      e.addTrace(names[i] + " (" + types[i].getName() + ")");
      throw e;
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
