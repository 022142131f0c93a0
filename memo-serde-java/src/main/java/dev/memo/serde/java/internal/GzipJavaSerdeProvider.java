package dev.memo.serde.java.internal;

import dev.memo.MemoConfig;
import dev.memo.serde.java.AllowListFilter;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;
import java.util.Optional;
import java.util.Set;

/**
 * Provides the {@code java-gzip} serde: Java serialization compressed with gzip, read through the
 * same allow-list filter as {@code java}. Priority -200, below {@code java}: compression costs time
 * on every write and pays only for large, redundant results, so it is chosen by name.
 *
 * <p>Configuration:
 *
 * <ul>
 *   <li>{@code memo.serde.java-gzip.level}: the deflate level, 1 (fastest) to 9 (smallest), default
 *       6;
 *   <li>the filter's {@code memo.serde.java.*} keys, shared with {@code java}: see {@link
 *       JavaSerdeProvider} and {@link AllowListFilter}.
 * </ul>
 *
 * <p>Thread-safe; constructing it does nothing.
 */
public final class GzipJavaSerdeProvider implements SerdeProvider {
  /** The key of the deflate level, relative to {@code memo.serde.java-gzip}. */
  static final String LEVEL = "level";

  /** The deflate level used unless configured. */
  static final int DEFAULT_LEVEL = 6;

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public GzipJavaSerdeProvider() {}

  /**
   * Returns {@code java-gzip}.
   *
   * @return the name
   */
  @Override
  public String name() {
    return GzipJavaSerde.NAME;
  }

  /**
   * Returns -200: below {@code java}, so gzip is used only when chosen by name.
   *
   * @return the priority
   */
  @Override
  public int priority() {
    return -200;
  }

  /**
   * Returns the keys this provider reads: {@code memo.serde.java-gzip.level} and the filter's
   * {@code memo.serde.java.*} keys.
   *
   * @return the full keys
   */
  @Override
  public Optional<Set<String>> configKeys() {
    return Optional.of(keys());
  }

  /**
   * Creates the serde.
   *
   * @param config the configuration scoped to {@code memo.serde.java-gzip}
   * @return a new serde
   * @throws dev.memo.MemoConfigurationException if the level or a {@code memo.serde.java.*} value
   *     is invalid, quoting the key and the value
   */
  @Override
  public Serde create(MemoConfig config) {
    return new GzipJavaSerde(AllowListFilter.of(config), level(config));
  }

  private static int level(MemoConfig config) {
    String raw = config.get(LEVEL).orElse(null);
    if (raw == null) {
      return DEFAULT_LEVEL;
    }
    try {
      int level = Integer.parseInt(raw);
      if (level >= 1 && level <= 9) {
        return level;
      }
    } catch (NumberFormatException e) {
      // reported below, in the same words as an out-of-range level
    }
    throw config.invalid(LEVEL, "a whole number from 1 (fastest) to 9 (smallest)");
  }

  private static Set<String> keys() {
    Set<String> keys = new java.util.HashSet<>(AllowListFilter.keys());
    keys.add("memo.serde." + GzipJavaSerde.NAME + "." + LEVEL);
    return Set.copyOf(keys);
  }
}
