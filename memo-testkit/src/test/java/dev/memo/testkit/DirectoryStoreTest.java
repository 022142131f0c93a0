package dev.memo.testkit;

import java.nio.file.Path;
import java.util.Map;

final class DirectoryStoreTest extends StoreContract implements ListingContract, PruningContract {
  @Override
  protected String providerName() {
    return "directory";
  }

  @Override
  protected Map<String, String> config(Path tempDir) {
    return Map.of("memo.store.directory.path", tempDir.resolve("store").toString());
  }
}
