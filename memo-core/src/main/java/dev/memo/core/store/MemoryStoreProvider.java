package dev.memo.core.store;

import dev.memo.MemoConfig;
import dev.memo.spi.Store;
import dev.memo.spi.StoreProvider;
import java.util.Optional;
import java.util.Set;

/**
 * Provides the {@code memory} store: entries kept in this process only, in a cache bounded by their
 * total size. Useful for tests and for runs whose results need not outlive them.
 *
 * <p>Option, relative to {@code memo.store.memory}: {@code max-bytes}, the most bytes of entries to
 * keep, {@code 256MiB} unless set; sizes such as {@code 1048576}, {@code 512KiB} or {@code 2GiB}
 * are accepted.
 *
 * <p>Priority -200, the lowest of memo's stores. Thread-safe; cheap to construct.
 */
public final class MemoryStoreProvider implements StoreProvider {
  /** The provider name, {@code memory}. */
  static final String NAME = "memory";

  /** Option {@code memo.store.memory.max-bytes}: the most bytes of entries to keep. */
  static final String MAX_BYTES = "max-bytes";

  /** The full key of {@link #MAX_BYTES}, for messages. */
  static final String MAX_BYTES_KEY = "memo.store.memory.max-bytes";

  /** The bound unless {@value #MAX_BYTES} is set: 256 MiB. */
  static final long DEFAULT_MAX_BYTES = 256L << 20;

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public MemoryStoreProvider() {}

  /**
   * Returns {@code memory}.
   *
   * @return the name
   */
  @Override
  public String name() {
    return NAME;
  }

  /**
   * Returns -200, below the {@code directory} store, so that memory is used only when chosen.
   *
   * @return the priority
   */
  @Override
  public int priority() {
    return -200;
  }

  /**
   * Returns the keys this provider reads: {@code memo.store.memory.max-bytes}.
   *
   * @return the full keys
   */
  @Override
  public Optional<Set<String>> configKeys() {
    return Optional.of(Set.of(MAX_BYTES_KEY));
  }

  /**
   * Creates an empty memory store.
   *
   * @param config the configuration scoped to {@code memo.store.memory}
   * @return a new store
   * @throws dev.memo.MemoConfigurationException if {@code max-bytes} is not a size, quoting the key
   *     and the value
   */
  @Override
  public Store create(MemoConfig config) {
    return new MemoryStore(config.getBytes(MAX_BYTES, DEFAULT_MAX_BYTES));
  }
}
