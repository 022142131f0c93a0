/**
 * The {@code redis} store: the shared store of a cluster, on Redis through Jedis.
 *
 * <p>{@link dev.memo.store.redis.RedisStoreProvider} reads the options and checks that Redis
 * answers; {@code RedisStore} keeps entries (key layout in {@code RedisKeys}, value layout in
 * {@code RedisFrame}); {@code RedisClaims} makes single flight span processes and machines; {@code
 * Connections} and {@code Health} turn a Redis that went away into misses that are counted and
 * logged once per outage, never into a hang or a failed call.
 */
@NullMarked
package dev.memo.store.redis;

import org.jspecify.annotations.NullMarked;
