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
 * <p>The layout is fixed by the record's components; {@link KryoRules#shape} records their names
 * and types beside the class name, so that a changed record is a stale entry. Owned by one Kryo
 * instance.
 */
final class RecordFields<T> extends Serializer<T> {
  private final Class<?>[] types;
  private final MethodHandle[] getters;
  private final MethodHandle constructor;
  private final String[] names;

  RecordFields(Class<T> type) {
    super(false, true);
    RecordComponent[] components = type.getRecordComponents();
    int n = components.length;
    types = new Class<?>[n];
    getters = new MethodHandle[n];
    names = new String[n];
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    try {
      for (int i = 0; i < n; i++) {
        types[i] = components[i].getType();
        names[i] = components[i].getName();
        Method accessor = components[i].getAccessor();
        accessor.setAccessible(true);
        Class<?> returned = types[i].isPrimitive() ? types[i] : Object.class;
        getters[i] =
            lookup.unreflect(accessor).asType(MethodType.methodType(returned, Object.class));
      }
      Constructor<T> canonical = type.getDeclaredConstructor(types);
      canonical.setAccessible(true);
      constructor =
          lookup
              .unreflectConstructor(canonical)
              .asSpreader(Object[].class, n)
              .asType(MethodType.methodType(Object.class, Object[].class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new KryoException("record " + type.getName() + " cannot be written: " + e, e);
    }
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
          if (kryo.isFinal(t)) {
            kryo.writeObjectOrNull(output, value, t);
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
    Object[] values = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      Class<?> t = types[i];
      if (t == int.class) {
        values[i] = input.readVarInt(false);
      } else if (t == long.class) {
        values[i] = input.readVarLong(false);
      } else if (t == double.class) {
        values[i] = input.readDouble();
      } else if (t == float.class) {
        values[i] = input.readFloat();
      } else if (t == boolean.class) {
        values[i] = input.readBoolean();
      } else if (t == byte.class) {
        values[i] = input.readByte();
      } else if (t == short.class) {
        values[i] = input.readShort();
      } else if (t == char.class) {
        values[i] = input.readChar();
      } else if (kryo.isFinal(t)) {
        values[i] = kryo.readObjectOrNull(input, t);
      } else {
        values[i] = kryo.readClassAndObject(input);
      }
    }
    try {
      return (T) (Object) constructor.invokeExact(values);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (ClassCastException e) {
      throw new KryoException(
          "payload gives record " + type.getName() + " a component of another type; it is corrupt",
          e);
    } catch (RuntimeException | Error e) {
      // The canonical constructor's own checks refuse the components: as with Java
      // serialization, the record is not built.
      throw new KryoException(
          "record " + type.getName() + "'s constructor refused the payload's" + " components: " + e,
          e);
    } catch (Throwable e) {
      throw new KryoException(e);
    }
  }
}
