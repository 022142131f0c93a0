package dev.memo.store.redis;

import dev.memo.testkit.ClaimsContract;
import dev.memo.testkit.ListingContract;
import dev.memo.testkit.StoreContract;
import java.nio.file.Path;
import java.util.Map;

/** The tiered store with Redis as its far layer, behind a memory and a directory store. */
final class TieredRedisStoreTest extends StoreContract implements ListingContract, ClaimsContract {
  @Override
  protected String providerName() {
    return "tiered";
  }

  @Override
  protected Map<String, String> config(Path tempDir) {
    return Map.of(
        "memo.store.tiered.layers",
        "memory,directory,redis",
        "memo.store.memory.max-bytes",
        "64MiB",
        "memo.store.directory.path",
        tempDir.resolve("store").toString(),
        "memo.store.redis.uri",
        RedisServer.shared().uri(),
        "memo.store.redis.key-prefix",
        "tiered-" + Integer.toHexString(tempDir.hashCode()) + ":",
        "memo.store.redis.unsigned",
        "true");
  }
}
