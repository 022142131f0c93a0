package com.example.mapstore;

import dev.memo.MemoConfig;
import dev.memo.spi.Store;
import dev.memo.spi.StoreProvider;

/** Provides the {@code map} store; registered in {@code META-INF/services} only. */
public final class MapStoreProvider implements StoreProvider {
  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public MapStoreProvider() {}

  @Override
  public String name() {
    return "map";
  }

  @Override
  public Store create(MemoConfig config) {
    return new MapStore();
  }
}
