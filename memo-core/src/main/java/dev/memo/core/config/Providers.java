package dev.memo.core.config;

import dev.memo.MemoConfigurationException;
import dev.memo.spi.SerdeProvider;
import dev.memo.spi.SignerProvider;
import dev.memo.spi.StoreProvider;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The store, serde and signer providers on a class loader, discovered once per memoizer: the key
 * check and the engine both read them, and a {@link java.util.ServiceLoader} pass costs a start
 * tens of milliseconds. A kind whose discovery failed keeps its error, thrown when that kind is
 * asked for and left out of the key check, as if each had discovered it alone.
 *
 * <p>Not thread-safe; built and read by the thread that builds the memoizer. Never null.
 */
public final class Providers {
  private final @Nullable ProviderSelector<StoreProvider, dev.memo.spi.Store> stores;
  private final @Nullable ProviderSelector<SerdeProvider, dev.memo.spi.Serde> serdes;
  private final @Nullable ProviderSelector<SignerProvider, dev.memo.spi.Signer> signers;
  private final @Nullable MemoConfigurationException storeError;
  private final @Nullable MemoConfigurationException serdeError;
  private final @Nullable MemoConfigurationException signerError;

  private Providers(ClassLoader loader) {
    ProviderSelector<StoreProvider, dev.memo.spi.Store> st = null;
    ProviderSelector<SerdeProvider, dev.memo.spi.Serde> se = null;
    ProviderSelector<SignerProvider, dev.memo.spi.Signer> si = null;
    MemoConfigurationException stE = null;
    MemoConfigurationException seE = null;
    MemoConfigurationException siE = null;
    try {
      st = ProviderSelector.load(StoreProvider.class, "store", loader);
    } catch (MemoConfigurationException e) {
      stE = e;
    }
    try {
      se = ProviderSelector.load(SerdeProvider.class, "serde", loader);
    } catch (MemoConfigurationException e) {
      seE = e;
    }
    try {
      si = ProviderSelector.load(SignerProvider.class, "signer", loader);
    } catch (MemoConfigurationException e) {
      siE = e;
    }
    this.stores = st;
    this.serdes = se;
    this.signers = si;
    this.storeError = stE;
    this.serdeError = seE;
    this.signerError = siE;
  }

  /**
   * Discovers the providers of every kind on a class loader.
   *
   * @param loader the class loader to search
   * @return the providers found, or each kind's discovery error
   */
  public static Providers discover(ClassLoader loader) {
    return new Providers(loader);
  }

  /**
   * Returns the store providers.
   *
   * @return the store providers
   * @throws MemoConfigurationException if a store provider failed to load
   */
  public ProviderSelector<StoreProvider, dev.memo.spi.Store> stores() {
    return found(stores, storeError);
  }

  /**
   * Returns the serde providers.
   *
   * @return the serde providers
   * @throws MemoConfigurationException if a serde provider failed to load
   */
  public ProviderSelector<SerdeProvider, dev.memo.spi.Serde> serdes() {
    return found(serdes, serdeError);
  }

  /**
   * Returns the signer providers.
   *
   * @return the signer providers
   * @throws MemoConfigurationException if a signer provider failed to load
   */
  public ProviderSelector<SignerProvider, dev.memo.spi.Signer> signers() {
    return found(signers, signerError);
  }

  /** The kinds that loaded and have at least one provider, in the order store, serde, signer. */
  List<ProviderSelector<?, ?>> listed() {
    List<ProviderSelector<?, ?>> all = new ArrayList<>(3);
    addIfNamed(all, stores);
    addIfNamed(all, serdes);
    addIfNamed(all, signers);
    return all;
  }

  private static void addIfNamed(
      List<ProviderSelector<?, ?>> all, @Nullable ProviderSelector<?, ?> selector) {
    if (selector != null && !selector.names().isEmpty()) {
      all.add(selector);
    }
  }

  private static <S> S found(@Nullable S selector, @Nullable MemoConfigurationException error) {
    if (selector == null) {
      throw error;
    }
    return selector;
  }
}
