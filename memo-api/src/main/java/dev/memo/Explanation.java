package dev.memo;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Why a call would be answered from the store, or why not: the answer of {@link
 * Memoizer#explain(Object, Object...)}. A miss is explained against the most recent entry stored
 * for the same function, part by part: the methods, jars or settings whose hash differs in the code
 * part, the static fields and captured variables whose value differs in the environment part, the
 * parameters whose value differs in the arguments part.
 *
 * <pre>
 * miss of "total": code differs in app.Prices.discount(int); environment differs in static field
 * app.Prices.RATES; compared with the most recent entry of "total"
 * </pre>
 *
 * <p>Immutable and thread-safe; no accessor returns null.
 */
public final class Explanation {
  /** A part of a call's signature. */
  public enum Part {
    /**
     * The normalized bytecode of the reached methods, the reached library jars, the Java version
     * and the function's version string.
     */
    CODE,
    /** The values of the static fields the code reads and of the variables a lambda captured. */
    ENVIRONMENT,
    /** The arguments. */
    ARGUMENTS
  }

  private final String function;
  private final boolean hit;
  private final boolean earlierEntry;
  private final List<String> code;
  private final List<String> environment;
  private final List<Integer> arguments;

  private Explanation(
      String function,
      boolean hit,
      boolean earlierEntry,
      List<String> code,
      List<String> environment,
      List<Integer> arguments) {
    this.function = Objects.requireNonNull(function, "function");
    this.hit = hit;
    this.earlierEntry = earlierEntry;
    this.code = List.copyOf(code);
    this.environment = List.copyOf(environment);
    this.arguments = List.copyOf(arguments);
  }

  /**
   * Returns the explanation of a hit.
   *
   * @param function the function's id
   * @return the explanation
   */
  public static Explanation hit(String function) {
    return new Explanation(function, true, true, List.of(), List.of(), List.of());
  }

  /**
   * Returns the explanation of a miss of a function with no earlier entry to compare with: its
   * first call, or its entries were written before memo kept this record.
   *
   * @param function the function's id
   * @return the explanation
   */
  public static Explanation firstMiss(String function) {
    return new Explanation(function, false, false, List.of(), List.of(), List.of());
  }

  /**
   * Returns the explanation of a miss compared with the most recent entry of the function. All
   * lists empty means the signature equals that entry's but the entry is gone or unusable (expired,
   * removed, evicted or quarantined).
   *
   * @param function the function's id
   * @param code names of the methods, jars and settings whose hash differs, was added or removed
   * @param environment names of the static fields and captured variables whose value differs
   * @param arguments zero-based positions of the parameters whose value differs
   * @return the explanation
   */
  public static Explanation miss(
      String function, List<String> code, List<String> environment, List<Integer> arguments) {
    return new Explanation(function, false, true, code, environment, arguments);
  }

  /**
   * Returns the function's id: the name it was memoized under.
   *
   * @return the id
   */
  public String function() {
    return function;
  }

  /**
   * Returns whether the call would be answered from the store.
   *
   * @return true for a hit
   */
  public boolean isHit() {
    return hit;
  }

  /**
   * Returns whether an earlier entry of the function was found to compare with; always true for a
   * hit.
   *
   * @return true if the miss was compared with an earlier entry
   */
  public boolean hasEarlierEntry() {
    return earlierEntry;
  }

  /**
   * Returns the parts that differ from the most recent entry; empty for a hit or a first miss.
   *
   * @return the parts, a new set
   */
  public Set<Part> changedParts() {
    Set<Part> parts = EnumSet.noneOf(Part.class);
    if (!code.isEmpty()) {
      parts.add(Part.CODE);
    }
    if (!environment.isEmpty()) {
      parts.add(Part.ENVIRONMENT);
    }
    if (!arguments.isEmpty()) {
      parts.add(Part.ARGUMENTS);
    }
    return parts;
  }

  /**
   * Returns what differs in the code part, sorted: methods ({@code app.Prices.discount(int)}), jars
   * ({@code jar pricing-1.2.jar}), {@code Java 21}, {@code version "2"}; each changed, added or
   * removed since the most recent entry.
   *
   * @return the names, unmodifiable
   */
  public List<String> changedCode() {
    return code;
  }

  /**
   * Returns what differs in the environment part: {@code static field app.Prices.RATES}, {@code
   * captured variable 0}, {@code field Scaler.factor} (of a function object).
   *
   * @return the names, unmodifiable
   */
  public List<String> changedEnvironment() {
    return environment;
  }

  /**
   * Returns the zero-based positions of the parameters whose value differs.
   *
   * @return the positions, ascending, unmodifiable
   */
  public List<Integer> changedArguments() {
    return arguments;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Explanation e
        && function.equals(e.function)
        && hit == e.hit
        && earlierEntry == e.earlierEntry
        && code.equals(e.code)
        && environment.equals(e.environment)
        && arguments.equals(e.arguments);
  }

  @Override
  public int hashCode() {
    return Objects.hash(function, hit, earlierEntry, code, environment, arguments);
  }

  /**
   * Returns the explanation as one line, as logged at DEBUG on every miss.
   *
   * @return for example {@code miss of "total": arguments differ in parameter 0; compared with the
   *     most recent entry of "total"}
   */
  @Override
  public String toString() {
    String quoted = "\"" + function + "\"";
    if (hit) {
      return "hit of " + quoted;
    }
    if (!earlierEntry) {
      return "miss of " + quoted + ": no earlier entry of " + quoted + " to compare with";
    }
    if (code.isEmpty() && environment.isEmpty() && arguments.isEmpty()) {
      return "miss of "
          + quoted
          + ": the signature equals that of the most recent entry of "
          + quoted
          + ", which is no longer in the store or no longer usable (expired, removed,"
          + " evicted or quarantined)";
    }
    List<String> parts = new ArrayList<>();
    if (!code.isEmpty()) {
      parts.add("code differs in " + String.join(", ", code));
    }
    if (!environment.isEmpty()) {
      parts.add("environment differs in " + String.join(", ", environment));
    }
    if (!arguments.isEmpty()) {
      List<String> names = new ArrayList<>();
      for (int p : arguments) {
        names.add("parameter " + p);
      }
      parts.add("arguments differ in " + String.join(", ", names));
    }
    return "miss of "
        + quoted
        + ": "
        + String.join("; ", parts)
        + "; compared with the most recent entry of "
        + quoted;
  }
}
