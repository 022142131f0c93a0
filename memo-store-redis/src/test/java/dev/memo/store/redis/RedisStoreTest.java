package dev.memo.store.redis;

import dev.memo.testkit.ClaimsContract;
import dev.memo.testkit.ListingContract;
import dev.memo.testkit.StoreContract;
import java.nio.file.Path;
import java.util.Map;

final class RedisStoreTest extends StoreContract implements ListingContract, ClaimsContract {
  @Override
  protected String providerName() {
    return "redis";
  }

  @Override
  protected Map<String, String> config(Path tempDir) {
    return Map.of(
        "memo.store.redis.uri",
        RedisServer.shared().uri(),
        "memo.store.redis.key-prefix",
        "test-" + Integer.toHexString(tempDir.hashCode()) + ":",
        "memo.store.redis.unsigned",
        "true");
  }
}
