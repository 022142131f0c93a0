package dev.memo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.core.Memo;
import dev.memo.store.redis.RedisServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command on a real redis-server (started by the tests on a free loopback port) and on a tiered
 * store whose far layer is that server. Each test writes under a key prefix of its own.
 */
final class MemoCliRedisTest {
  @TempDir Path tempDir;

  private final Map<String, String> redis = new LinkedHashMap<>();

  @BeforeEach
  void prefix() {
    redis.put("memo.store.redis.uri", RedisServer.shared().uri());
    redis.put("memo.store.redis.key-prefix", "cli-" + UUID.randomUUID() + ":");
    redis.put("memo.store.redis.unsigned", "true");
  }

  private static MemoCliTest.Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = MemoCli.run(args, new PrintWriter(out), new PrintWriter(err), false);
    return new MemoCliTest.Run(code, out.toString(), err.toString());
  }

  /** The command's arguments with every redis setting as -D. */
  private String[] args(String... command) {
    List<String> all = new ArrayList<>(List.of(command));
    redis.forEach((k, v) -> all.addAll(List.of("-D", k + "=" + v)));
    return all.toArray(String[]::new);
  }

  private void writeEntries(String store, Map<String, String> config, int squares, int cubes) {
    Memo.Builder builder = Memo.builder().store(store);
    config.forEach(builder::config);
    try (Memo memo = builder.build()) {
      Function<Integer, Long> square = memo.function("square", x -> (long) x * x);
      Function<Integer, Long> cube = memo.function("cube", x -> (long) x * x * x);
      for (int i = 0; i < squares; i++) {
        square.apply(i);
      }
      for (int i = 0; i < cubes; i++) {
        cube.apply(i);
      }
    }
  }

  private boolean containsSquare(int x) {
    Memo.Builder builder = Memo.builder().store("redis");
    redis.forEach(builder::config);
    try (Memo memo = builder.build()) {
      return memo.contains(memo.function("square", (Integer y) -> (long) y * y), x);
    }
  }

  @Test
  void redisStore_byName_listsSumsUpVerifiesAndClears() {
    writeEntries("redis", redis, 3, 2);
    MemoCliTest.Run ls = run(args("ls", "--store", "redis"));
    assertEquals(0, ls.code(), ls.err());
    assertEquals("5 entries", ls.out().lines().reduce((a, b) -> b).orElseThrow(), ls.out());
    assertEquals(3, ls.out().lines().filter(l -> l.contains("square")).count(), ls.out());
    MemoCliTest.Run stats = run(args("stats", "--store", "redis"));
    assertEquals(0, stats.code(), stats.err());
    assertTrue(stats.out().contains("square"), stats.out());
    assertTrue(stats.out().contains("cube"), stats.out());
    MemoCliTest.Run verify = run(args("verify", "--store", "redis"));
    assertEquals(0, verify.code(), verify.err());
    assertTrue(verify.out().endsWith("all good" + System.lineSeparator()), verify.out());
    MemoCliTest.Run clear = run(args("clear", "--store", "redis", "cube"));
    assertEquals(0, clear.code(), clear.err());
    assertEquals("removed 2 entries of \"cube\"" + System.lineSeparator(), clear.out());
    assertTrue(containsSquare(1), "the other function's entries stay");
    MemoCliTest.Run clearAll = run(args("clear", "--store", "redis", "--all"));
    assertEquals(0, clearAll.code(), clearAll.err());
    assertFalse(containsSquare(1));
  }

  @Test
  void redisStore_prune_byListing_removesEntriesToTheBound() {
    writeEntries("redis", redis, 3, 0);
    MemoCliTest.Run keep = run(args("prune", "--store", "redis", "--max-age", "30d"));
    assertEquals(0, keep.code(), keep.err());
    assertTrue(containsSquare(1), "entries used within 30 days stay");
    MemoCliTest.Run prune = run(args("prune", "--store", "redis", "--max-bytes", "1"));
    assertEquals(0, prune.code(), prune.err());
    assertFalse(containsSquare(1));
    MemoCliTest.Run ls = run(args("ls", "--store", "redis"));
    assertEquals("0 entries", ls.out().lines().reduce((a, b) -> b).orElseThrow(), ls.out());
  }

  @Test
  void redisStore_withDir_isAUsageErrorSayingHowToConfigureIt() {
    MemoCliTest.Run r = run(args("ls", "--store", "redis", "--dir", tempDir.toString()));
    assertEquals(2, r.code());
    assertEquals(
        "--dir names the folder of a directory or chronicle store, but the store is \"redis\";"
            + " configure it with -D instead, such as -D memo.store.redis.uri=redis://host:6379"
            + " for redis, or -D memo.store.directory.path=DIR for the layers of tiered",
        r.err().lines().findFirst().orElseThrow());
  }

  @Test
  void redisStore_unreachable_failsNamingTheUriWithoutItsPassword() {
    redis.put("memo.store.redis.uri", "redis://user:secret@127.0.0.1:1");
    MemoCliTest.Run r = run(args("ls", "--store", "redis"));
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("memo: "), r.err());
    assertTrue(r.err().contains("127.0.0.1:1"), r.err());
    assertFalse(r.err().contains("secret"), r.err());
  }

  @Test
  void tieredStore_directoryInFrontOfRedis_listsTheEntries() {
    Map<String, String> tiered = new LinkedHashMap<>(redis);
    tiered.put("memo.store.tiered.layers", "directory,redis");
    tiered.put("memo.store.directory.path", tempDir.resolve("near").toString());
    writeEntries("tiered", tiered, 4, 0);
    List<String> all = new ArrayList<>(List.of("ls", "--store", "tiered"));
    tiered.forEach((k, v) -> all.addAll(List.of("-D", k + "=" + v)));
    MemoCliTest.Run ls = run(all.toArray(String[]::new));
    assertEquals(0, ls.code(), ls.err());
    assertEquals("4 entries", ls.out().lines().reduce((a, b) -> b).orElseThrow(), ls.out());
    // The far layer alone holds them too: every result was written through.
    MemoCliTest.Run far = run(args("ls", "--store", "redis"));
    assertEquals("4 entries", far.out().lines().reduce((a, b) -> b).orElseThrow(), far.out());
  }
}
