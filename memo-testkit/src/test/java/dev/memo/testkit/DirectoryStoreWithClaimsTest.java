package dev.memo.testkit;

import java.nio.file.Path;
import java.util.Map;

final class DirectoryStoreWithClaimsTest extends StoreContract
    implements ListingContract, PruningContract, ClaimsContract {
  @Override
  protected String providerName() {
    return "directory";
  }

  @Override
  protected Map<String, String> config(Path tempDir) {
    return Map.of(
        "memo.store.directory.path",
        tempDir.resolve("store").toString(),
        "memo.store.directory.claims",
        "true");
  }
}
