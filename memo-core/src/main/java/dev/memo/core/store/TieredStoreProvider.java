package dev.memo.core.store;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.core.config.ProviderSelector;
import dev.memo.spi.Store;
import dev.memo.spi.StoreProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Provides the {@code tiered} store: other stores in layers, nearest first, such as a {@code
 * directory} store in front of a {@code redis} one shared by a cluster (see {@link TieredStore}).
 *
 * <p>Option, relative to {@code memo.store.tiered}: {@code layers}, the store providers' names,
 * comma-separated, nearest first: {@code memo.store.tiered.layers=directory,redis}. Each layer is
 * created by its provider with its usual {@code memo.store.<name>.*} keys.
 *
 * <p>Priority -1000: used only when chosen by name. Thread-safe; cheap to construct.
 */
public final class TieredStoreProvider implements StoreProvider {
  /** The provider name, {@code tiered}. */
  static final String NAME = "tiered";

  /** Option {@code memo.store.tiered.layers}: the layers' store names, nearest first. */
  static final String LAYERS = "layers";

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public TieredStoreProvider() {}

  /**
   * Returns {@code tiered}.
   *
   * @return the name
   */
  @Override
  public String name() {
    return NAME;
  }

  /**
   * Returns the one key this provider reads, {@code memo.store.tiered.layers}; each layer reads its
   * own store's keys.
   *
   * @return the full keys
   */
  @Override
  public Optional<Set<String>> configKeys() {
    return Optional.of(Set.of("memo.store.tiered." + LAYERS));
  }

  /**
   * Returns -1000: a store of stores is never the default.
   *
   * @return the priority
   */
  @Override
  public int priority() {
    return -1000;
  }

  /**
   * Creates each layer through its provider, then the tiered store over them.
   *
   * @param config the configuration scoped to {@code memo.store.tiered}; the layers read theirs
   *     from its {@linkplain MemoConfig#root() root}
   * @return a new store that owns its layers
   * @throws MemoConfigurationException if {@code layers} is unset, names {@code tiered} or one
   *     store twice, or names a store that is not on the class path
   * @throws dev.memo.MemoException if a layer cannot be created; the layers created before it are
   *     closed
   */
  @Override
  public Store create(MemoConfig config) {
    List<String> names = config.getList(LAYERS);
    if (names.isEmpty()) {
      throw new MemoConfigurationException(
          config.key(LAYERS)
              + " is not set; list the stores"
              + " nearest first, such as "
              + config.key(LAYERS)
              + "=directory,redis");
    }
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (name.equals(NAME)) {
        throw config.invalid(
            LAYERS, "store names other than tiered, nearest first, such as" + " directory,redis");
      }
      if (!seen.add(name)) {
        throw config.invalid(
            LAYERS, "store names, each at most once, nearest first, such as" + " directory,redis");
      }
    }
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    var stores =
        ProviderSelector.load(
            StoreProvider.class,
            "store",
            loader != null ? loader : TieredStoreProvider.class.getClassLoader());
    String source = config.key(LAYERS) + " is \"" + String.join(",", names) + "\"";
    List<Store> layers = new ArrayList<>();
    try {
      for (String name : names) {
        layers.add(stores.create(stores.named(source, name), config.root()));
      }
    } catch (RuntimeException e) {
      layers.forEach(TieredStoreProvider::closeQuietly);
      throw e;
    }
    return new TieredStore(layers);
  }

  private static void closeQuietly(Store store) {
    try {
      store.close();
    } catch (RuntimeException e) {
      // the creation failure is the one to report
    }
  }
}
