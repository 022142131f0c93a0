package dev.memo.core.store;

import dev.memo.MemoConfig;
import dev.memo.spi.Store;
import dev.memo.spi.StoreProvider;
import dev.memo.spi.support.StoreFolders;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Provides the {@code directory} store, memo's default: one file per entry under a root folder,
 * kept across runs and shareable between processes on one host.
 *
 * <p>Options, relative to {@code memo.store.directory}:
 *
 * <ul>
 *   <li>{@code path}: the root folder, {@code .memo} in the working directory unless set. Created
 *       on the first write.
 *   <li>{@code fsync}: {@code true} forces each entry and its folder to the device before a put
 *       returns, so that entries survive a power cut; {@code false} (the default) leaves that to
 *       the operating system, which is much faster and loses only the latest entries in a crash,
 *       never leaving a torn one.
 *   <li>{@code claims}: {@code true} makes processes sharing the store compute each entry once: a
 *       process about to compute an entry leaves a marker file beside it, and the others wait for
 *       the entry instead of computing it too. {@code false} by default.
 *   <li>{@code claim-timeout}: the age after which a marker is taken over even though its process
 *       may still run, {@code 10m} by default. A marker whose process on this host has died is
 *       taken over at once.
 *   <li>{@code max-bytes}: the most bytes of entry files to keep on disk (each file's size rounded
 *       up to the file system's block size), such as {@code 10GiB}; no bound unless set. The least
 *       recently used entries (last written or read) are removed first.
 *   <li>{@code max-entries}: the most entries to keep, such as {@code 100000}; no bound unless set.
 *       memo's own records (those {@code explain} reads, one per function) do not count.
 *   <li>{@code max-age}: entries neither written nor read for longer than this, such as {@code
 *       30d}, are removed; no bound unless set.
 * </ul>
 *
 * <p>With a bound, a daemon thread per store sweeps the folder (see {@code DirectorySweeper}):
 * bounds are kept within a sweep period (at most 10 minutes) of being exceeded, not at every put,
 * so that no call waits for eviction.
 *
 * <p>Priority -100: any added store wins over it unless this one is chosen by name. Thread-safe;
 * cheap to construct.
 */
public final class DirectoryStoreProvider implements StoreProvider {
  /** The provider name, {@code directory}. */
  static final String NAME = "directory";

  /** Option {@code memo.store.directory.fsync}: whether to force writes to the device. */
  static final String FSYNC = "fsync";

  /** Option {@code memo.store.directory.claims}: whether processes claim entries they compute. */
  static final String CLAIMS = "claims";

  /** Option {@code memo.store.directory.claim-timeout}: when a claim is taken over regardless. */
  static final String CLAIM_TIMEOUT = "claim-timeout";

  /** The claim timeout unless {@value #CLAIM_TIMEOUT} is set. */
  static final Duration DEFAULT_CLAIM_TIMEOUT = Duration.ofMinutes(10);

  /** Option {@code memo.store.directory.max-bytes}: the most bytes of entries to keep. */
  static final String MAX_BYTES = "max-bytes";

  /** Option {@code memo.store.directory.max-age}: the longest an unused entry is kept. */
  static final String MAX_AGE = "max-age";

  /** Option {@code memo.store.directory.max-entries}: the most entries to keep. */
  static final String MAX_ENTRIES = "max-entries";

  /** The root folder unless {@code path} is set, relative to the working directory. */
  static final String DEFAULT_PATH = ".memo";

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public DirectoryStoreProvider() {}

  /**
   * Returns {@code directory}.
   *
   * @return the name
   */
  @Override
  public String name() {
    return NAME;
  }

  /**
   * Returns -100, below any added store and above the {@code memory} store.
   *
   * @return the priority
   */
  @Override
  public int priority() {
    return -100;
  }

  /**
   * Returns the keys this provider reads: {@code memo.store.directory.} {@code path}, {@code
   * fsync}, {@code claims}, {@code claim-timeout}, {@code max-bytes} and {@code max-age}.
   *
   * @return the full keys
   */
  @Override
  public Optional<Set<String>> configKeys() {
    return Optional.of(
        Set.of(
            key(StoreFolders.PATH),
            key(FSYNC),
            key(CLAIMS),
            key(CLAIM_TIMEOUT),
            key(MAX_BYTES),
            key(MAX_AGE),
            key(MAX_ENTRIES)));
  }

  /**
   * Creates a directory store. Reads its options but touches nothing on disk: the root is created
   * on the first write, and an unusable root is reported then.
   *
   * @param config the configuration scoped to {@code memo.store.directory}
   * @return a new store
   * @throws dev.memo.MemoConfigurationException if {@code path} is not a valid path, {@code fsync}
   *     or {@code claims} is neither {@code true} nor {@code false}, {@code claim-timeout} or
   *     {@code max-age} is not a positive duration, {@code max-bytes} is not a size of at least one
   *     byte, or {@code max-entries} is not a whole number of at least 1, quoting the key and the
   *     value
   */
  @Override
  public Store create(MemoConfig config) {
    Path root = StoreFolders.root(config, DEFAULT_PATH);
    boolean fsync = config.getBoolean(FSYNC, false);
    Duration claimTimeout = config.getDuration(CLAIM_TIMEOUT, DEFAULT_CLAIM_TIMEOUT);
    if (claimTimeout.isNegative() || claimTimeout.isZero()) {
      throw config.invalid(CLAIM_TIMEOUT, "a positive duration such as 30s or 10m");
    }
    DirectoryClaims claims =
        config.getBoolean(CLAIMS, false) ? new DirectoryClaims(claimTimeout) : null;
    long maxBytes = config.getBytes(MAX_BYTES, DirectorySweeper.UNBOUNDED);
    if (maxBytes < 1) {
      throw config.invalid(MAX_BYTES, "a size of at least one byte, such as 10GiB");
    }
    Duration maxAge = config.getDuration(MAX_AGE, null);
    if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
      throw config.invalid(MAX_AGE, "a positive duration such as 30d");
    }
    long maxEntries = config.getLong(MAX_ENTRIES, DirectorySweeper.UNBOUNDED);
    if (maxEntries < 1) {
      throw config.invalid(MAX_ENTRIES, "a whole number of at least 1, such as 100000");
    }
    return new DirectoryStore(
        DirectoryStore.Options.of(root)
            .fsync(fsync)
            .bounds(maxBytes, maxAge)
            .maxEntries(maxEntries)
            .claims(claims));
  }

  private static String key(String relative) {
    return "memo.store." + NAME + "." + relative;
  }
}
