package dev.memo.store.chronicle;

import dev.memo.MemoConfig;
import dev.memo.Signature;
import dev.memo.spi.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/** Deterministic entries for tests: each key's bytes can be recomputed and checked anywhere. */
final class Payloads {
  static final String NS = "dev.memo.store.chronicle.Test#fn";

  private Payloads() {}

  /** Opens a store on a folder with options given as relative keys and values. */
  static ChronicleStore open(Path root, String... options) {
    Map<String, String> values = new HashMap<>();
    values.put("memo.store.chronicle.path", root.toString());
    for (int i = 0; i < options.length; i += 2) {
      values.put("memo.store.chronicle." + options[i], options[i + 1]);
    }
    return (ChronicleStore)
        new ChronicleStoreProvider()
            .create(MemoConfig.of("test", values).scoped("memo.store.chronicle"));
  }

  static Signature key(long i) {
    try {
      return Signature.of(
          MessageDigest.getInstance("SHA-256")
              .digest(Long.toString(i).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Returns the size of key i's entry: mostly small, every 7th above the inline limit of 16KiB. */
  static int size(long i) {
    return i % 7 == 3 ? 20_000 + (int) (i % 5) * 1000 : (int) (i * 37 % 3000);
  }

  /** Returns the bytes writer {@code w} puts under key i. */
  static byte[] payload(long i, int w) {
    byte[] b = new byte[size(i)];
    new Random(i * 31 + w).nextBytes(b);
    return b;
  }

  static void put(Store store, Signature key, byte[] bytes) throws IOException {
    store.put(NS, key, out -> out.write(bytes));
  }

  static Optional<byte[]> read(Store store, Signature key) throws IOException {
    Optional<InputStream> in = store.get(NS, key);
    if (in.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream s = in.get()) {
      return Optional.of(s.readAllBytes());
    }
  }
}
