package dev.memo.core.code;

import java.lang.reflect.Field;

/**
 * A static field that a function's reached code reads, whose value at call time is part of the
 * environment signature. Thread-safe.
 */
public final class StaticField {
  private final Field field;
  private final String name;

  StaticField(Field field) {
    this.field = field;
    this.name = field.getDeclaringClass().getName() + "." + field.getName();
  }

  /**
   * Returns the field's qualified name.
   *
   * @return such as {@code com.example.Prices.RATES}
   */
  public String name() {
    return name;
  }

  /**
   * Returns what {@code explain} and error messages call it.
   *
   * @return such as {@code static field com.example.Prices.RATES}
   */
  public String label() {
    return "static field " + name;
  }

  /**
   * Reads the field's current value, initializing its class if the function has not yet.
   *
   * @return the value, may be null
   */
  public Object read() {
    try {
      return field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("made accessible when found", e);
    }
  }
}
