package dev.memo.core;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.core.config.ProviderSelector;
import dev.memo.spi.Quote;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;
import dev.memo.spi.Store;
import dev.memo.spi.StoreProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The policies that tags select, read from {@code memo.policy.<name>.*} when first asked for. A tag
 * has a policy when any of its keys is set; {@code disk}, {@code memory} and {@code default} always
 * have one: {@code disk} and {@code default} use the configured store and serde, {@code memory} the
 * {@code memory} store (in this process only). Stores and serdes a policy names are created once by
 * name (a name equal to the configured store's or serde's reuses it) and the stores are closed by
 * {@link #close()}. Every policy's values are checked when the memoizer is built. Thread-safe.
 */
final class Policies {
  /** The policy of functions wrapped without a tag that has one. */
  static final String DEFAULT = "default";

  /** The policy of {@code @Memoize} methods without a tag that has one. */
  static final String MEMORY = "memory";

  /** The tag whose results outlive the run, in the configured store. */
  static final String DISK = "disk";

  private static final List<String> KEYS =
      List.of("store", "serde", "ttl", "enabled", "object-tier");

  private final MemoConfig config;
  private final Store mainStore;
  private final Serde mainSerde;
  private final ProviderSelector<StoreProvider, Store> stores;
  private final ProviderSelector<SerdeProvider, Serde> serdes;
  private final Function<Store, MissRecords> records;
  private final Map<String, Route> routes = new HashMap<>();
  private final Map<String, Store> createdStores = new LinkedHashMap<>();
  private final Map<String, Serde> createdSerdes = new HashMap<>();

  Policies(
      MemoConfig config,
      Store mainStore,
      Serde mainSerde,
      ProviderSelector<StoreProvider, Store> stores,
      ProviderSelector<SerdeProvider, Serde> serdes,
      Function<Store, MissRecords> records) {
    this.config = config;
    this.mainStore = mainStore;
    this.mainSerde = mainSerde;
    this.stores = stores;
    this.serdes = serdes;
    this.records = records;
    validate();
  }

  /** The shapes of policy keys, compiled only when a policy is set. */
  private static final class Keys {
    static final Pattern KEY =
        Pattern.compile(
            Pattern.quote(MemoConfig.POLICY)
                + "\\.([a-z0-9]+(?:-[a-z0-9]+)*)\\.(store|serde|ttl|enabled|object-tier)");
    static final Pattern VARIABLE =
        Pattern.compile(
            "MEMO_POLICY_([A-Z0-9]+(?:_[A-Z0-9]+)*)_(STORE|SERDE|TTL|ENABLED|OBJECT_TIER)");
  }

  /**
   * Checks the values of every policy set in the configuration, so that a bad one fails when the
   * memoizer is built rather than when a tagged function is first wrapped: the stores and serdes
   * named must be on the class path (they are still created when first used).
   */
  private void validate() {
    Set<String> tags = new TreeSet<>();
    for (MemoConfig.Setting s : config.settings()) {
      if (!s.name().startsWith(s.environment() ? "MEMO_POLICY_" : MemoConfig.POLICY + ".")) {
        continue;
      }
      Matcher m = (s.environment() ? Keys.VARIABLE : Keys.KEY).matcher(s.name());
      if (m.matches()) {
        tags.add(
            s.environment() ? m.group(1).toLowerCase(Locale.ROOT).replace('_', '-') : m.group(1));
      }
    }
    for (String tag : tags) {
      String prefix = MemoConfig.POLICY + "." + tag + ".";
      config.getBoolean(prefix + "enabled", true);
      ttl(prefix);
      config.getBoolean(prefix + "object-tier", true);
      config
          .get(prefix + "store")
          .ifPresent(name -> stores.named(prefix + "store is " + Quote.of(name), name));
      config
          .get(prefix + "serde")
          .ifPresent(name -> serdes.named(prefix + "serde is " + Quote.of(name), name));
    }
  }

  private Duration ttl(String prefix) {
    Duration ttl = config.getDuration(prefix + "ttl", Duration.ZERO);
    if (ttl.isNegative()) {
      throw config.invalid(prefix + "ttl", "a positive duration such as 30s, 15m, 12h or 7d");
    }
    return ttl;
  }

  /**
   * The route of a function: that of its first tag with a policy, else of {@code fallback}.
   *
   * @throws MemoConfigurationException if the policy's keys are invalid or name a missing provider
   */
  Route forTags(List<String> tags, String fallback) {
    for (String tag : tags) {
      if (hasPolicy(tag)) {
        return route(tag);
      }
    }
    return route(fallback);
  }

  private boolean hasPolicy(String tag) {
    if (tag.equals(DISK) || tag.equals(MEMORY) || tag.equals(DEFAULT)) {
      return true;
    }
    for (String k : KEYS) {
      if (config.get(MemoConfig.POLICY + "." + tag + "." + k).isPresent()) {
        return true;
      }
    }
    return false;
  }

  synchronized Route route(String name) {
    Route r = routes.get(name);
    if (r == null) {
      r = create(name);
      routes.put(name, r);
    }
    return r;
  }

  private Route create(String name) {
    String prefix = MemoConfig.POLICY + "." + name + ".";
    boolean enabled = config.getBoolean(prefix + "enabled", true);
    String storeKey = prefix + "store";
    String storeName = config.get(storeKey).orElse(name.equals(MEMORY) ? MEMORY : null);
    Store store = mainStore;
    if (storeName != null && !storeName.equals(mainStore.name())) {
      store = createdStores.get(storeName);
      if (store == null) {
        String source =
            config.get(storeKey).isPresent()
                ? storeKey + " is \"" + storeName + "\""
                : "the memory policy uses the store \"memory\"";
        store = stores.create(stores.named(source, storeName), config);
        createdStores.put(storeName, store);
      }
    }
    String serdeKey = prefix + "serde";
    Serde serde = mainSerde;
    String serdeName = config.get(serdeKey).orElse(null);
    if (serdeName != null && !serdeName.equals(mainSerde.name())) {
      serde = createdSerdes.get(serdeName);
      if (serde == null) {
        serde =
            serdes.create(serdes.named(serdeKey + " is \"" + serdeName + "\"", serdeName), config);
        createdSerdes.put(serdeName, serde);
      }
    }
    Duration ttl = ttl(prefix);
    boolean objectTier = config.getBoolean(prefix + "object-tier", true);
    return new Route(name, enabled, store, serde, recordsFor(store), ttl.toMillis(), objectTier);
  }

  private final Map<Store, MissRecords> recordsByStore = new HashMap<>();

  private MissRecords recordsFor(Store store) {
    return recordsByStore.computeIfAbsent(store, records);
  }

  /** Closes the stores the policies created; the first failure is rethrown after all were tried. */
  synchronized void close() {
    RuntimeException failure = null;
    for (Store s : new ArrayList<>(createdStores.values())) {
      try {
        s.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    createdStores.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
