package dev.memo;

import dev.memo.spi.Quote;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How one function is memoized: its name, a version string, and which parameters do not count.
 * Immutable; every method returns a new instance.
 *
 * <pre>{@code
 * var options = FunctionOptions.named("rms").version("2").ignoreParameters(1);
 * var rms = memo.biFunction(options, Stats::rms);
 * }</pre>
 */
public final class FunctionOptions {
  private static final FunctionOptions DEFAULTS =
      new FunctionOptions(null, null, new int[0], false, List.of(), List.of());

  private final @Nullable String name;
  private final @Nullable String version;
  private final int[] ignoredParameters;
  private final boolean ignoreCode;
  private final List<String> tags;
  private final List<Class<?>> codeClasses;

  private FunctionOptions(
      @Nullable String name,
      @Nullable String version,
      int[] ignoredParameters,
      boolean ignoreCode,
      List<String> tags,
      List<Class<?>> codeClasses) {
    this.codeClasses = codeClasses;
    this.tags = tags;
    this.name = name;
    this.version = version;
    this.ignoredParameters = ignoredParameters;
    this.ignoreCode = ignoreCode;
  }

  /**
   * Returns options with no name (the implementing method's qualified name is used), no version and
   * every parameter signed.
   *
   * @return the default options
   */
  public static FunctionOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns the default options with this name.
   *
   * @param name the function's name; see {@link #name(String)}
   * @return the options
   */
  public static FunctionOptions named(String name) {
    return DEFAULTS.name(name);
  }

  /**
   * Returns these options with a name. The name identifies the function's results in the store, so
   * it must stay the same from run to run: give one to every lambda, whose compiler-made method
   * name ({@code lambda$main$0}) changes when lambdas are added before it.
   *
   * @param name one to 200 characters, no control characters
   * @return new options
   * @throws IllegalArgumentException if the name is empty, too long or has a control character
   */
  public FunctionOptions name(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > 200 || hasControl(name)) {
      throw new IllegalArgumentException(
          "function name "
              + Quote.of(name)
              + " is invalid: use 1 to 200 characters, no control"
              + " characters");
    }
    return new FunctionOptions(name, version, ignoredParameters, ignoreCode, tags, codeClasses);
  }

  /** Whether a text holds a control character (a loop: a stream here cost a new process ~3 ms). */
  private static boolean hasControl(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns these options with a version string, mixed into every signature of the function. Change
   * it to force recomputation when something the signature cannot see has changed (a file the
   * function reads, a remote service it calls).
   *
   * @param version any string
   * @return new options
   */
  public FunctionOptions version(String version) {
    return new FunctionOptions(
        name,
        Objects.requireNonNull(version, "version"),
        ignoredParameters,
        ignoreCode,
        tags,
        codeClasses);
  }

  /**
   * Returns these options with parameters left out of the signature, by zero-based position: use it
   * for arguments that cannot change the result (a logger, a progress listener, a thread count).
   *
   * @param positions zero-based parameter positions, each at least 0
   * @return new options
   * @throws IllegalArgumentException if a position is negative
   */
  public FunctionOptions ignoreParameters(int... positions) {
    for (int p : positions) {
      if (p < 0) {
        throw new IllegalArgumentException(
            "parameter position " + p + " is negative; positions count from 0");
      }
    }
    int[] merged = Arrays.copyOf(ignoredParameters, ignoredParameters.length + positions.length);
    System.arraycopy(positions, 0, merged, ignoredParameters.length, positions.length);
    return new FunctionOptions(
        name,
        version,
        Arrays.stream(merged).distinct().sorted().toArray(),
        ignoreCode,
        tags,
        codeClasses);
  }

  /**
   * Returns these options with the function's code left out of its signature: results are reused
   * after any change of the function or of what it calls, until the {@linkplain #version(String)
   * version string} changes. This is joblib's failure mode, chosen on purpose: use it when the code
   * changes often in ways that cannot change the result and recomputing is expensive. The static
   * fields the code reads are still signed.
   *
   * @return new options
   */
  public FunctionOptions ignoreCode() {
    return new FunctionOptions(name, version, ignoredParameters, true, tags, codeClasses);
  }

  /**
   * Returns these options with tags, which select the function's policy: the configuration keys
   * {@code memo.policy.<tag>.store}, {@code .serde}, {@code .ttl}, {@code .enabled} and {@code
   * .object-tier} say which store and serde its results use, how long they last and whether they
   * are memoized at all. The first tag that has a policy wins; a tag has one when any of those keys
   * is set for it, and {@code disk} (the configured store) and {@code memory} (in this process
   * only) always do. Tags without a policy are labels. Without a policy the function uses {@code
   * memo.policy.default.*}: the configured store.
   *
   * @param tags lower-case letters and digits, separated by single dashes
   * @return new options, with these tags after any given before
   * @throws IllegalArgumentException if a tag is not of that form
   */
  public FunctionOptions tags(String... tags) {
    List<String> all = new java.util.ArrayList<>(this.tags);
    for (String t : tags) {
      Objects.requireNonNull(t, "tag");
      if (!t.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
        throw new IllegalArgumentException(
            "tag "
                + Quote.of(t)
                + " is invalid: use lower-case letters"
                + " and digits separated by single dashes, such as disk or fast-cache");
      }
      if (!all.contains(t)) {
        all.add(t);
      }
    }
    return new FunctionOptions(
        name, version, ignoredParameters, ignoreCode, List.copyOf(all), codeClasses);
  }

  /**
   * Returns these options with classes whose code joins the function's code part, as if the
   * function reached them: every method of each class, its class initializer, and what those reach.
   * Use it for code memo cannot follow: classes the function finds by reflection ({@code
   * Class.forName}, {@code Method.invoke}), through a {@code ServiceLoader}, or by a name built at
   * run time.
   *
   * @param classes the classes, at least one; an application class contributes its bytecode, a
   *     library class its jar, a JDK class nothing beyond the Java version
   * @return new options, with these classes after any given before
   * @throws NullPointerException if a class is null
   */
  public FunctionOptions includeCode(Class<?>... classes) {
    List<Class<?>> all = new java.util.ArrayList<>(codeClasses);
    for (Class<?> c : classes) {
      Objects.requireNonNull(c, "class");
      if (!all.contains(c)) {
        all.add(c);
      }
    }
    return new FunctionOptions(
        name, version, ignoredParameters, ignoreCode, tags, List.copyOf(all));
  }

  /**
   * Returns the classes added to the code part by {@link #includeCode(Class...)}.
   *
   * @return the classes, in the order given, unmodifiable
   */
  public List<Class<?>> includedCode() {
    return codeClasses;
  }

  /**
   * Returns the tags, in the order given.
   *
   * @return the tags, unmodifiable
   */
  public List<String> tags() {
    return tags;
  }

  /**
   * Returns whether the function's code is left out of its signature.
   *
   * @return true if {@link #ignoreCode()} was chosen
   */
  public boolean ignoresCode() {
    return ignoreCode;
  }

  /**
   * Returns the name, if one was given.
   *
   * @return the name
   */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /**
   * Returns the version string, if one was given.
   *
   * @return the version
   */
  public Optional<String> version() {
    return Optional.ofNullable(version);
  }

  /**
   * Returns whether the parameter at this position is left out of the signature.
   *
   * @param position a zero-based parameter position
   * @return true if ignored
   */
  public boolean isIgnored(int position) {
    return Arrays.binarySearch(ignoredParameters, position) >= 0;
  }

  /**
   * Returns the ignored positions, sorted.
   *
   * @return a copy of the positions
   */
  public int[] ignoredParameters() {
    return ignoredParameters.clone();
  }

  @Override
  public String toString() {
    return "FunctionOptions{name="
        + name
        + ", version="
        + version
        + ", ignoredParameters="
        + Arrays.toString(ignoredParameters)
        + (ignoreCode ? ", ignoreCode" : "")
        + (tags.isEmpty() ? "" : ", tags=" + tags)
        + (codeClasses.isEmpty()
            ? ""
            : ", includedCode=" + codeClasses.stream().map(Class::getName).toList())
        + "}";
  }
}
