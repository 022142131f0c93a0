/**
 * The {@code redis} store: entries on a Redis server that every process of a cluster shares, with
 * claims that make memo's single flight span machines. Exports nothing: the provider is found
 * through {@link java.util.ServiceLoader} and selected with {@code memo.store=redis}.
 *
 * <p>Jedis and Commons Pool are automatic modules ({@code redis.clients.jedis}, {@code
 * org.apache.commons.pool2}); Jedis logs through SLF4J 1.7 ({@code org.slf4j}).
 */
module dev.memo.store.redis {
  requires static org.jspecify;
  requires dev.memo;
  requires redis.clients.jedis;
  requires org.apache.commons.pool2;

  provides dev.memo.spi.StoreProvider with
      dev.memo.store.redis.RedisStoreProvider;
}
