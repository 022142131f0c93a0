package dev.memo.store.redis;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The store's options, read by {@link RedisStoreProvider}.
 *
 * @param address where Redis is
 * @param poolSize the most connections at once
 * @param timeoutMillis connect, reply and pool-wait timeout
 * @param prefix the start of every key
 * @param maxEntryBytes larger entries are not stored
 * @param chunkBytes the size of the pieces entries are written and read in
 * @param maxAge how long an unused entry lives; null for no expiry
 * @param claims whether {@link RedisStore#claim} coordinates computations
 * @param claimTimeout how long a claim outlives its holder's last renewal
 */
record RedisOptions(
    RedisAddress address,
    int poolSize,
    int timeoutMillis,
    String prefix,
    long maxEntryBytes,
    int chunkBytes,
    @Nullable Duration maxAge,
    boolean claims,
    Duration claimTimeout) {}
