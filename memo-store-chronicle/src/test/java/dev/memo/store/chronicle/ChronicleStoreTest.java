package dev.memo.store.chronicle;

import dev.memo.testkit.ListingContract;
import dev.memo.testkit.PruningContract;
import dev.memo.testkit.StoreContract;
import java.nio.file.Path;
import java.util.Map;

final class ChronicleStoreTest extends StoreContract implements ListingContract, PruningContract {
  @Override
  protected String providerName() {
    return "chronicle";
  }

  @Override
  protected Map<String, String> config(Path tempDir) {
    return Map.of("memo.store.chronicle.path", tempDir.resolve("store").toString());
  }
}
