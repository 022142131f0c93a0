package dev.memo.core.config;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.MemoException;
import dev.memo.spi.Provider;
import dev.memo.spi.Quote;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * Finds the providers of one kind and picks one: an instance given to the builder; else a name from
 * the builder or the configuration; else the highest priority. Every way this can go wrong is an
 * error that says what to do.
 *
 * @param <P> the provider interface
 * @param <T> what the providers create
 */
public final class ProviderSelector<P extends Provider<T>, T> {
  /** Provider names memo's own modules define, and the artifact to add for each. */
  private static final Map<String, String> KNOWN_MODULES =
      Map.ofEntries(
          Map.entry("directory", "dev.memo:memo-core"),
          Map.entry("memory", "dev.memo:memo-core"),
          Map.entry("sha256", "dev.memo:memo-core"),
          Map.entry("xxh3-128", "dev.memo:memo-core"),
          Map.entry("java", "dev.memo:memo-serde-java"),
          Map.entry("java-gzip", "dev.memo:memo-serde-java"),
          Map.entry("zstd", "dev.memo:memo-serde-zstd"),
          Map.entry("chronicle", "dev.memo:memo-store-chronicle"),
          Map.entry("tiered", "dev.memo:memo-core"),
          Map.entry("redis", "dev.memo:memo-store-redis"),
          Map.entry("kryo", "dev.memo:memo-serde-kryo"),
          Map.entry("kryo-zstd", "dev.memo:memo-serde-kryo"));

  private final Class<P> type;
  private final String kind;
  private final String key;
  private final Map<String, P> byName;

  private ProviderSelector(Class<P> type, String kind, String key, Map<String, P> byName) {
    this.type = type;
    this.kind = kind;
    this.key = key;
    this.byName = byName;
  }

  /**
   * Loads every provider of a kind.
   *
   * @param <P> the provider interface
   * @param <T> what the providers create
   * @param type the provider interface
   * @param kind the kind's word, {@code store}, {@code serde} or {@code signer}
   * @param loader where to look
   * @return the selector
   * @throws MemoConfigurationException if a provider fails to load, has an invalid name, or shares
   *     its name with another
   */
  public static <P extends Provider<T>, T> ProviderSelector<P, T> load(
      Class<P> type, String kind, ClassLoader loader) {
    String key = "memo." + kind;
    Map<String, P> byName = new LinkedHashMap<>();
    Iterator<P> it = ServiceLoader.load(type, loader).iterator();
    while (true) {
      P p;
      try {
        if (!it.hasNext()) {
          break;
        }
        p = it.next();
      } catch (ServiceConfigurationError e) {
        throw new MemoConfigurationException(
            "a "
                + kind
                + " provider failed to load: "
                + rootMessage(e)
                + "; fix it or remove its entry from META-INF/services/"
                + type.getName()
                + " (or its provides clause in module-info)",
            e);
      }
      String name;
      try {
        name = p.name();
      } catch (RuntimeException e) {
        throw new MemoConfigurationException(
            kind + " provider " + p.getClass().getName() + " failed to report its name: " + e, e);
      }
      if (name == null || !isTag(name)) {
        throw new MemoConfigurationException(
            kind
                + " provider "
                + p.getClass().getName()
                + " has the invalid name \""
                + name
                + "\"; names are lower-case letters and digits separated by single dashes");
      }
      P previous = byName.putIfAbsent(name, p);
      if (previous != null) {
        if (previous.getClass() == p.getClass()) {
          continue; // one class registered twice (class path and module path, or two jars' copies)
        }
        throw new MemoConfigurationException(
            "two "
                + kind
                + " providers are named \""
                + name
                + "\": "
                + previous.getClass().getName()
                + " and "
                + p.getClass().getName()
                + "; remove one of them from the class path");
      }
    }
    return new ProviderSelector<>(type, kind, key, byName);
  }

  /**
   * Returns the artifact of memo's own that provides a name, for messages.
   *
   * @param name a provider name
   * @return the artifact, such as {@code dev.memo:memo-store-redis}, or empty if memo has none
   */
  static Optional<String> moduleOf(String name) {
    return Optional.ofNullable(KNOWN_MODULES.get(name));
  }

  /**
   * @return the kind's word, {@code store}, {@code serde} or {@code signer}
   */
  String kind() {
    return kind;
  }

  /**
   * @return the provider names found, in discovery order
   */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /**
   * Returns the provider with this name.
   *
   * @param name a provider name
   * @return the provider, if present
   */
  public Optional<P> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * Picks the provider to use.
   *
   * @param builderName a name given to the builder, or null
   * @param config the configuration, read for {@code memo.<kind>}
   * @return the chosen provider
   * @throws MemoConfigurationException if the name is unknown, there is no provider, or two share
   *     the highest priority
   */
  public P select(@Nullable String builderName, MemoConfig config) {
    String source;
    String name;
    if (builderName != null) {
      name = builderName;
      source = key + " is " + Quote.of(name) + " (from the builder)";
    } else {
      name = config.get(key).orElse(null);
      source = name == null ? null : key + " is " + Quote.of(name);
    }
    if (name != null) {
      return named(source, name);
    }
    if (byName.isEmpty()) {
      throw new MemoConfigurationException(
          "no "
              + kind
              + " provider is on the class path; add "
              + defaultModule()
              + " or another module that provides one");
    }
    // The first of the highest priority, in discovery order; a plain loop, since this runs at
    // every start and a stream would load its machinery for one short list.
    P top = null;
    for (P p : byName.values()) {
      if (top == null || p.priority() > top.priority()) {
        top = p;
      }
    }
    List<P> tied = new ArrayList<>();
    for (P p : byName.values()) {
      if (p.priority() == top.priority()) {
        tied.add(p);
      }
    }
    if (tied.size() > 1) {
      throw new MemoConfigurationException(
          "no "
              + key
              + " is set and "
              + kind
              + " providers "
              + quotedNames(tied)
              + " share the highest priority "
              + top.priority()
              + "; choose one, for example "
              + key
              + "="
              + tied.get(0).name());
    }
    return top;
  }

  /**
   * Returns the provider with this name, or fails saying which module to add.
   *
   * @param source where the name came from, for the message: {@code memo.policy.disk.store is
   *     "redis"}
   * @param name the provider's name
   * @return the provider
   * @throws MemoConfigurationException if no provider has the name
   */
  public P named(String source, String name) {
    P p = byName.get(name);
    if (p == null) {
      String module = KNOWN_MODULES.get(name);
      throw new MemoConfigurationException(
          source
              + " but no "
              + kind
              + " provider named "
              + Quote.of(name)
              + " is on the class path; "
              + (module != null ? "add " + module : "add the module that provides it")
              + " (available: "
              + available()
              + ")");
    }
    return p;
  }

  /**
   * Creates an instance from a provider, with the configuration scoped to it.
   *
   * @param provider the provider
   * @param config the root configuration
   * @return the instance
   * @throws MemoException if the provider fails
   */
  public T create(P provider, MemoConfig config) {
    T t;
    try {
      t = provider.create(config.scoped(key + "." + provider.name()));
    } catch (MemoException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new MemoConfigurationException(
          kind
              + " provider \""
              + provider.name()
              + "\" ("
              + provider.getClass().getName()
              + ") failed to create its "
              + kind
              + ": "
              + e,
          e);
    }
    if (t == null) {
      throw new MemoConfigurationException(
          kind
              + " provider \""
              + provider.name()
              + "\" ("
              + provider.getClass().getName()
              + ") returned null from create");
    }
    return t;
  }

  private static String quotedNames(List<? extends Provider<?>> providers) {
    StringBuilder sb = new StringBuilder();
    for (Provider<?> p : providers) {
      sb.append(sb.length() == 0 ? "\"" : ", \"").append(p.name()).append('"');
    }
    return sb.toString();
  }

  /**
   * Whether a name is lower-case letters and digits in groups separated by single dashes: {@code
   * [a-z0-9]+(-[a-z0-9]+)*}, checked by hand so that a start compiles no regular expression.
   *
   * @param name the name
   * @return whether it is a valid provider or tag name
   */
  static boolean isTag(String name) {
    int n = name.length();
    if (n == 0 || name.charAt(0) == '-' || name.charAt(n - 1) == '-') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (c == '-') {
        if (name.charAt(i - 1) == '-') {
          return false;
        }
      } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }

  private String available() {
    return byName.isEmpty() ? "none" : String.join(", ", byName.keySet());
  }

  private String defaultModule() {
    switch (kind) {
      case "serde":
        return "dev.memo:memo-serde-java";
      default:
        return "dev.memo:memo-core";
    }
  }

  private static String rootMessage(Throwable e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      sb.append(": ").append(c);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return type.getSimpleName() + byName.keySet();
  }
}
