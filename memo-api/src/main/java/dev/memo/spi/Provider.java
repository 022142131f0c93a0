package dev.memo.spi;

import dev.memo.MemoConfig;

/**
 * What every provider has: a name, a priority, and a factory.
 *
 * @param <T> what the provider creates
 */
public interface Provider<T> {
  /**
   * Returns the provider's unique, stable name: lower case letters, digits and dashes, such as
   * {@code directory} or {@code xxh3-128}. Users select the provider by it.
   *
   * @return the name
   */
  String name();

  /**
   * Returns the priority used only when no provider of this kind was chosen by name: the highest
   * wins. memo's own fallbacks have negative priorities, so any added backend wins over them.
   *
   * @return the priority, 0 unless overridden
   */
  default int priority() {
    return 0;
  }

  /**
   * Creates an instance. Called once per memoizer that selects this provider.
   *
   * @param config the configuration scoped to this provider ({@code memo.store.<name>}, {@code
   *     memo.serde.<name>}, {@code memo.signer.<name>}); {@link MemoConfig#root()} reaches the rest
   * @return a new instance
   * @throws dev.memo.MemoConfigurationException if an option is invalid
   */
  T create(MemoConfig config);
}
