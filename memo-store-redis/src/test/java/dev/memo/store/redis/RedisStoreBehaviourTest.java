package dev.memo.store.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.NotSigned;
import dev.memo.Signature;
import dev.memo.core.Memo;
import dev.memo.spi.Store;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** What the redis store does beyond the contract: chunks, size cap, expiry, claims, outages. */
final class RedisStoreBehaviourTest {
  private static final String NS = "ns";
  private static int prefixes;

  private final List<Store> opened = new ArrayList<>();
  private final String prefix = "behaviour-" + (++prefixes) + "-" + System.nanoTime() + ":";
  private RedisServer own;

  @AfterEach
  void closeAll() {
    opened.forEach(Store::close);
    if (own != null) {
      own.close();
    }
  }

  private RedisStore open(RedisServer server, System.Logger log, String... keysAndValues) {
    Map<String, String> values = new HashMap<>();
    values.put("memo.store.redis.uri", server.uri());
    values.put("memo.store.redis.key-prefix", prefix);
    values.put("memo.store.redis.unsigned", "true");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      values.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    RedisStore store =
        new RedisStore(
            RedisStoreProvider.options(MemoConfig.of("test", values).scoped("memo.store.redis")),
            log);
    opened.add(store);
    return store;
  }

  private RedisStore open(String... keysAndValues) {
    return open(RedisServer.shared(), Health.LOG, keysAndValues);
  }

  private static Jedis raw(RedisServer server) {
    return new Jedis("127.0.0.1", server.port());
  }

  static Signature key(String name) throws Exception {
    return Signature.of(
        MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static Optional<byte[]> read(Store store, Signature key) throws IOException {
    Optional<InputStream> in = store.get(NS, key);
    if (in.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream s = in.get()) {
      return Optional.of(s.readAllBytes());
    }
  }

  private byte[] entryKey(Signature key) {
    return new RedisKeys(prefix).entry(RedisKeys.namespaceId(NS), key);
  }

  // ---------------------------------------------------------------- chunks

  @Test
  void put_largerThanAChunk_isPublishedWholeByOneRenameAndReadBack() throws Exception {
    RedisStore store = open("memo.store.redis.chunk-bytes", "1KiB");
    byte[] bytes = random(10_000, 1);
    store.put(NS, key("k"), out -> out.write(bytes));
    assertArrayEquals(bytes, read(store, key("k")).orElseThrow());
    try (Jedis jedis = raw(RedisServer.shared())) {
      assertEquals(RedisFrame.HEADER_BYTES + 10_000, jedis.strlen(entryKey(key("k"))));
      assertEquals(List.of(), List.copyOf(jedis.keys(prefix + "t:*")), "no temporary key is left");
    }
  }

  @Test
  void get_entryReplacedWhileReadInChunks_failsRatherThanMixingVersions() throws Exception {
    RedisStore store = open("memo.store.redis.chunk-bytes", "1KiB");
    byte[] first = random(5_000, 1);
    byte[] second = random(5_000, 2);
    store.put(NS, key("k"), out -> out.write(first));
    try (InputStream in = store.get(NS, key("k")).orElseThrow()) {
      byte[] start = in.readNBytes(500);
      assertArrayEquals(java.util.Arrays.copyOf(first, 500), start);
      store.put(NS, key("k"), out -> out.write(second));
      IOException e = assertThrows(IOException.class, in::readAllBytes);
      assertEquals(
          "entry "
              + key("k")
              + " of \"ns\" was replaced or removed in Redis while it was"
              + " read; it is computed instead",
          e.getMessage());
    }
    assertArrayEquals(second, read(store, key("k")).orElseThrow());
  }

  @Test
  void get_entriesAtAndAroundChunkBoundaries_readBackWhole() throws Exception {
    RedisStore store = open("memo.store.redis.chunk-bytes", "1KiB");
    int first = (int) RedisStore.firstRead(1024) - RedisFrame.HEADER_BYTES;
    int trip = 1024 * ChunkedEntryStream.PIECES_PER_TRIP;
    int[] sizes = {
      0, 1, first - 1, first, first + 1, first + 1024, first + trip, first + trip + 1, 50_000
    };
    for (int size : sizes) {
      byte[] bytes = random(size, size);
      store.put(NS, key("k" + size), out -> out.write(bytes));
      assertArrayEquals(bytes, read(store, key("k" + size)).orElseThrow(), "size " + size);
    }
  }

  @Test
  void get_entryRemovedWhileReadInChunks_failsRatherThanEndingEarly() throws Exception {
    RedisStore store = open("memo.store.redis.chunk-bytes", "1KiB");
    byte[] bytes = random(5_000, 1);
    store.put(NS, key("k"), out -> out.write(bytes));
    try (InputStream in = store.get(NS, key("k")).orElseThrow()) {
      assertArrayEquals(java.util.Arrays.copyOf(bytes, 1000), in.readNBytes(1000));
      try (Jedis jedis = raw(RedisServer.shared())) {
        jedis.del(entryKey(key("k")));
      }
      IOException e = assertThrows(IOException.class, in::readAllBytes);
      assertEquals(
          "entry "
              + key("k")
              + " of \"ns\" was replaced or removed in Redis while it was"
              + " read; it is computed instead",
          e.getMessage());
    }
    assertEquals(Optional.empty(), read(store, key("k")));
  }

  /** A value with the store's header declaring {@code declared} entry bytes, then {@code held}. */
  private void craft(Signature key, long declared, int held) {
    byte[] value = new byte[RedisFrame.HEADER_BYTES + held];
    RedisFrame.writeHeader(value, random(RedisFrame.TOKEN_BYTES, 9), declared);
    try (Jedis jedis = raw(RedisServer.shared())) {
      jedis.set(entryKey(key), value);
    }
  }

  @Test
  void get_valueDeclaringMoreThanMaxEntryBytes_isRefusedWithoutReadingOn() throws Exception {
    RedisStore store =
        open("memo.store.redis.max-entry-bytes", "4KiB", "memo.store.redis.chunk-bytes", "1KiB");
    craft(key("k"), 4097, 4097);
    IOException e = assertThrows(IOException.class, () -> store.get(NS, key("k")));
    assertEquals(
        "the Redis value of entry "
            + key("k")
            + " of \"ns\" declares 4097 bytes, more than the redis"
            + " store's max-entry-bytes of 4096, so it is not read; it is computed again and"
            + " replaced",
        e.getMessage());
    craft(key("k"), 4096, 4096);
    assertEquals(4096, read(store, key("k")).orElseThrow().length, "at the bound it is read");
  }

  @Test
  void get_valueShorterThanItsHeaderDeclares_isAnIOException() throws Exception {
    RedisStore store = open("memo.store.redis.chunk-bytes", "1KiB");
    int header = RedisFrame.HEADER_BYTES;
    craft(key("short"), 500, 499);
    IOException first = assertThrows(IOException.class, () -> store.get(NS, key("short")));
    assertEquals(
        "the Redis value of entry "
            + key("short")
            + " of \"ns\" ends at "
            + (header + 499)
            + " bytes where its header declares "
            + (header + 500)
            + "; it is computed again and replaced",
        first.getMessage());
    craft(key("second"), 1070, 1000); // more than the first read declared, less held
    IOException second = assertThrows(IOException.class, () -> store.get(NS, key("second")));
    assertEquals(
        "the Redis value of entry "
            + key("second")
            + " of \"ns\" ends at "
            + (header + 1000)
            + " bytes where its header declares "
            + (header + 1070)
            + "; it is computed again and replaced",
        second.getMessage());
    craft(key("later"), 5000, 2500);
    try (InputStream in = store.get(NS, key("later")).orElseThrow()) {
      IOException later = assertThrows(IOException.class, in::readAllBytes);
      assertEquals(
          "the Redis value of entry "
              + key("later")
              + " of \"ns\" ends at "
              + (header + 2500)
              + " bytes where its header declares "
              + (header + 5000)
              + "; it is computed again and replaced",
          later.getMessage());
    }
    craft(key("long"), 100, 101);
    IOException longer = assertThrows(IOException.class, () -> store.get(NS, key("long")));
    assertEquals(
        "the Redis value of entry "
            + key("long")
            + " of \"ns\" holds at least "
            + (header + 101)
            + " bytes where its header declares "
            + (header + 100)
            + "; it is computed again and replaced",
        longer.getMessage());
  }

  @Test
  void get_valueNotWrittenByTheStore_isAnIOExceptionNotABrokenRead() throws Exception {
    RedisStore store = open();
    try (Jedis jedis = raw(RedisServer.shared())) {
      jedis.set(entryKey(key("k")), "foreign".getBytes(StandardCharsets.UTF_8));
    }
    IOException e = assertThrows(IOException.class, () -> store.get(NS, key("k")));
    assertTrue(e.getMessage().contains("is not an entry of memo's redis store"), e.getMessage());
  }

  // ---------------------------------------------------------------- size cap

  @Test
  void put_largerThanMaxEntryBytes_isNotStoredAndLeavesNoKey() throws Exception {
    RedisStore store =
        open("memo.store.redis.max-entry-bytes", "4KiB", "memo.store.redis.chunk-bytes", "1KiB");
    IOException e =
        assertThrows(
            IOException.class, () -> store.put(NS, key("k"), out -> out.write(random(5000, 3))));
    assertEquals(
        "an entry of \"ns\" is larger than the redis store's max-entry-bytes of 4096"
            + " bytes, so it is not stored in Redis (its result is returned all the same); raise"
            + " memo.store.redis.max-entry-bytes to store such entries",
        e.getMessage());
    assertEquals(Optional.empty(), read(store, key("k")));
    try (Jedis jedis = raw(RedisServer.shared())) {
      assertEquals(List.of(), List.copyOf(jedis.keys(prefix + "t:*")));
    }
    store.put(NS, key("k"), out -> out.write(random(4096, 3)));
    assertEquals(4096, read(store, key("k")).orElseThrow().length);
  }

  @NotSigned private static final AtomicInteger COMPUTED = new AtomicInteger();

  private static byte[] big(Integer n) {
    COMPUTED.incrementAndGet();
    return new byte[n];
  }

  @Test
  void memo_resultAboveMaxEntryBytes_isReturnedAndComputedAgainNextTime() {
    COMPUTED.set(0);
    RedisStore store = open("memo.store.redis.max-entry-bytes", "1KiB");
    try (Memo memo =
        Memo.builder()
            .store(store)
            .serde("java")
            .config("memo.object-tier.max-entries", "0")
            .build()) {
      Function<Integer, byte[]> f = memo.function("big", RedisStoreBehaviourTest::big);
      assertEquals(100_000, f.apply(100_000).length);
      assertEquals(100_000, f.apply(100_000).length);
      assertEquals(2, COMPUTED.get());
      assertEquals(10, f.apply(10).length);
      assertEquals(10, f.apply(10).length);
      assertEquals(3, COMPUTED.get(), "a small result is stored and reused");
    }
  }

  // ---------------------------------------------------------------- expiry

  @Test
  void maxAge_entryExpiresThenAndAHitAfterTheTouchIntervalRenewsIt() throws Exception {
    RedisStore store = open("memo.store.redis.max-age", "4s");
    assertEquals(500, store.touchInterval().toMillis());
    store.put(NS, key("k"), out -> out.write(1));
    try (Jedis jedis = raw(RedisServer.shared())) {
      long ttl = jedis.pttl(entryKey(key("k")));
      assertTrue(ttl > 3_000 && ttl <= 4_000, "ttl " + ttl);
      Thread.sleep(1_200);
      assertTrue(jedis.pttl(entryKey(key("k"))) < 3_000);
      assertTrue(read(store, key("k")).isPresent());
      long renewed = jedis.pttl(entryKey(key("k")));
      assertTrue(renewed > 3_500, "a hit after the touch interval renews the expiry: " + renewed);
      jedis.pexpire(entryKey(key("k")), 1);
      Thread.sleep(20);
    }
    assertEquals(Optional.empty(), read(store, key("k")), "an expired entry is gone");
  }

  @Test
  void noMaxAge_entriesDoNotExpire() throws Exception {
    RedisStore store = open();
    store.put(NS, key("k"), out -> out.write(1));
    try (Jedis jedis = raw(RedisServer.shared())) {
      assertEquals(-1, jedis.pttl(entryKey(key("k"))));
    }
  }

  // ---------------------------------------------------------------- claims

  @Test
  void claim_heldByOneStore_isHeldElsewhereForAnotherUntilReleased() throws Exception {
    RedisStore a = open();
    RedisStore b = open();
    try (Store.Claim mine = a.claim(NS, key("k")).orElseThrow()) {
      assertTrue(mine.held());
      Store.Claim theirs = b.claim(NS, key("k")).orElseThrow();
      assertFalse(theirs.held());
      theirs.close();
    }
    try (Store.Claim now = b.claim(NS, key("k")).orElseThrow()) {
      assertTrue(now.held(), "released: the other store may claim it");
    }
  }

  @Test
  void claim_whileHolderLives_isRenewedBeyondTheTimeout() throws Exception {
    RedisStore a = open("memo.store.redis.claim-timeout", "300ms");
    RedisStore b = open("memo.store.redis.claim-timeout", "300ms");
    try (Store.Claim mine = a.claim(NS, key("k")).orElseThrow()) {
      assertTrue(mine.held());
      Thread.sleep(1_000);
      assertFalse(b.claim(NS, key("k")).orElseThrow().held(), "renewed by its live holder");
    }
  }

  @Test
  void claim_holderThatStoppedRenewing_expiresAfterTheTimeout() throws Exception {
    RedisStore b = open("memo.store.redis.claim-timeout", "300ms");
    try (Jedis jedis = raw(RedisServer.shared())) {
      // What a killed holder leaves: its token with the expiry it last set.
      jedis.set(
          new RedisKeys(prefix).claim(RedisKeys.namespaceId(NS), key("k")),
          "1@dead:0".getBytes(StandardCharsets.UTF_8),
          redis.clients.jedis.params.SetParams.setParams().px(300));
    }
    assertFalse(b.claim(NS, key("k")).orElseThrow().held());
    Thread.sleep(400);
    try (Store.Claim c = b.claim(NS, key("k")).orElseThrow()) {
      assertTrue(c.held());
    }
  }

  @Test
  void claimClose_afterAnotherProcessTookTheClaim_leavesTheirsAlone() throws Exception {
    RedisStore a = open();
    byte[] claimKey = new RedisKeys(prefix).claim(RedisKeys.namespaceId(NS), key("k"));
    Store.Claim mine = a.claim(NS, key("k")).orElseThrow();
    try (Jedis jedis = raw(RedisServer.shared())) {
      jedis.set(claimKey, "theirs".getBytes(StandardCharsets.UTF_8));
      mine.close();
      assertArrayEquals("theirs".getBytes(StandardCharsets.UTF_8), jedis.get(claimKey));
    }
  }

  @Test
  void claims_off_returnsEmpty() throws Exception {
    assertEquals(Optional.empty(), open("memo.store.redis.claims", "false").claim(NS, key("k")));
  }

  // ---------------------------------------------------------------- outages

  @Test
  void redisKilledAndRestarted_callsFailFastAndCountedLoggedOnce_thenTheStoreRecovers()
      throws Exception {
    own = RedisServer.start();
    RecordingLogger log = new RecordingLogger();
    RedisStore store = open(own, log, "memo.store.redis.timeout", "1s");
    store.put(NS, key("k"), out -> out.write(7));
    own.kill();
    long start = System.nanoTime();
    int failures = 0;
    for (int i = 0; i < 20; i++) {
      try {
        store.get(NS, key("k"));
      } catch (IOException e) {
        failures++;
      }
      try {
        store.put(NS, key("k" + i), out -> out.write(1));
      } catch (IOException e) {
        failures++;
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(40, failures);
    assertTrue(millis < 5_000, "40 calls on a dead Redis took " + millis + " ms");
    assertEquals(40, store.failureCount());
    assertEquals(1, log.messages(Level.WARNING).size(), log.entries::toString);
    assertTrue(
        log.messages(Level.WARNING)
            .get(0)
            .startsWith("the redis store at redis://127.0.0.1:" + own.port() + "/0 failed ("),
        log.messages(Level.WARNING).get(0));

    own.restart();
    Thread.sleep(Health.BACKOFF_NANOS / 1_000_000 + 50);
    store.put(NS, key("k"), out -> out.write(8));
    assertArrayEquals(new byte[] {8}, read(store, key("k")).orElseThrow());
    assertEquals(
        List.of(
            "the redis store at redis://127.0.0.1:"
                + own.port()
                + "/0 answers"
                + " again, after 40 failed calls; memo reads and writes it again"),
        log.messages(Level.INFO));
  }

  @NotSigned private static final AtomicInteger SQUARED = new AtomicInteger();

  private static Long square(Integer n) {
    SQUARED.incrementAndGet();
    return (long) n * n;
  }

  @Test
  void memo_redisDownMidRun_returnsComputedResults() throws Exception {
    SQUARED.set(0);
    own = RedisServer.start();
    RedisStore store = open(own, new RecordingLogger(), "memo.store.redis.timeout", "1s");
    try (Memo memo =
        Memo.builder()
            .store(store)
            .serde("java")
            .config("memo.object-tier.max-entries", "0")
            .build()) {
      Function<Integer, Long> f = memo.function("square", RedisStoreBehaviourTest::square);
      assertEquals(49L, f.apply(7));
      assertEquals(49L, f.apply(7));
      assertEquals(1, SQUARED.get());
      own.kill();
      for (int i = 0; i < 10; i++) {
        assertEquals((long) i * i, f.apply(i));
      }
      own.restart();
      Thread.sleep(Health.BACKOFF_NANOS / 1_000_000 + 50);
      assertEquals(121L, f.apply(11));
      int computed = SQUARED.get();
      assertEquals(121L, f.apply(11));
      assertEquals(computed, SQUARED.get(), "stored again once Redis is back");
    }
  }
}
