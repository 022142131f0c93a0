package dev.memo.core.code;

import java.lang.reflect.Field;
import org.jspecify.annotations.Nullable;

/**
 * A value outside the function's arguments that its reached code reads, whose value at call time is
 * part of the environment signature: a static field, or a system property or environment variable
 * read by a constant name. Thread-safe.
 */
public final class StaticField {
  private final @Nullable Field field;
  private final String name;
  private final String label;

  /** For a property or variable: its name, and whether it is an environment variable. */
  private final @Nullable String key;

  private final boolean environmentVariable;

  StaticField(Field field) {
    this.field = field;
    this.name = field.getDeclaringClass().getName() + "." + field.getName();
    this.label = "static field " + name;
    this.key = null;
    this.environmentVariable = false;
  }

  private StaticField(String key, boolean environmentVariable) {
    this.field = null;
    this.key = key;
    this.environmentVariable = environmentVariable;
    this.label = (environmentVariable ? "environment variable " : "system property ") + key;
    this.name = label;
  }

  /** A system property read by a constant name. */
  static StaticField property(String key) {
    return new StaticField(key, false);
  }

  /** An environment variable read by a constant name. */
  static StaticField environmentVariable(String key) {
    return new StaticField(key, true);
  }

  /** For a system property or environment variable, its name; null for a field. */
  @Nullable String key() {
    return key;
  }

  /** Whether this is an environment variable. */
  boolean isEnvironmentVariable() {
    return environmentVariable;
  }

  /**
   * Returns the field's qualified name, or for a system property or environment variable its label.
   *
   * @return such as {@code com.example.Prices.RATES} or {@code system property case.scale}
   */
  public String name() {
    return name;
  }

  /**
   * Returns what {@code explain} and error messages call it.
   *
   * @return such as {@code static field com.example.Prices.RATES}, {@code system property
   *     case.scale} or {@code environment variable CASE_SCALE}
   */
  public String label() {
    return label;
  }

  /**
   * Reads the current value, initializing the field's class if the function has not yet.
   *
   * @return the value, may be null (a property or variable that is not set)
   */
  public @Nullable Object read() {
    if (field == null) {
      return environmentVariable ? System.getenv(key) : System.getProperty(key);
    }
    try {
      return field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("made accessible when found", e);
    }
  }
}
