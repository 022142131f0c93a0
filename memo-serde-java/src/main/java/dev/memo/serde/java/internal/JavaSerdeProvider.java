package dev.memo.serde.java.internal;

import dev.memo.MemoConfig;
import dev.memo.serde.java.AllowListFilter;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;
import java.util.Optional;
import java.util.Set;

/**
 * Provides the {@code java} serde: plain Java serialization, read through an allow-list filter.
 * Priority -100, so that any serde added to the class path wins when none is chosen by name.
 *
 * <p>Configuration, shared with {@code java-gzip} (see {@link AllowListFilter}):
 *
 * <ul>
 *   <li>{@code memo.serde.java.allow}: comma-separated classes ({@code com.example.Point}),
 *       packages ({@code com.example.model.*}) and package trees ({@code com.example.**}) that
 *       payloads may name besides JDK values and collections, enums and records; empty by default;
 *   <li>{@code memo.serde.java.max-depth}: deepest nesting of objects, default 100;
 *   <li>{@code memo.serde.java.max-refs}: most object references, default 10000000;
 *   <li>{@code memo.serde.java.max-array-length}: longest array, default 2147483639.
 * </ul>
 *
 * <p>Thread-safe; constructing it does nothing.
 */
public final class JavaSerdeProvider implements SerdeProvider {
  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public JavaSerdeProvider() {}

  /**
   * Returns {@code java}.
   *
   * @return the name
   */
  @Override
  public String name() {
    return JavaSerde.NAME;
  }

  /**
   * Returns -100: a fallback that any added serde outranks.
   *
   * @return the priority
   */
  @Override
  public int priority() {
    return -100;
  }

  /**
   * Returns the keys this provider reads: the filter's {@code memo.serde.java.*} keys.
   *
   * @return the full keys
   */
  @Override
  public Optional<Set<String>> configKeys() {
    return Optional.of(AllowListFilter.keys());
  }

  /**
   * Creates the serde.
   *
   * @param config the configuration scoped to {@code memo.serde.java}
   * @return a new serde
   * @throws dev.memo.MemoConfigurationException if a {@code memo.serde.java.*} value is invalid
   */
  @Override
  public Serde create(MemoConfig config) {
    return new JavaSerde(AllowListFilter.of(config));
  }
}
