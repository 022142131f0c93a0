package dev.memo.store.redis;

import dev.memo.Signature;
import dev.memo.spi.Store;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.params.SetParams;

/**
 * Claims on computing entries, shared by every process on one Redis: a claim is the key {@code
 * <prefix>c:{<ns>:<key>}} set with {@code SET … NX PX <claim-timeout>} to a token that names this
 * process and is new for each claim. The holder renews the expiry every third of the timeout from
 * one daemon thread per store, so a claim lasts as long as its computation; a holder that dies
 * stops renewing it, and the claim expires at most one timeout later. Renewing and releasing are
 * scripts that act only while the key still holds the holder's token, so a claim that expired and
 * was taken by another process is never extended or deleted by the first. Thread-safe.
 */
final class RedisClaims {
  private static final System.Logger LOG = System.getLogger(RedisClaims.class.getName());
  private static final byte[] RELEASE =
      RedisKeys.bytes(
          "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end"
              + " return 0");
  private static final byte[] RENEW =
      RedisKeys.bytes(
          "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1],"
              + " ARGV[2]) end return 0");
  private static final String OWNER = ProcessHandle.current().pid() + "@" + host();

  private final Connections connections;
  private final RedisKeys keys;
  private final Duration timeout;
  private final Set<Held> held = ConcurrentHashMap.newKeySet();
  private volatile ScheduledExecutorService renewer;

  RedisClaims(Connections connections, RedisKeys keys, Duration timeout) {
    this.connections = connections;
    this.keys = keys;
    this.timeout = timeout;
  }

  Store.Claim claim(String namespace, String id, Signature key) throws IOException {
    byte[] claimKey = keys.claim(id, key);
    byte[] token =
        RedisKeys.bytes(
            OWNER + ":" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
    String ok =
        connections.call(
            "claim entry " + key + " of \"" + namespace + "\"",
            jedis -> jedis.set(claimKey, token, SetParams.setParams().nx().px(timeout.toMillis())));
    if (!"OK".equals(ok)) {
      return HeldElsewhere.INSTANCE;
    }
    Held claim = new Held(claimKey, token);
    held.add(claim);
    startRenewing();
    return claim;
  }

  private void startRenewing() {
    if (renewer != null) {
      return;
    }
    synchronized (this) {
      if (renewer != null || connections.closed()) {
        return;
      }
      ScheduledExecutorService s =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "memo-redis-claims");
                t.setDaemon(true);
                return t;
              });
      long period = Math.max(1, timeout.toMillis() / 3);
      s.scheduleWithFixedDelay(this::renewAll, period, period, TimeUnit.MILLISECONDS);
      renewer = s;
    }
  }

  private void renewAll() {
    byte[] millis = RedisKeys.bytes(Long.toString(timeout.toMillis()));
    for (Held claim : held) {
      try {
        Object renewed =
            connections.call(
                "renew a claim",
                jedis -> jedis.eval(RENEW, List.of(claim.key), List.of(claim.token, millis)));
        if (Long.valueOf(0).equals(renewed)) {
          // Expired (Redis unreachable for longer than the timeout, or restarted): another
          // process may compute the entry too, which costs a computation, never a wrong value.
          held.remove(claim);
          LOG.log(
              Level.DEBUG,
              () ->
                  "claim "
                      + new String(claim.key, StandardCharsets.UTF_8)
                      + " expired before it was released");
        }
      } catch (IOException | RuntimeException e) {
        // Redis is away; Health logged it. The claim expires unless renewed in time.
      }
    }
  }

  /** Stops renewing, and releases the claims still held. */
  void close() {
    ScheduledExecutorService s = renewer;
    if (s != null) {
      s.shutdownNow();
    }
    for (Held claim : held) {
      try {
        claim.close();
      } catch (IOException | RuntimeException e) {
        // They expire.
      }
    }
  }

  private static String host() {
    try {
      String name =
          java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    String env = System.getenv("HOSTNAME");
    return env == null || env.isBlank() ? "unknown" : env;
  }

  /** A claim this process holds; closing deletes the key while it holds this claim's token. */
  private final class Held implements Store.Claim {
    final byte[] key;
    final byte[] token;
    private boolean closed;

    Held(byte[] key, byte[] token) {
      this.key = key;
      this.token = token;
    }

    @Override
    public boolean held() {
      return true;
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      held.remove(this);
      if (connections.closed()) {
        return; // it expires
      }
      connections.call(
          "release a claim", jedis -> jedis.eval(RELEASE, List.of(key), List.of(token)));
    }

    @Override
    public String toString() {
      return "claim " + new String(key, StandardCharsets.UTF_8) + " (held)";
    }
  }

  /** A claim another process holds. */
  private static final class HeldElsewhere implements Store.Claim {
    static final HeldElsewhere INSTANCE = new HeldElsewhere();

    @Override
    public boolean held() {
      return false;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "claim held by another process";
    }
  }
}
