package dev.memo.spi;

import dev.memo.MemoConfig;
import java.util.Optional;
import java.util.Set;

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
   * Returns the configuration keys this provider reads, so that memo can report a key nobody reads
   * (a misspelling) when a memoizer is built. Full keys, such as {@code memo.store.directory.path};
   * a key ending in {@code .*} stands for every key under it. Keys outside the provider's scope may
   * be listed (a serde sharing another's options); memo's own keys need not be. A key in the
   * provider's scope ({@code memo.store.<name>.*}) that it does not list is then an error, or a
   * warning with {@code memo.config.unknown=warn}.
   *
   * @return the keys; empty (the default) when the provider does not say, and then memo accepts
   *     every key in its scope unchecked
   */
  default Optional<Set<String>> configKeys() {
    return Optional.empty();
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
