package dev.memo.testkit;

import java.nio.file.Path;
import java.util.Map;

final class TieredStoreTest extends StoreContract implements ListingContract {
  @Override
  protected String providerName() {
    return "tiered";
  }

  @Override
  protected Map<String, String> config(Path tempDir) {
    return Map.of(
        "memo.store.tiered.layers", "memory,directory",
        "memo.store.memory.max-bytes", "64MiB",
        "memo.store.directory.path", tempDir.resolve("store").toString());
  }
}
