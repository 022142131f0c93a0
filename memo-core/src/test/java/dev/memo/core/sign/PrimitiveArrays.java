package dev.memo.core.sign;

import java.lang.reflect.Array;
import java.util.Random;

/** Random primitive arrays of any component type, for the array signing tests. */
final class PrimitiveArrays {
  private PrimitiveArrays() {}

  static Object random(Class<?> component, int length, long seed) {
    Random random = new Random(seed);
    Object array = Array.newInstance(component, length);
    if (array instanceof byte[]) {
      random.nextBytes((byte[]) array);
      return array;
    }
    for (int i = 0; i < length; i++) {
      if (array instanceof boolean[]) {
        ((boolean[]) array)[i] = random.nextBoolean();
      } else if (array instanceof short[]) {
        ((short[]) array)[i] = (short) random.nextInt();
      } else if (array instanceof char[]) {
        ((char[]) array)[i] = (char) random.nextInt();
      } else if (array instanceof int[]) {
        ((int[]) array)[i] = random.nextInt();
      } else if (array instanceof long[]) {
        ((long[]) array)[i] = random.nextLong();
      } else if (array instanceof float[]) {
        ((float[]) array)[i] = random.nextFloat();
      } else {
        ((double[]) array)[i] = random.nextDouble();
      }
    }
    return array;
  }

  /** Bytes per element. */
  static int width(Class<?> component) {
    if (component == boolean.class || component == byte.class) {
      return 1;
    }
    if (component == short.class || component == char.class) {
      return 2;
    }
    return component == int.class || component == float.class ? 4 : 8;
  }

  static Object copy(Object array) {
    int length = Array.getLength(array);
    Object copy = Array.newInstance(array.getClass().getComponentType(), length);
    System.arraycopy(array, 0, copy, 0, length);
    return copy;
  }

  /** Changes one element; a second call at the same index undoes it. */
  static void change(Object array, int i) {
    if (array instanceof boolean[]) {
      ((boolean[]) array)[i] ^= true;
    } else if (array instanceof byte[]) {
      ((byte[]) array)[i] ^= 1;
    } else if (array instanceof short[]) {
      ((short[]) array)[i] ^= 1;
    } else if (array instanceof char[]) {
      ((char[]) array)[i] ^= 1;
    } else if (array instanceof int[]) {
      ((int[]) array)[i] ^= 1;
    } else if (array instanceof long[]) {
      ((long[]) array)[i] ^= 1;
    } else if (array instanceof float[]) {
      float[] f = (float[]) array;
      f[i] = Float.intBitsToFloat(Float.floatToRawIntBits(f[i]) ^ 1);
    } else {
      double[] d = (double[]) array;
      d[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(d[i]) ^ 1);
    }
  }
}
