package dev.memo.testkit;

import java.nio.file.Path;
import java.util.Map;

final class MemoryStoreTest extends StoreContract implements ListingContract {
  @Override
  protected String providerName() {
    return "memory";
  }

  @Override
  protected Map<String, String> config(Path tempDir) {
    return Map.of("memo.store.memory.max-bytes", "64MiB");
  }

  @Override
  protected boolean persistent() {
    return false;
  }
}
