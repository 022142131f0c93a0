package dev.memo.bench;

import dev.memo.MemoConfig;
import dev.memo.core.config.ProviderSelector;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;
import dev.memo.spi.Signer;
import dev.memo.spi.SignerProvider;
import dev.memo.spi.Store;
import dev.memo.spi.StoreProvider;
import java.nio.file.Path;
import java.util.Map;

/** Creates backends by name through the same provider selection users go through. */
final class Backends {
  private Backends() {}

  private static final ClassLoader LOADER = Backends.class.getClassLoader();

  static Signer signer(String name) {
    var s = ProviderSelector.load(SignerProvider.class, "signer", LOADER);
    return s.create(s.select(name, MemoConfig.empty()), MemoConfig.empty());
  }

  static Serde serde(String name) {
    var s = ProviderSelector.load(SerdeProvider.class, "serde", LOADER);
    return s.create(s.select(name, MemoConfig.empty()), MemoConfig.empty());
  }

  static Store store(String name, Path dir) {
    MemoConfig config =
        MemoConfig.of(
            Map.of(
                "memo.store.directory.path", dir.resolve("directory").toString(),
                "memo.store.chronicle.path", dir.resolve("chronicle").toString(),
                "memo.store.memory.max-bytes", "8GiB"));
    var s = ProviderSelector.load(StoreProvider.class, "store", LOADER);
    return s.create(s.select(name, config), config);
  }
}
