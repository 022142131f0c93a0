package com.example.mapstore;

import dev.memo.testkit.StoreContract;
import java.nio.file.Path;
import java.util.Map;

/** The whole store contract on a store with only the required methods, on the class path. */
final class MapStoreTest extends StoreContract {
  @Override
  protected String providerName() {
    return "map";
  }

  @Override
  protected Map<String, String> config(Path tempDir) {
    return Map.of();
  }

  @Override
  protected boolean persistent() {
    return false;
  }
}
