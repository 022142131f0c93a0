package dev.memo.core.code;

import dev.memo.NotSigned;
import dev.memo.SignatureException;
import dev.memo.core.sign.CanonicalEncoder;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Turns the static fields reached code reads into the {@link StaticField}s signed at every call,
 * deciding which to leave out ({@link NotSigned}, {@code memo.code.ignore-fields}, loggers, and the
 * values of {@code static final} fields that cannot be signed by content). Run after every walk and
 * again when a cached walk is reused, since the decision depends on values at wrap time. Needs
 * reflection only, never ASM. Stateless; thread-safe.
 */
final class ReadFields {
  /**
   * Fields by name; a class rather than {@code Comparator.comparing}: two lambdas fewer to spin.
   */
  private static final class ByName implements Comparator<StaticField> {
    static final ByName INSTANCE = new ByName();

    @Override
    public int compare(StaticField a, StaticField b) {
      return a.name().compareTo(b.name());
    }
  }

  private ReadFields() {}

  /**
   * Returns the fields to sign, by name.
   *
   * @param reads each {@code {internal name of the declaring class, field name}}
   * @param readOutsideInitializers the qualified names of the fields read by code other than class
   *     initializers
   * @param properties the system properties and environment variables read by a constant name
   * @param loader the function's class loader
   * @param ignoredFields {@code memo.code.ignore-fields}
   * @param encoders tells whether a value can be signed; null: every value can
   * @param function the function's qualified name, for messages
   * @throws SignatureException if a field cannot be found or read
   */
  static List<StaticField> of(
      Collection<String[]> reads,
      Set<String> readOutsideInitializers,
      Collection<StaticField> properties,
      ClassLoader loader,
      Set<String> ignoredFields,
      @Nullable Supplier<CanonicalEncoder> encoders,
      String function) {
    List<StaticField> fields = new ArrayList<>();
    for (String[] read : reads) {
      String className = read[0].replace('/', '.');
      Field f;
      try {
        f = Class.forName(className, false, loader).getDeclaredField(read[1]);
      } catch (ClassNotFoundException | NoSuchFieldException | LinkageError e) {
        throw new SignatureException(
            "cannot find static field "
                + className
                + "."
                + read[1]
                + ", which "
                + function
                + " reads: "
                + e
                + "; memoize code whose class files match its loaded classes",
            e);
      }
      String qualified = className + "." + f.getName();
      if (!Modifier.isStatic(f.getModifiers())
          || f.isAnnotationPresent(NotSigned.class)
          || ignoredFields.contains(qualified)
          || CodeSigner.LOGGER_TYPES.contains(f.getType().getName())) {
        continue;
      }
      try {
        f.setAccessible(true);
      } catch (InaccessibleObjectException e) {
        throw new SignatureException(
            "cannot read static field "
                + qualified
                + ", which "
                + function
                + " reads: "
                + e.getMessage()
                + "; open its package to"
                + " dev.memo.core (opens "
                + f.getDeclaringClass().getPackageName()
                + " to dev.memo.core in module-info), or mark it @dev.memo.NotSigned if its value"
                + " cannot change the result",
            e);
      }
      StaticField field = new StaticField(f);
      if ((Modifier.isFinal(f.getModifiers()) || !readOutsideInitializers.contains(qualified))
          && !signable(encoders, field.read())) {
        // Assigned only by its class initializer, which is in the code part (or read only
        // there): covered by that code instead of by its value.
        continue;
      }
      fields.add(field);
    }
    fields.addAll(properties);
    fields.sort(ByName.INSTANCE);
    return fields;
  }

  /** Whether memo can sign a value by content. */
  private static boolean signable(
      @Nullable Supplier<CanonicalEncoder> encoders, @Nullable Object value) {
    if (encoders == null) {
      return true;
    }
    CanonicalEncoder enc = encoders.get();
    try {
      enc.putRoot(value, "value", null);
      return true;
    } catch (SignatureException e) {
      return false; // putRoot has reset the encoder
    } finally {
      enc.reset();
    }
  }
}
