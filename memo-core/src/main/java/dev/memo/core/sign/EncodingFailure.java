package dev.memo.core.sign;

import dev.memo.SignatureException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A value, or a part of it, could not be encoded. Thrown deep inside the encoder; each enclosing
 * list, map, record... adds its path segment while the failure passes through, so the success path
 * pays nothing for path tracking. {@link CanonicalEncoder#putRoot} turns it into a plain {@link
 * SignatureException} that names the argument. If it escapes otherwise (a top-level {@code
 * putValue}), its message says "the value".
 */
final class EncodingFailure extends SignatureException {
  private static final long serialVersionUID = 1L;
  private static final int SHOWN_SEGMENTS = 8;

  private final ArrayDeque<String> path = new ArrayDeque<>();
  private final String type;
  private final String predicate;
  private final List<String> fixes;
  private final boolean offersIgnore;

  private EncodingFailure(
      String type, String predicate, List<String> fixes, boolean offersIgnore, Throwable cause) {
    super(predicate, cause);
    this.type = type;
    this.predicate = predicate;
    this.fixes = fixes;
    this.offersIgnore = offersIgnore;
  }

  /** A type memo cannot sign: no encoding of its own, no Signable, no TypeSigner. */
  static EncodingFailure unsignable(Shape shape) {
    String name = shape.type.getName();
    List<String> fixes = new ArrayList<>();
    String predicate;
    if (shape.kind == Shape.UNREADABLE_RECORD) {
      predicate = "has type " + name + ", " + shape.problem;
      fixes.add(shape.fix);
      fixes.add("implement dev.memo.Signable");
      fixes.add("register a dev.memo.spi.TypeSigner for it");
    } else if (shape.problem != null) {
      predicate = "has type " + name + ", which memo cannot sign: " + shape.problem;
      fixes.add(shape.fix);
    } else {
      predicate = "has type " + name + ", which memo cannot sign";
      fixes.add("make it a record or implement dev.memo.Signable");
      fixes.add("register a dev.memo.spi.TypeSigner for it");
    }
    return new EncodingFailure(name, predicate, fixes, true, null);
  }

  /** Nested deeper than the limit: almost always a structure that contains itself. */
  static EncodingFailure tooDeep(int limit) {
    return new EncodingFailure(
        null,
        "is nested more than "
            + limit
            + " levels deep, which suggests a cycle (a collection,"
            + " array or record that contains itself)",
        List.of("break the cycle", "implement dev.memo.Signable to sign the structure yourself"),
        true,
        null);
  }

  /**
   * User code called while signing (signTo, a TypeSigner, a record accessor) threw.
   *
   * @param method what threw, as seen from the value: {@code signTo}, {@code accessor name()}
   * @param culprit what to fix: {@code com.x.Grid.signTo}
   */
  static EncodingFailure threw(
      Class<?> type, String method, String culprit, RuntimeException cause) {
    return new EncodingFailure(
        type.getName(),
        "has type " + type.getName() + ", whose " + method + " threw " + cause,
        List.of("fix " + culprit),
        false,
        cause);
  }

  /** A collection's iteration disagreed with its size(): it was modified while being signed. */
  static EncodingFailure changed(Class<?> type, int size, int iterated) {
    return new EncodingFailure(
        type.getName(),
        "has type "
            + type.getName()
            + ", which changed while memo signed it (size() was "
            + size
            + " but iteration gave "
            + (iterated > size ? "more" : iterated)
            + " elements)",
        List.of("do not modify an argument while a memoized call signs it"),
        false,
        null);
  }

  /**
   * Adds the segment of the enclosing structure in front of the path.
   *
   * @param segment such as {@code [2]}, {@code .name} or {@code {"key"}}
   * @return this failure, to rethrow
   */
  EncodingFailure at(String segment) {
    path.addFirst(segment);
    return this;
  }

  /** The path from the root to the failing part, shortened when very deep. */
  String path() {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    for (String segment : path) {
      if (i++ == SHOWN_SEGMENTS && path.size() > SHOWN_SEGMENTS + 1) {
        sb.append("...(").append(path.size() - SHOWN_SEGMENTS).append(" more)");
        break;
      }
      sb.append(segment);
    }
    return sb.toString();
  }

  /** The name of the type at fault, or null when the failure is not about one type. */
  @Nullable String type() {
    return type;
  }

  /**
   * Returns the full message for a failure while signing {@code what}.
   *
   * @param what such as {@code argument 0 of "primes"}
   * @param ignoreHint one more way out, such as {@code or ignore the parameter with
   *     FunctionOptions.ignoreParameters(0)}; a leading "or " is optional; may be null
   * @return the message
   */
  String message(String what, @Nullable String ignoreHint) {
    List<String> ways = new ArrayList<>(fixes);
    if (ignoreHint != null && offersIgnore) {
      ways.add(ignoreHint.startsWith("or ") ? ignoreHint.substring(3) : ignoreHint);
    }
    StringBuilder sb = new StringBuilder("cannot sign ").append(what).append(": the value");
    if (!path.isEmpty()) {
      sb.append(" at ").append(path());
    }
    sb.append(' ').append(predicate).append("; ");
    for (int i = 0; i < ways.size(); i++) {
      if (i > 0) {
        sb.append(i == ways.size() - 1 ? ", or " : ", ");
      }
      sb.append(ways.get(i));
    }
    return sb.toString();
  }

  @Override
  public String getMessage() {
    return message("a value", null);
  }

  /** What a record's accessor threw, as a failure naming the accessor; an Error is rethrown. */
  static RuntimeException accessorThrew(Shape s, int i, Throwable t) {
    if (t instanceof Error) {
      throw (Error) t;
    }
    // Record accessors cannot declare checked exceptions; a sneaky one is still reported.
    RuntimeException e =
        t instanceof RuntimeException ? (RuntimeException) t : new UndeclaredThrowableException(t);
    String method = s.components[i] + "()";
    return threw(s.type, "accessor " + method, s.type.getName() + "." + method, e);
  }

  /**
   * Renders a map key for an error path: JDK value types by their text, others by their type only,
   * so that building a message never calls user code.
   */
  static String keyLabel(@Nullable Object key) {
    if (key == null) {
      return "null";
    }
    if (key instanceof String) {
      String s = (String) key;
      return "\"" + (s.length() > 40 ? s.substring(0, 37) + "..." : s) + "\"";
    }
    if (key instanceof Character) {
      return "'" + key + "'";
    }
    if (key instanceof Enum) {
      return ((Enum<?>) key).name();
    }
    int kind = Shape.of(key.getClass()).kind;
    boolean jdkValue = kind < Shape.OPTIONAL || (kind >= Shape.INSTANT && kind <= Shape.MONTH_DAY);
    return jdkValue && kind != Shape.CLASS ? key.toString() : typeLabel(key);
  }

  static String typeLabel(@Nullable Object value) {
    if (value == null) {
      return "null";
    }
    Class<?> c = value.getClass();
    String simple = c.getSimpleName();
    return "<" + (simple.isEmpty() ? c.getName() : simple) + ">";
  }
}
