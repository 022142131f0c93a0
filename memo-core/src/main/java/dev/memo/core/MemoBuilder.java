package dev.memo.core;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.core.config.ConfigLoader;
import dev.memo.core.config.Providers;
import dev.memo.spi.Serde;
import dev.memo.spi.Signer;
import dev.memo.spi.Store;
import dev.memo.spi.TypeSigner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * The builder of a {@link Memo}, in its own file: the public options of {@link Memo.Builder} (its
 * only subclass, so that users keep writing {@code Memo.Builder}), each settable once, and the
 * choice they lead to. {@link #build()} reads the configuration and picks the engine, as Caffeine's
 * builder picks its cache class: a {@link MemoEngine}, or with {@link MemoConfig#ENABLED} {@code
 * false} a {@link PassThroughEngine}. Not thread-safe.
 */
abstract class MemoBuilder {
  final Map<String, String> values = new LinkedHashMap<>();
  final List<TypeSigner<?>> typeSigners = new ArrayList<>();
  Store store;
  String storeName;
  Serde serde;
  String serdeName;
  Signer signer;
  String signerName;
  ClassLoader classLoader;
  Map<String, String> environment = System.getenv();
  Properties systemProperties = System.getProperties();

  MemoBuilder() {}

  /**
   * Uses this store instance; the caller keeps ownership and closes it.
   *
   * @param store the store
   * @return this builder
   * @throws IllegalStateException if a store was already chosen
   */
  public Memo.Builder store(Store store) {
    requireUnset(this.store == null && storeName == null, "store");
    this.store = Objects.requireNonNull(store, "store");
    return self();
  }

  /**
   * Uses the store provider with this name, overriding {@code memo.store}.
   *
   * @param name a provider name such as {@code directory}, {@code memory}
   * @return this builder
   * @throws IllegalStateException if a store was already chosen
   */
  public Memo.Builder store(String name) {
    requireUnset(this.store == null && storeName == null, "store");
    this.storeName = Objects.requireNonNull(name, "name");
    return self();
  }

  /**
   * Uses this serde instance for writing.
   *
   * @param serde the serde
   * @return this builder
   * @throws IllegalStateException if a serde was already chosen
   */
  public Memo.Builder serde(Serde serde) {
    requireUnset(this.serde == null && serdeName == null, "serde");
    this.serde = Objects.requireNonNull(serde, "serde");
    return self();
  }

  /**
   * Uses the serde provider with this name, overriding {@code memo.serde}.
   *
   * @param name a provider name such as {@code java}, {@code java-gzip}
   * @return this builder
   * @throws IllegalStateException if a serde was already chosen
   */
  public Memo.Builder serde(String name) {
    requireUnset(this.serde == null && serdeName == null, "serde");
    this.serdeName = Objects.requireNonNull(name, "name");
    return self();
  }

  /**
   * Uses this signer instance.
   *
   * @param signer the signer
   * @return this builder
   * @throws IllegalStateException if a signer was already chosen
   */
  public Memo.Builder signer(Signer signer) {
    requireUnset(this.signer == null && signerName == null, "signer");
    this.signer = Objects.requireNonNull(signer, "signer");
    return self();
  }

  /**
   * Uses the signer provider with this name, overriding {@code memo.signer}.
   *
   * @param name a provider name such as {@code sha256}, {@code xxh3-128}
   * @return this builder
   * @throws IllegalStateException if a signer was already chosen
   */
  public Memo.Builder signer(String name) {
    requireUnset(this.signer == null && signerName == null, "signer");
    this.signerName = Objects.requireNonNull(name, "name");
    return self();
  }

  /**
   * Sets a configuration value, taking precedence over system properties, the environment and
   * {@code memo.properties}.
   *
   * @param key a full key starting with {@code memo.}, such as {@code memo.store.directory.path}
   * @param value the value
   * @return this builder
   * @throws MemoConfigurationException if the key does not start with {@code memo.}
   * @throws IllegalStateException if the key was already set
   */
  public Memo.Builder config(String key, String value) {
    Objects.requireNonNull(value, "value");
    if (!key.startsWith("memo.")) {
      throw new MemoConfigurationException(
          "configuration key \""
              + key
              + "\" does not start with \"memo.\"; use full keys such as"
              + " memo.store.directory.path");
    }
    requireUnset(!values.containsKey(key), "configuration key " + key);
    values.put(key, value);
    return self();
  }

  /**
   * Sets several configuration values; see {@link #config(String, String)}.
   *
   * @param values full keys to values
   * @return this builder
   */
  public Memo.Builder config(Map<String, String> values) {
    values.forEach(this::config);
    return self();
  }

  /**
   * Adds a signer for an argument type, beside those found by {@link java.util.ServiceLoader}.
   *
   * @param typeSigner the type signer
   * @return this builder
   */
  public Memo.Builder typeSigner(TypeSigner<?> typeSigner) {
    typeSigners.add(Objects.requireNonNull(typeSigner, "typeSigner"));
    return self();
  }

  /**
   * Sets the class loader that providers and {@code memo.properties} are looked up with; the
   * thread's context class loader by default.
   *
   * @param loader the class loader
   * @return this builder
   * @throws IllegalStateException if it was already set
   */
  public Memo.Builder classLoader(ClassLoader loader) {
    requireUnset(classLoader == null, "class loader");
    this.classLoader = Objects.requireNonNull(loader, "loader");
    return self();
  }

  Memo.Builder environment(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
    return self();
  }

  Memo.Builder systemProperties(Properties properties) {
    this.systemProperties = properties;
    return self();
  }

  private static void requireUnset(boolean unset, String what) {
    if (!unset) {
      throw new IllegalStateException(what + " was already set on this builder");
    }
  }

  /**
   * Builds a memoizer: reads the configuration, selects and creates the providers.
   *
   * @return the memoizer; close it to release its store
   * @throws MemoConfigurationException if the configuration or the providers are invalid
   */
  public Memo build() {
    return new Memo(engine());
  }

  /** Reads the configuration and makes the engine it asks for. */
  private Engine engine() {
    Preload.startOnce(); // the first memoizer of a JVM: what its first hit will need, ahead of it
    ClassLoader loader = classLoader != null ? classLoader : defaultLoader();
    MemoConfig config = ConfigLoader.load(values, loader, environment, systemProperties);
    Providers providers = Providers.discover(loader); // once: for the key check and the engine
    ConfigLoader.checkKeys(config, providers);
    if (!config.getBoolean(MemoConfig.ENABLED, true)) {
      return new PassThroughEngine(config);
    }
    return new MemoEngine(this, config, loader, providers);
  }

  private static ClassLoader defaultLoader() {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    return l != null ? l : Memo.class.getClassLoader();
  }

  /** This builder as what the options return: every instance is a {@link Memo.Builder}. */
  private Memo.Builder self() {
    return (Memo.Builder) this;
  }
}
