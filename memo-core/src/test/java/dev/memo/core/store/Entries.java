package dev.memo.core.store;

import dev.memo.Signature;
import dev.memo.spi.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.Random;

/** Helpers that write and read whole entries. */
final class Entries {
  private Entries() {}

  static Signature key(String name) {
    return Signature.of(sha256(name.getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static void put(Store store, String namespace, Signature key, byte[] bytes) throws IOException {
    store.put(namespace, key, out -> out.write(bytes));
  }

  static Optional<byte[]> read(Store store, String namespace, Signature key) throws IOException {
    Optional<InputStream> in = store.get(namespace, key);
    if (in.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream stream = in.get()) {
      return Optional.of(stream.readAllBytes());
    }
  }
}
