package dev.memo.store.chronicle;

import dev.memo.MemoConfig;
import dev.memo.spi.Store;
import dev.memo.spi.StoreProvider;
import dev.memo.spi.support.StoreFolders;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Provides the {@code chronicle} store: entries in a memory-mapped Chronicle Map persisted under a
 * folder, shared by the processes of one host, with entries larger than {@code max-inline-bytes} as
 * files beside it, evicted least recently used first to a byte and an entry budget.
 *
 * <p>Options, relative to {@code memo.store.chronicle}:
 *
 * <ul>
 *   <li>{@code path}: the store's folder, {@code .memo-chronicle} in the working directory unless
 *       set; created when the store is.
 *   <li>{@code entries}: how many entries the first map is sized for, {@code 10000}. An estimate:
 *       more never fail, the map rolls to a larger generation.
 *   <li>{@code average-value-size}: the expected size of an entry kept in the map, {@code 1KiB}. An
 *       estimate too: larger entries never fail.
 *   <li>{@code max-inline-bytes}: entries larger than this are kept as files, {@code 16KiB}.
 *   <li>{@code max-bytes}: the byte budget, {@code 1GiB}: key, record and file bytes of all
 *       entries.
 *   <li>{@code max-entries}: the entry budget, {@code 1000000}.
 * </ul>
 *
 * <p>Creating a store checks first that the JVM was started with the flags Chronicle needs on Java
 * 17 and later, and fails with a {@link dev.memo.StoreException} that lists the missing ones
 * otherwise. It also sets {@code chronicle.analytics.disable} and {@code
 * chronicle.announcer.disable} to {@code true} unless they are set, so that Chronicle neither
 * reports usage nor prints its banner.
 *
 * <p>Stores opened on one folder in one JVM share its map, with the options of the first; close
 * each. Priority 0, above memo's own stores: adding this module makes it the default. Thread-safe;
 * cheap to construct.
 */
public final class ChronicleStoreProvider implements StoreProvider {
  /** The provider name, {@code chronicle}. */
  static final String NAME = "chronicle";

  static final String ENTRIES = "entries";
  static final String AVERAGE_VALUE_SIZE = "average-value-size";
  static final String MAX_INLINE_BYTES = "max-inline-bytes";
  static final String MAX_BYTES = "max-bytes";
  static final String MAX_ENTRIES = "max-entries";
  static final String DEFAULT_PATH = ".memo-chronicle";
  static final long DEFAULT_ENTRIES = 10_000;
  static final long DEFAULT_AVERAGE_VALUE_SIZE = 1024;
  static final long DEFAULT_MAX_INLINE_BYTES = 16 * 1024;
  static final long DEFAULT_MAX_BYTES = 1L << 30;
  static final long DEFAULT_MAX_ENTRIES = 1_000_000;

  /** The largest inline entry: far below what one Chronicle segment can hold. */
  static final long MAX_INLINE_LIMIT = 1L << 20;

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public ChronicleStoreProvider() {}

  /**
   * Returns {@code chronicle}.
   *
   * @return the name
   */
  @Override
  public String name() {
    return NAME;
  }

  /**
   * Returns the keys this provider reads: its {@code memo.store.chronicle.*} options.
   *
   * @return the full keys
   */
  @Override
  public Optional<Set<String>> configKeys() {
    return Optional.of(
        Set.of(
            key(StoreFolders.PATH),
            key(ENTRIES),
            key(AVERAGE_VALUE_SIZE),
            key(MAX_INLINE_BYTES),
            key(MAX_BYTES),
            key(MAX_ENTRIES)));
  }

  /**
   * Creates a store on the folder {@code path}, creating or recovering its map.
   *
   * @param config the configuration scoped to {@code memo.store.chronicle}
   * @return a new store; close it to unmap the files
   * @throws dev.memo.MemoConfigurationException if an option is invalid, quoting key and value
   * @throws dev.memo.StoreException if the JVM lacks the flags Chronicle needs, listing them, or
   *     the folder cannot be used
   */
  @Override
  public Store create(MemoConfig config) {
    Options options = options(config);
    JvmAccess.check();
    // Before Chronicle's classes initialize: they read these once.
    setIfAbsent("chronicle.analytics.disable", "true");
    setIfAbsent("chronicle.announcer.disable", "true");
    return new ChronicleStore(SharedMap.acquire(options));
  }

  static Options options(MemoConfig config) {
    Path root = StoreFolders.root(config, DEFAULT_PATH);
    long entries =
        positive(
            config,
            ENTRIES,
            config.getLong(ENTRIES, DEFAULT_ENTRIES),
            Long.MAX_VALUE,
            "a whole number of at least 1, such as 10000");
    long average =
        positive(
            config,
            AVERAGE_VALUE_SIZE,
            config.getBytes(AVERAGE_VALUE_SIZE, DEFAULT_AVERAGE_VALUE_SIZE),
            MAX_INLINE_LIMIT,
            "a size from 1 byte to 1MiB, such as 1KiB");
    long inline =
        positive(
            config,
            MAX_INLINE_BYTES,
            config.getBytes(MAX_INLINE_BYTES, DEFAULT_MAX_INLINE_BYTES),
            MAX_INLINE_LIMIT,
            "a size from 1 byte to 1MiB, such as 16KiB");
    long maxBytes =
        positive(
            config,
            MAX_BYTES,
            config.getBytes(MAX_BYTES, DEFAULT_MAX_BYTES),
            Long.MAX_VALUE,
            "a size of at least 1 byte, such as 1GiB");
    long maxEntries =
        positive(
            config,
            MAX_ENTRIES,
            config.getLong(MAX_ENTRIES, DEFAULT_MAX_ENTRIES),
            Long.MAX_VALUE,
            "a whole number of at least 1, such as 1000000");
    return new Options(root, entries, (int) average, (int) inline, maxBytes, maxEntries);
  }

  private static long positive(
      MemoConfig config, String key, long value, long max, String expected) {
    if (value < 1 || value > max) {
      throw config.invalid(key, expected);
    }
    return value;
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  private static String key(String relative) {
    return "memo.store." + NAME + "." + relative;
  }
}
