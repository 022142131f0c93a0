package dev.memo.store.chronicle;

import dev.memo.testkit.ListingContract;
import dev.memo.testkit.StoreContract;
import java.nio.file.Path;
import java.util.Map;

/** The tiered store with the chronicle store as its near layer, in front of a directory store. */
final class TieredChronicleStoreTest extends StoreContract implements ListingContract {
  @Override
  protected String providerName() {
    return "tiered";
  }

  @Override
  protected Map<String, String> config(Path tempDir) {
    return Map.of(
        "memo.store.tiered.layers", "chronicle,directory",
        "memo.store.chronicle.path", tempDir.resolve("near").toString(),
        "memo.store.directory.path", tempDir.resolve("far").toString());
  }
}
