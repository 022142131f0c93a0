package dev.memo.store.redis;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.spi.Store;
import dev.memo.spi.StoreProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Provides the {@code redis} store: entries on a Redis server shared by every process of a cluster,
 * published atomically, expired by age, bounded by the server's {@code maxmemory}, with claims that
 * make each computation happen once across machines.
 *
 * <p>Options, relative to {@code memo.store.redis}:
 *
 * <ul>
 *   <li>{@code uri}: {@code redis://[user:password@]host[:port][/database]}, or {@code rediss://}
 *       for TLS; {@code redis://localhost:6379} unless set.
 *   <li>{@code pool-size}: the most connections to Redis at once, {@code 16}.
 *   <li>{@code timeout}: connecting and waiting for a reply (and for a free connection), {@code
 *       2s}.
 *   <li>{@code key-prefix}: the start of every key the store writes, {@code memo:}; no braces.
 *   <li>{@code max-entry-bytes}: larger entries are not sent to Redis (the caller still gets its
 *       result), {@code 64MiB}.
 *   <li>{@code chunk-bytes}: entries are written and read in pieces of this size (the first read
 *       takes a sixteenth more), {@code 1MiB}.
 *   <li>{@code max-age}: entries neither written nor read for longer expire; no expiry unless set.
 *   <li>{@code claims}: {@code true} (the default) makes the processes sharing the server compute
 *       each entry once; {@code false} turns that off.
 *   <li>{@code claim-timeout}: how long a claim outlives its holder, {@code 30s}; a live holder
 *       renews it every third of that.
 *   <li>{@code unsigned}: {@code true} lets the store start without an integrity key.
 * </ul>
 *
 * <p>A shared store needs the integrity key: creating one fails unless {@code
 * memo.integrity.key-file} or {@code memo.integrity.key-env} is set, or {@code unsigned} is {@code
 * true}. Creating one also checks that Redis answers, and fails naming the URI (without its
 * password) when it does not.
 *
 * <p>Priority -300: a module on the class path never makes a networked store the default; choose it
 * with {@code memo.store=redis}. Thread-safe; cheap to construct.
 */
public final class RedisStoreProvider implements StoreProvider {
  /** The provider name, {@code redis}. */
  static final String NAME = "redis";

  static final String URI_KEY = "uri";
  static final String POOL_SIZE = "pool-size";
  static final String TIMEOUT = "timeout";
  static final String KEY_PREFIX = "key-prefix";
  static final String MAX_ENTRY_BYTES = "max-entry-bytes";
  static final String CHUNK_BYTES = "chunk-bytes";
  static final String MAX_AGE = "max-age";
  static final String CLAIMS = "claims";
  static final String CLAIM_TIMEOUT = "claim-timeout";
  static final String UNSIGNED = "unsigned";
  static final String DEFAULT_URI = "redis://localhost:6379";
  static final int DEFAULT_POOL_SIZE = 16;
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  static final String DEFAULT_KEY_PREFIX = "memo:";
  static final long DEFAULT_MAX_ENTRY_BYTES = 64L << 20;
  static final long DEFAULT_CHUNK_BYTES = 1L << 20;
  static final Duration DEFAULT_CLAIM_TIMEOUT = Duration.ofSeconds(30);

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public RedisStoreProvider() {}

  /**
   * Returns {@code redis}.
   *
   * @return the name
   */
  @Override
  public String name() {
    return NAME;
  }

  /**
   * Returns the keys this provider reads, each under {@code memo.store.redis.}.
   *
   * @return the full keys
   */
  @Override
  public Optional<Set<String>> configKeys() {
    Set<String> keys = new TreeSet<>();
    for (String k :
        List.of(
            URI_KEY,
            POOL_SIZE,
            TIMEOUT,
            KEY_PREFIX,
            MAX_ENTRY_BYTES,
            CHUNK_BYTES,
            MAX_AGE,
            CLAIMS,
            CLAIM_TIMEOUT,
            UNSIGNED)) {
      keys.add("memo.store.redis." + k);
    }
    return Optional.of(Set.copyOf(keys));
  }

  /**
   * Returns -300, below every store that needs nothing running: a networked store is used only when
   * chosen by name.
   *
   * @return the priority
   */
  @Override
  public int priority() {
    return -300;
  }

  /**
   * Creates a store and checks that Redis answers.
   *
   * @param config the configuration scoped to {@code memo.store.redis}; its {@linkplain
   *     MemoConfig#root() root} is read for {@code memo.integrity.key-file} and {@code key-env}
   * @return a new store; close it to release its connections
   * @throws MemoConfigurationException if an option is invalid, quoting key and value, or no
   *     integrity key is configured and {@code unsigned} is not {@code true}
   * @throws dev.memo.StoreException if Redis does not answer, naming the URI without its password
   */
  @Override
  public Store create(MemoConfig config) {
    RedisOptions options = options(config);
    RedisStore store = new RedisStore(options);
    try {
      store.ping();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  static RedisOptions options(MemoConfig config) {
    String raw = config.getString(URI_KEY, DEFAULT_URI);
    RedisAddress address = address(config, raw);
    int poolSize = config.getInt(POOL_SIZE, DEFAULT_POOL_SIZE);
    if (poolSize < 1 || poolSize > 10_000) {
      throw config.invalid(POOL_SIZE, "a whole number from 1 to 10000, such as 16");
    }
    Duration timeout = config.getDuration(TIMEOUT, DEFAULT_TIMEOUT);
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw config.invalid(TIMEOUT, "a positive duration such as 500ms or 2s");
    }
    String prefix = config.getString(KEY_PREFIX, DEFAULT_KEY_PREFIX);
    if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
      throw config.invalid(
          KEY_PREFIX,
          "text without { or }, which the store uses to keep an"
              + " entry's keys in one hash slot; such as memo:");
    }
    long chunk = config.getBytes(CHUNK_BYTES, DEFAULT_CHUNK_BYTES);
    if (chunk < 1024 || chunk > (64L << 20)) {
      throw config.invalid(CHUNK_BYTES, "a size from 1KiB to 64MiB, such as 1MiB");
    }
    long maxEntry = config.getBytes(MAX_ENTRY_BYTES, DEFAULT_MAX_ENTRY_BYTES);
    if (maxEntry < 1 || maxEntry > (512L << 20) - RedisFrame.HEADER_BYTES) {
      throw config.invalid(
          MAX_ENTRY_BYTES,
          "a size from 1 byte to 511MiB (Redis keeps values up to 512 MiB), such as 64MiB");
    }
    Duration maxAge = config.getDuration(MAX_AGE, null);
    if (maxAge != null && (maxAge.isNegative() || maxAge.toMillis() < 1)) {
      throw config.invalid(MAX_AGE, "a positive duration such as 30d");
    }
    boolean claims = config.getBoolean(CLAIMS, true);
    Duration claimTimeout = config.getDuration(CLAIM_TIMEOUT, DEFAULT_CLAIM_TIMEOUT);
    if (claimTimeout.toMillis() < 100) {
      throw config.invalid(CLAIM_TIMEOUT, "a duration of at least 100ms, such as 30s");
    }
    boolean unsigned = config.getBoolean(UNSIGNED, false);
    MemoConfig root = config.root();
    if (!unsigned
        && root.get(MemoConfig.INTEGRITY_KEY_FILE).isEmpty()
        && root.get(MemoConfig.INTEGRITY_KEY_ENV).isEmpty()) {
      throw new MemoConfigurationException(
          "the redis store at "
              + address.redacted()
              + " is shared, so entries must be signed:"
              + " set "
              + MemoConfig.INTEGRITY_KEY_FILE
              + " (create the key with: head -c 32"
              + " /dev/urandom | base64 > memo.key) or "
              + MemoConfig.INTEGRITY_KEY_ENV
              + ", the same in every process (README, \"A shared store needs the integrity"
              + " key\"); or set "
              + config.key(UNSIGNED)
              + "=true to accept that whoever can"
              + " write to this Redis chooses what your processes deserialize");
    }
    return new RedisOptions(
        address,
        poolSize,
        (int) timeout.toMillis(),
        prefix,
        maxEntry,
        (int) chunk,
        maxAge,
        claims,
        claimTimeout);
  }

  private static RedisAddress address(MemoConfig config, String raw) {
    String expected =
        "a URI such as redis://localhost:6379, redis://user:password@host:6379/2"
            + " or rediss://host:6380 (TLS)";
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      throw invalidUri(config, raw, expected);
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equals("redis") || scheme.equals("rediss"))
        || uri.getHost() == null
        || uri.getQuery() != null
        || uri.getFragment() != null) {
      throw invalidUri(config, raw, expected);
    }
    int port = uri.getPort() == -1 ? 6379 : uri.getPort();
    int database = 0;
    String path = uri.getPath();
    if (path != null && !path.isEmpty() && !path.equals("/")) {
      try {
        database = Integer.parseInt(path.substring(1));
      } catch (NumberFormatException e) {
        throw invalidUri(config, raw, expected);
      }
      if (database < 0) {
        throw invalidUri(config, raw, expected);
      }
    }
    String user = null;
    String password = null;
    String info = uri.getUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      if (colon < 0) {
        password = info; // redis://secret@host, as redis-cli reads it
      } else {
        user = info.substring(0, colon).isEmpty() ? null : info.substring(0, colon);
        password = info.substring(colon + 1);
      }
    }
    return new RedisAddress(scheme.equals("rediss"), uri.getHost(), port, database, user, password);
  }

  /** Never quotes the value: it may hold a password. */
  private static MemoConfigurationException invalidUri(
      MemoConfig config, String raw, String expected) {
    String shown = raw.contains("@") ? "(not shown: it may hold a password)" : "\"" + raw + "\"";
    return new MemoConfigurationException(
        config.key(URI_KEY) + " is " + shown + " but must be " + expected);
  }
}
