package dev.memo.bench;

import dev.memo.MemoFunction;
import dev.memo.core.Memo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.params.ScanParams;

/**
 * Hits and misses on the {@code redis} store and on {@code tiered} (directory in front of redis),
 * of a small call ({@code Double}) and of a 1 MiB {@code double[]}, on a redis-server this
 * benchmark starts itself (see {@link BenchRedis}). Object tier off, so that every hit reads the
 * store; the store unsigned (no integrity key), so that the figure is the store's.
 *
 * <ul>
 *   <li>{@code hit} vs {@code hitBaseline}: for {@code redis}, a raw Jedis {@code GET} of the very
 *       bytes the entry occupies in Redis (pooled connection, as the store's); for {@code tiered},
 *       where the entry is already in the near layer, the same memoized hit on a plain {@code
 *       directory} store.
 *   <li>{@code miss} vs {@code missBaseline}: {@code invalidate} then the call (compute, claim,
 *       put, explain record) vs a raw {@code DEL} and {@code SET} of the entry's bytes.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RedisBench {
  @Param({"redis", "tiered"})
  public String store;

  @Param({"small", "large"})
  public String size;

  private static final int LARGE = 1 << 17; // doubles: 1 MiB

  static Double small(Integer n) {
    return n * 1.5;
  }

  private BenchRedis server;
  private Path dir;
  private Memo memo;
  private Memo directory;
  private MemoFunction<Integer, Object> function;
  private java.util.function.Function<Integer, Object> memoized;
  private java.util.function.Function<Integer, Object> onDirectory;
  private JedisPool pool;
  private byte[] entryKey;
  private byte[] entryBytes;
  private int argument;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    server = BenchRedis.start();
    dir = Files.createTempDirectory("memo-bench-redis");
    String name = "bench-redis-" + size;
    argument = size.equals("small") ? 7 : LARGE;
    function = size.equals("small") ? RedisBench::small : LargeHitBench::doubles;
    Memo.Builder b =
        Memo.builder()
            .store(store)
            .serde("java")
            .signer("sha256")
            .config("memo.store.tiered.layers", "directory,redis")
            .config("memo.store.directory.path", dir.resolve("near").toString())
            .config("memo.store.redis.uri", server.uri())
            .config("memo.store.redis.key-prefix", "bench:")
            .config("memo.store.redis.unsigned", "true")
            .config("memo.object-tier.max-entries", "0"); // every hit reads the store
    memo = b.build();
    memoized = memo.function(name, function);
    memoized.apply(argument);
    directory =
        Memo.builder()
            .store("directory")
            .serde("java")
            .signer("sha256")
            .config("memo.store.directory.path", dir.resolve("plain").toString())
            .config("memo.object-tier.max-entries", "0")
            .build();
    onDirectory = directory.function(name, function);
    onDirectory.apply(argument);
    pool = new JedisPool("127.0.0.1", server.port());
    try (Jedis jedis = pool.getResource()) {
      byte[] pattern = ("bench:e:{" + namespaceId(name) + ":*").getBytes(StandardCharsets.UTF_8);
      List<byte[]> keys =
          jedis
              .scan(
                  ScanParams.SCAN_POINTER_START_BINARY, new ScanParams().match(pattern).count(1000))
              .getResult();
      if (keys.size() != 1) {
        throw new IllegalStateException(
            "expected one entry of " + name + " in Redis, found " + keys.size());
      }
      entryKey = keys.get(0);
      entryBytes = jedis.get(entryKey);
    }
  }

  /** As the redis store names a namespace: the first 16 bytes of SHA-256 of its UTF-16BE units. */
  private static String namespaceId(String namespace) throws NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256")
                .digest(namespace.getBytes(StandardCharsets.UTF_16BE)),
            0,
            16);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    memo.close();
    directory.close();
    pool.close();
    server.close();
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public Object hit() {
    return memoized.apply(argument);
  }

  @Benchmark
  public Object hitBaseline() {
    if (store.equals("tiered")) {
      return onDirectory.apply(argument);
    }
    try (Jedis jedis = pool.getResource()) {
      return jedis.get(entryKey);
    }
  }

  @Benchmark
  public Object miss() {
    memo.invalidate(memoized, argument);
    return memoized.apply(argument);
  }

  @Benchmark
  public Object missBaseline() {
    try (Jedis jedis = pool.getResource()) {
      jedis.del(entryKey);
      return jedis.set(entryKey, entryBytes);
    }
  }
}
