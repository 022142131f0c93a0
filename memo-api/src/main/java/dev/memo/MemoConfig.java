package dev.memo;

import dev.memo.spi.Quote;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Configuration: string values under dotted keys ({@code memo.store.directory.path}), read through
 * typed getters that fail with a message quoting the full key, the raw value and where it came
 * from. A config is a stack of sources: a lookup falls through to the {@linkplain
 * #withFallback(MemoConfig) fallback} when a source has no value.
 *
 * <p>A {@linkplain #scoped(String) scoped} view reads relative keys: a provider named {@code
 * directory} receives {@code config.scoped("memo.store.directory")} and asks for {@code "path"}.
 *
 * <p>Immutable and thread-safe, though a source may be live (system properties are read at lookup
 * time).
 */
public final class MemoConfig {
  /**
   * The store provider's name, {@code memo.store}; unset, the highest-priority store on the class
   * path ({@code directory} when only memo-core provides one).
   */
  public static final String STORE = "memo.store";

  /**
   * The serde provider's name, {@code memo.serde}; unset, the highest-priority serde on the class
   * path ({@code java} when only memo-serde-java provides one).
   */
  public static final String SERDE = "memo.serde";

  /**
   * The signer provider's name, {@code memo.signer}; unset, the highest-priority signer on the
   * class path ({@code sha256} when only memo-core provides one).
   */
  public static final String SIGNER = "memo.signer";

  /** {@code memo.enabled}: {@code false} turns memoization off for the run; functions just run. */
  public static final String ENABLED = "memo.enabled";

  /**
   * {@code memo.integrity.key-file}: a file holding a base64-encoded key of at least 32 bytes; set,
   * every entry is written with an HMAC-SHA256 tag and an entry without a valid one is refused
   * before it is deserialized. Unset by default; do not set it together with {@link
   * #INTEGRITY_KEY_ENV}.
   */
  public static final String INTEGRITY_KEY_FILE = "memo.integrity.key-file";

  /**
   * {@code memo.integrity.key-env}: the name of an environment variable holding the key, base64, as
   * with {@link #INTEGRITY_KEY_FILE}; the name, not the key, so that the key never sits in a
   * properties file or on a command line. Unset by default.
   */
  public static final String INTEGRITY_KEY_ENV = "memo.integrity.key-env";

  /**
   * {@code memo.code.include}: comma-separated packages ({@code com.example.model}, sub-packages
   * included) and jar file names ({@code model-*.jar}, {@code *} matching any characters) whose
   * classes count as the application's own code although they come from a jar: their methods are
   * signed by their normalized bytecode, like classes in class directories, instead of by the jar's
   * content hash.
   */
  public static final String CODE_INCLUDE = "memo.code.include";

  /**
   * {@code memo.code.ignore-fields}: comma-separated static fields, {@code
   * com.example.Cache.ENTRIES}, that memo leaves out of the environment signature, as if they were
   * annotated {@link NotSigned}.
   */
  public static final String CODE_IGNORE_FIELDS = "memo.code.ignore-fields";

  /**
   * {@code memo.code.cache}: whether a function's walked code is kept across runs in the store's
   * folder ({@code <folder>/.code}), so that a new process whose code did not change signs it
   * without reading bytecode; {@code true} by default. {@code false} keeps the walk in the process
   * only. Nothing is kept either with an integrity key or for a store without a local folder.
   */
  public static final String CODE_CACHE = "memo.code.cache";

  /**
   * {@code memo.immutability}: {@code strict} (the default) hands results out in an immutable form
   * and fails, naming the type, for a result memo cannot make immutable; {@code copy} hands such a
   * result out as a fresh deserialized copy on every call instead.
   */
  public static final String IMMUTABILITY = "memo.immutability";

  /**
   * {@code memo.object-tier.max-bytes}: the most serialized bytes of results the object tier keeps
   * as objects, so that a hit needs no deserialization; {@code 64MiB} by default, {@code 0} turns
   * the tier off.
   */
  public static final String OBJECT_TIER_MAX_BYTES = "memo.object-tier.max-bytes";

  /**
   * {@code memo.object-tier.max-entries}: the most results the object tier keeps; {@code 10000} by
   * default, {@code 0} turns the tier off.
   */
  public static final String OBJECT_TIER_MAX_ENTRIES = "memo.object-tier.max-entries";

  /**
   * {@code memo.write-behind.max-bytes}: the most bytes of entries that wait in memory for a
   * background thread to publish them, so that a miss returns without writing its entry to the
   * store on the caller's thread; {@code 64MiB} by default, {@code 0} publishes every entry on the
   * caller's thread. A waiting entry is found by this memoizer's calls; {@code close()} publishes
   * every entry still waiting, and a JVM that exits without closing the memoizer loses them (they
   * are computed again). Entries are published on the caller's thread anyway when they do not fit,
   * when the store coordinates processes and a claim is held, and on a {@code directory} store with
   * {@code fsync=true}; only the {@code directory} store writes behind.
   */
  public static final String WRITE_BEHIND_MAX_BYTES = "memo.write-behind.max-bytes";

  /**
   * {@code memo.jfr.threshold}: the shortest memoized call that a Java Flight Recorder event {@code
   * dev.memo.Call} records, while a recording has that event enabled; a duration ({@code 1ms} by
   * default, {@code 0ms} records every call). A recording's own threshold for the event applies as
   * well.
   */
  public static final String JFR_THRESHOLD = "memo.jfr.threshold";

  /**
   * {@code memo.policy}: the prefix of the policies that tags select. For a tag {@code t}: {@code
   * memo.policy.t.store} (a store provider's name, configured by its usual {@code
   * memo.store.<name>.*} keys), {@code memo.policy.t.serde} (a serde provider's name), {@code
   * memo.policy.t.ttl} (a duration; an older entry is recomputed), {@code memo.policy.t.enabled}
   * ({@code false}: the function runs every time) and {@code memo.policy.t.object-tier} ({@code
   * false}: every hit reads the store). The tags {@code disk}, {@code memory} and {@code default}
   * have policies without any key set.
   */
  public static final String POLICY = "memo.policy";

  /**
   * {@code memo.config.unknown}: what a key under {@code memo.} that neither memo nor a provider on
   * the class path reads is, when a memoizer is built: {@code error} (the default) or {@code warn}.
   * The report names the closest known key.
   */
  public static final String CONFIG_UNKNOWN = "memo.config.unknown";

  private static final MemoConfig EMPTY = new MemoConfig(List.of(), "");

  /** The shapes of sizes and durations, compiled when a value is first read. */
  private static final class Shapes {
    static final Pattern SIZE =
        Pattern.compile(
            "(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?", Pattern.CASE_INSENSITIVE);
    static final Pattern DURATION =
        Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
  }

  private final List<Source> sources;
  private final String prefix;

  private MemoConfig(List<Source> sources, String prefix) {
    this.sources = sources;
    this.prefix = prefix;
  }

  /**
   * Where values come from: a map, live properties, or the environment. A class with a switch
   * rather than functions: a new process builds a memoizer's configuration on its first call, and
   * each lambda's first use spins a class.
   */
  private static final class Source {
    final String description;

    /** Full keys to values (a map), or variable names to values (the environment). */
    final @Nullable Map<String, String> map;

    /** Read at each lookup; null unless the source is live properties. */
    final @Nullable Properties properties;

    final boolean environment;

    Source(
        String description,
        @Nullable Map<String, String> map,
        @Nullable Properties properties,
        boolean environment) {
      this.description = description;
      this.map = map;
      this.properties = properties;
      this.environment = environment;
    }

    /** The raw value of a full key, or null. */
    @Nullable String lookup(String key) {
      if (properties != null) {
        return properties.getProperty(key);
      }
      return map.get(environment ? environmentName(key) : key);
    }

    /** Where a full key's value comes from, for messages. */
    String describe(String key) {
      return environment ? "environment variable " + environmentName(key) : description;
    }

    /** The names the source holds that may be memo's, as it spells them, with their values. */
    Map<String, String> names() {
      if (properties != null) {
        return memoKeys(new java.util.HashMap<>(properties), "memo.");
      }
      return memoKeys(map, environment ? "MEMO_" : "memo.");
    }
  }

  /**
   * One key set in a source, as that source spells it: {@code memo.store} in a map or properties,
   * {@code MEMO_STORE} in the environment.
   *
   * @param name the key, or the environment variable's name
   * @param value the raw value, untrimmed, possibly blank
   * @param source where it was set, such as {@code builder} or {@code environment variable
   *     MEMO_STORE}
   * @param environment whether {@code name} is an environment variable's name
   */
  public record Setting(String name, String value, String source, boolean environment) {}

  /**
   * Returns every key set under {@code memo.} (every {@code MEMO_} variable of the environment),
   * source by source in precedence order, including keys whose value is blank and keys that a
   * source of higher precedence overrides. A scoped view lists the same keys as its root.
   *
   * @return the settings, in a stable order within each source
   */
  public List<Setting> settings() {
    List<Setting> all = new ArrayList<>();
    for (Source s : sources) {
      for (Map.Entry<String, String> e : new java.util.TreeMap<>(s.names()).entrySet()) {
        String name = e.getKey();
        all.add(
            new Setting(
                name,
                e.getValue(),
                s.environment ? "environment variable " + name : s.describe(name),
                s.environment));
      }
    }
    return List.copyOf(all);
  }

  private static Map<String, String> memoKeys(Map<?, ?> values, String prefix) {
    Map<String, String> keys = new java.util.HashMap<>();
    for (Map.Entry<?, ?> e : values.entrySet()) {
      if (e.getKey() instanceof String k
          && e.getValue() instanceof String v
          && k.startsWith(prefix)) {
        keys.put(k, v);
      }
    }
    return keys;
  }

  /**
   * Returns a config with no values.
   *
   * @return the empty config
   */
  public static MemoConfig empty() {
    return EMPTY;
  }

  /**
   * Returns a config over a map of full keys to values. The map is copied.
   *
   * @param values full keys such as {@code memo.store} to values
   * @return the config
   */
  public static MemoConfig of(Map<String, String> values) {
    return of("configuration map", values);
  }

  /**
   * Returns a config over a map of full keys to values, naming its source in error messages.
   *
   * @param sourceName where the values came from, for example {@code "builder"}
   * @param values full keys to values; copied
   * @return the config
   */
  public static MemoConfig of(String sourceName, Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(values);
    return single(new Source(sourceName, copy, null, false));
  }

  /**
   * Returns a live config over properties (such as {@link System#getProperties()}): each lookup
   * reads the current value.
   *
   * @param sourceName where the values came from, for example {@code "system property"}
   * @param properties the properties, read at each lookup
   * @return the config
   */
  public static MemoConfig ofProperties(String sourceName, Properties properties) {
    Objects.requireNonNull(properties, "properties");
    return single(new Source(sourceName, null, properties, false));
  }

  /**
   * Returns a config over environment variables: key {@code memo.store.directory.max-bytes} is read
   * from {@code MEMO_STORE_DIRECTORY_MAX_BYTES} (upper case, dots and dashes as underscores).
   *
   * @param environment variable names to values, such as {@link System#getenv()}; copied
   * @return the config
   */
  public static MemoConfig ofEnvironment(Map<String, String> environment) {
    Map<String, String> copy = Map.copyOf(environment);
    return single(new Source("environment", copy, null, true));
  }

  /**
   * Returns the environment variable name that carries a key.
   *
   * @param key a full key such as {@code memo.store}
   * @return the variable name such as {@code MEMO_STORE}
   */
  public static String environmentName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static MemoConfig single(Source source) {
    return new MemoConfig(List.of(source), "");
  }

  /**
   * Returns a config that reads this one first and {@code fallback} for keys this one lacks. Both
   * must be unscoped.
   *
   * @param fallback the config of lower precedence
   * @return the combined config
   * @throws IllegalStateException if either config is scoped
   */
  public MemoConfig withFallback(MemoConfig fallback) {
    if (!prefix.isEmpty() || !fallback.prefix.isEmpty()) {
      throw new IllegalStateException("withFallback combines unscoped configs only");
    }
    List<Source> all = new ArrayList<>(sources);
    all.addAll(fallback.sources);
    return new MemoConfig(List.copyOf(all), "");
  }

  /**
   * Returns a view in which keys are read relative to a prefix: {@code
   * config.scoped("memo.store.directory").get("path")} reads {@code memo.store.directory.path}.
   * Scoping a scoped view appends to its prefix.
   *
   * @param prefix a dotted prefix without a trailing dot
   * @return the scoped view
   */
  public MemoConfig scoped(String prefix) {
    if (prefix.isEmpty() || prefix.startsWith(".") || prefix.endsWith(".")) {
      throw new IllegalArgumentException(
          "config prefix \"" + prefix + "\" must not be empty or start or end with a dot");
    }
    return new MemoConfig(sources, key(prefix));
  }

  /**
   * Returns the unscoped config this view reads from.
   *
   * @return the root config
   */
  public MemoConfig root() {
    return prefix.isEmpty() ? this : new MemoConfig(sources, "");
  }

  /**
   * Returns the full key that a relative key names in this view.
   *
   * @param key a key relative to this view
   * @return the full key
   */
  public String key(String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  /**
   * Returns the raw value of a key, from the first source that has it.
   *
   * @param key a key relative to this view
   * @return the value, trimmed, or empty when no source has it (or it is blank)
   */
  public Optional<String> get(String key) {
    Found f = find(key);
    return f == null ? Optional.empty() : Optional.of(f.value);
  }

  private static final class Found {
    final String value;
    final String source;

    Found(String value, String source) {
      this.value = value;
      this.source = source;
    }
  }

  private @Nullable Found find(String key) {
    String full = key(key);
    for (Source s : sources) {
      String v = s.lookup(full);
      if (v != null && !v.isBlank()) {
        return new Found(v.trim(), s.describe(full));
      }
    }
    return null;
  }

  /**
   * Returns a string value.
   *
   * @param key a key relative to this view
   * @param defaultValue the value when the key is absent
   * @return the value
   */
  public @Nullable String getString(String key, @Nullable String defaultValue) {
    return get(key).orElse(defaultValue);
  }

  /**
   * Returns an int value.
   *
   * @param key a key relative to this view
   * @param defaultValue the value when the key is absent
   * @return the value
   * @throws MemoConfigurationException if the value is not a decimal int, quoting key and value
   */
  public int getInt(String key, int defaultValue) {
    Found f = find(key);
    if (f == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(f.value);
    } catch (NumberFormatException e) {
      throw invalid(key, f, "a whole number such as 3 or -1", e);
    }
  }

  /**
   * Returns a long value.
   *
   * @param key a key relative to this view
   * @param defaultValue the value when the key is absent
   * @return the value
   * @throws MemoConfigurationException if the value is not a decimal long, quoting key and value
   */
  public long getLong(String key, long defaultValue) {
    Found f = find(key);
    if (f == null) {
      return defaultValue;
    }
    try {
      return Long.parseLong(f.value);
    } catch (NumberFormatException e) {
      throw invalid(key, f, "a whole number such as 1000", e);
    }
  }

  /**
   * Returns a boolean value: {@code true} or {@code false}, any case.
   *
   * @param key a key relative to this view
   * @param defaultValue the value when the key is absent
   * @return the value
   * @throws MemoConfigurationException if the value is neither, quoting key and value
   */
  public boolean getBoolean(String key, boolean defaultValue) {
    Found f = find(key);
    if (f == null) {
      return defaultValue;
    }
    if (f.value.equalsIgnoreCase("true")) {
      return true;
    }
    if (f.value.equalsIgnoreCase("false")) {
      return false;
    }
    throw invalid(key, f, "true or false", new IllegalArgumentException());
  }

  /**
   * Returns a size in bytes: a number with an optional binary unit, {@code 1048576}, {@code
   * 512KiB}, {@code 64MiB}, {@code 2GiB} ({@code k}, {@code KB}, {@code M}, {@code MB}, … are read
   * as the same powers of 1024).
   *
   * @param key a key relative to this view
   * @param defaultValue the value when the key is absent
   * @return the size in bytes, at least 0
   * @throws MemoConfigurationException if the value is not such a size, quoting key and value
   */
  public long getBytes(String key, long defaultValue) {
    Found f = find(key);
    if (f == null) {
      return defaultValue;
    }
    try {
      return bytes(f.value);
    } catch (IllegalArgumentException e) {
      throw invalid(key, f, "a size in bytes such as 1048576, 512KiB, 64MiB or 2GiB", e);
    }
  }

  /** A size such as {@code 64MiB} in bytes; an IllegalArgumentException if it is none. */
  private static long bytes(String v) {
    Matcher m = Shapes.SIZE.matcher(v);
    if (!m.matches()) {
      throw new IllegalArgumentException();
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    int shift;
    switch (unit.charAt(0)) {
      case 'k':
        shift = 10;
        break;
      case 'm':
        shift = 20;
        break;
      case 'g':
        shift = 30;
        break;
      case 't':
        shift = 40;
        break;
      default:
        shift = 0;
    }
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException();
    }
    return n << shift;
  }

  /**
   * Returns a duration: a number with a unit, {@code 500ms}, {@code 30s}, {@code 15m}, {@code 12h},
   * {@code 7d}, or an ISO-8601 duration such as {@code PT1H30M}.
   *
   * @param key a key relative to this view
   * @param defaultValue the value when the key is absent
   * @return the duration
   * @throws MemoConfigurationException if the value is not such a duration, quoting key and value
   */
  public @Nullable Duration getDuration(String key, @Nullable Duration defaultValue) {
    Found f = find(key);
    if (f == null) {
      return defaultValue;
    }
    try {
      return duration(f.value);
    } catch (IllegalArgumentException e) {
      throw invalid(key, f, "a duration such as 500ms, 30s, 15m, 12h, 7d or PT1H30M", e);
    }
  }

  /**
   * A duration such as {@code 30s} or {@code PT1H30M}; an IllegalArgumentException if it is none.
   */
  private static Duration duration(String v) {
    Matcher m = Shapes.DURATION.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "ms":
          return Duration.ofMillis(n);
        case "s":
          return Duration.ofSeconds(n);
        case "m":
          return Duration.ofMinutes(n);
        case "h":
          return Duration.ofHours(n);
        default:
          return Duration.ofDays(n);
      }
    }
    try {
      return Duration.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * Returns a file system path.
   *
   * @param key a key relative to this view
   * @param defaultValue the value when the key is absent
   * @return the path
   * @throws MemoConfigurationException if the value is not a valid path, quoting key and value
   */
  public @Nullable Path getPath(String key, @Nullable Path defaultValue) {
    Found f = find(key);
    if (f == null) {
      return defaultValue;
    }
    try {
      return Path.of(f.value);
    } catch (InvalidPathException e) {
      throw invalid(key, f, "a file system path", new IllegalArgumentException(e));
    }
  }

  /**
   * Returns a comma-separated list, each item trimmed, empty items dropped.
   *
   * @param key a key relative to this view
   * @return the items, empty when the key is absent
   */
  public List<String> getList(String key) {
    Found f = find(key);
    if (f == null) {
      return List.of();
    }
    List<String> items = new ArrayList<>();
    for (String item : f.value.split(",")) {
      String trimmed = item.trim();
      if (!trimmed.isEmpty()) {
        items.add(trimmed);
      }
    }
    return List.copyOf(items);
  }

  /**
   * Returns one of a fixed set of lower-case words, such as a mode name.
   *
   * @param key a key relative to this view
   * @param defaultValue the value when the key is absent
   * @param allowed the words accepted
   * @return the value, lower case
   * @throws MemoConfigurationException if the value is not one of them, quoting key, value and the
   *     words
   */
  public @Nullable String getChoice(String key, @Nullable String defaultValue, String... allowed) {
    Found f = find(key);
    if (f == null) {
      return defaultValue;
    }
    String lower = f.value.toLowerCase(Locale.ROOT);
    for (String word : allowed) {
      if (word.equals(lower)) {
        return lower;
      }
    }
    throw invalid(key, f, "one of " + String.join(", ", allowed), new IllegalArgumentException());
  }

  /**
   * Returns the error for a value a caller read and found invalid, in the same form as the typed
   * getters' errors.
   *
   * @param key a key relative to this view, which must have a value
   * @param expected what a valid value looks like, such as {@code "a level from 1 to 9"}
   * @return the exception to throw
   */
  public MemoConfigurationException invalid(String key, String expected) {
    Found f = find(key);
    if (f == null) {
      throw new IllegalStateException(key(key) + " has no value");
    }
    return invalid(key, f, expected, null);
  }

  private MemoConfigurationException invalid(
      String key, Found f, String expected, @Nullable Throwable cause) {
    return new MemoConfigurationException(
        key(key) + " is " + Quote.of(f.value) + " (from " + f.source + ") but must be " + expected,
        cause);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("MemoConfig{");
    if (!prefix.isEmpty()) {
      sb.append("prefix=").append(prefix).append(", ");
    }
    sb.append("sources=[");
    for (int i = 0; i < sources.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(sources.get(i).description);
    }
    return sb.append("]}").toString();
  }
}
