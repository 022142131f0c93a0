package dev.memo.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.StoreException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provider's options, its demand for the integrity key, and its check that Redis answers. */
final class RedisStoreOptionsTest {
  private static MemoConfig config(Map<String, String> values) {
    return MemoConfig.of("test", values).scoped("memo.store.redis");
  }

  private static RedisOptions options(String... keysAndValues) {
    Map<String, String> values = new HashMap<>();
    values.put("memo.store.redis.unsigned", "true");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      values.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return RedisStoreProvider.options(config(values));
  }

  @Test
  void options_unset_areTheDocumentedDefaults() {
    assertEquals(
        new RedisOptions(
            new RedisAddress(false, "localhost", 6379, 0, null, null),
            16,
            2000,
            "memo:",
            64L << 20,
            1 << 20,
            null,
            true,
            Duration.ofSeconds(30)),
        options());
  }

  @Test
  void options_set_areRead() {
    assertEquals(
        new RedisOptions(
            new RedisAddress(true, "cache.example", 6380, 3, "app", "s3cret"),
            4,
            500,
            "team-a:",
            1L << 20,
            64 << 10,
            Duration.ofDays(7),
            false,
            Duration.ofSeconds(5)),
        options(
            "memo.store.redis.uri",
            "rediss://app:s3cret@cache.example:6380/3",
            "memo.store.redis.pool-size",
            "4",
            "memo.store.redis.timeout",
            "500ms",
            "memo.store.redis.key-prefix",
            "team-a:",
            "memo.store.redis.max-entry-bytes",
            "1MiB",
            "memo.store.redis.chunk-bytes",
            "64KiB",
            "memo.store.redis.max-age",
            "7d",
            "memo.store.redis.claims",
            "false",
            "memo.store.redis.claim-timeout",
            "5s"));
  }

  @Test
  void uri_passwordOnly_isReadAsTheDefaultUsersPassword() {
    RedisAddress a = options("memo.store.redis.uri", "redis://s3cret@h").address();
    assertEquals(new RedisAddress(false, "h", 6379, 0, null, "s3cret"), a);
    assertEquals("redis://h:6379/0", a.redacted());
  }

  @Test
  void uri_invalid_failsWithoutShowingAPassword() {
    assertEquals(
        "memo.store.redis.uri is (not shown: it may hold a password) but must be a URI"
            + " such as redis://localhost:6379, redis://user:password@host:6379/2 or"
            + " rediss://host:6380 (TLS)",
        assertThrows(
                MemoConfigurationException.class,
                () -> options("memo.store.redis.uri", "http://u:s3cret@h:1"))
            .getMessage());
    assertEquals(
        "memo.store.redis.uri is \"redis://h/x\" but must be a URI such as"
            + " redis://localhost:6379, redis://user:password@host:6379/2 or rediss://host:6380 (TLS)",
        assertThrows(
                MemoConfigurationException.class,
                () -> options("memo.store.redis.uri", "redis://h/x"))
            .getMessage());
  }

  @Test
  void options_outOfRange_failQuotingKeyValueAndWhatIsValid() {
    assertEquals(
        "memo.store.redis.key-prefix is \"a{b}:\" (from test) but must be text without {"
            + " or }, which the store uses to keep an entry's keys in one hash slot; such as memo:",
        assertThrows(
                MemoConfigurationException.class,
                () -> options("memo.store.redis.key-prefix", "a{b}:"))
            .getMessage());
    assertEquals(
        "memo.store.redis.pool-size is \"0\" (from test) but must be a whole number from 1"
            + " to 10000, such as 16",
        assertThrows(
                MemoConfigurationException.class, () -> options("memo.store.redis.pool-size", "0"))
            .getMessage());
    assertEquals(
        "memo.store.redis.chunk-bytes is \"100\" (from test) but must be a size from 1KiB"
            + " to 64MiB, such as 1MiB",
        assertThrows(
                MemoConfigurationException.class,
                () -> options("memo.store.redis.chunk-bytes", "100"))
            .getMessage());
    assertEquals(
        "memo.store.redis.timeout is \"0s\" (from test) but must be a positive duration"
            + " such as 500ms or 2s",
        assertThrows(
                MemoConfigurationException.class, () -> options("memo.store.redis.timeout", "0s"))
            .getMessage());
  }

  @Test
  void create_withoutIntegrityKey_failsSayingHowToSetOne() {
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class,
            () ->
                new RedisStoreProvider()
                    .create(
                        config(Map.of("memo.store.redis.uri", "redis://app:s3cret@cache:6379/1"))));
    assertEquals(
        "the redis store at redis://app@cache:6379/1 is shared, so entries must be"
            + " signed: set memo.integrity.key-file (create the key with: head -c 32 /dev/urandom |"
            + " base64 > memo.key) or memo.integrity.key-env, the same in every process (README, \"A"
            + " shared store needs the integrity key\"); or set memo.store.redis.unsigned=true to"
            + " accept that whoever can write to this Redis chooses what your processes deserialize",
        e.getMessage());
  }

  @Test
  void create_withIntegrityKeyConfigured_starts() {
    Map<String, String> values =
        Map.of(
            "memo.store.redis.uri",
            RedisServer.shared().uri(),
            "memo.integrity.key-env",
            "MEMO_KEY");
    new RedisStoreProvider().create(config(values)).close();
  }

  @Test
  void create_redisUnreachable_failsNamingTheUriWithoutThePassword() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    StoreException e =
        assertThrows(
            StoreException.class,
            () ->
                new RedisStoreProvider()
                    .create(
                        config(
                            Map.of(
                                "memo.store.redis.uri",
                                "redis://app:s3cret@127.0.0.1:" + port + "/2",
                                "memo.store.redis.unsigned",
                                "true"))));
    String start = "cannot reach the redis store at redis://app@127.0.0.1:" + port + "/2: ";
    assertEquals(start, e.getMessage().substring(0, start.length()), e.getMessage());
    assertEquals(
        "; start Redis there or set memo.store.redis.uri to where it runs",
        e.getMessage().substring(e.getMessage().lastIndexOf(';')),
        e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
  }
}
