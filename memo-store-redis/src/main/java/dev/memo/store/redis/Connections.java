package dev.memo.store.redis;

import dev.memo.StoreException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The store's pool of connections to Redis, and the one place where Jedis's failures become memo's:
 * a call that fails for want of Redis is an {@link IOException} (memo then computes the result)
 * counted and logged once per outage by {@link Health}; a call on a closed store is a {@link
 * StoreException}. Thread-safe.
 */
final class Connections implements AutoCloseable {
  private final RedisAddress address;
  private final JedisPool pool;
  private final Health health;
  private final AtomicBoolean closed = new AtomicBoolean();

  Connections(RedisOptions options, System.Logger log) {
    this.address = options.address();
    this.health = new Health(address.redacted(), log);
    GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
    poolConfig.setMaxTotal(options.poolSize());
    poolConfig.setMaxIdle(options.poolSize());
    poolConfig.setMinIdle(0);
    poolConfig.setMaxWait(Duration.ofMillis(options.timeoutMillis()));
    poolConfig.setJmxEnabled(false);
    DefaultJedisClientConfig.Builder client =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(options.timeoutMillis())
            .socketTimeoutMillis(options.timeoutMillis())
            .database(address.database())
            .ssl(address.tls())
            .clientName("memo");
    if (address.user() != null) {
      client.user(address.user());
    }
    if (address.password() != null) {
      client.password(address.password());
    }
    this.pool =
        new JedisPool(poolConfig, new HostAndPort(address.host(), address.port()), client.build());
  }

  /** A call on one connection. */
  @FunctionalInterface
  interface Call<T> {
    T on(Jedis jedis) throws IOException;
  }

  /**
   * Runs a call on a pooled connection.
   *
   * @param what what the call does, for the message: {@code "read entry …"}
   * @throws IOException if Redis is unreachable or answers with an error
   * @throws StoreException if the store is closed
   */
  <T> T call(String what, Call<T> call) throws IOException {
    checkOpen();
    if (health.backingOff()) {
      health.failed(null);
      throw new IOException(
          "cannot "
              + what
              + ": the redis store at "
              + address.redacted()
              + " failed a moment ago; retrying it shortly");
    }
    try (Jedis jedis = pool.getResource()) {
      T result = call.on(jedis);
      health.succeeded();
      return result;
    } catch (JedisConnectionException e) {
      health.failed(e);
      // Idle connections to a server that went away are broken too: drop them at once.
      pool.clear();
      throw new IOException(
          "cannot "
              + what
              + ": the redis store at "
              + address.redacted()
              + " is unreachable ("
              + e.getMessage()
              + ")",
          e);
    } catch (JedisException e) {
      // An error reply (out of memory, read-only replica, …): Redis is there but refused.
      health.succeeded();
      throw new IOException(
          "cannot "
              + what
              + ": the redis store at "
              + address.redacted()
              + " answered "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Checks that Redis answers.
   *
   * @throws StoreException if it does not, naming the URI without its password
   */
  void ping() {
    try (Jedis jedis = pool.getResource()) {
      jedis.ping();
    } catch (JedisException e) {
      throw new StoreException(
          "cannot reach the redis store at "
              + address.redacted()
              + ": "
              + rootMessage(e)
              + "; start Redis there or set memo.store.redis.uri to where it runs",
          e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
  }

  void checkOpen() {
    if (closed.get()) {
      throw new StoreException("the redis store at " + address.redacted() + " is closed");
    }
  }

  Health health() {
    return health;
  }

  RedisAddress address() {
    return address;
  }

  boolean closed() {
    return closed.get();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      pool.close();
    }
  }
}
