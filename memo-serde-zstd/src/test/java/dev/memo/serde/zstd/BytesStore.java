package dev.memo.serde.zstd;

import dev.memo.Signature;
import dev.memo.spi.Store;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A store over a map whose entries a test can read and replace, as an attacker would. */
final class BytesStore implements Store {
  final Map<String, byte[]> entries = new ConcurrentHashMap<>();
  final List<String> written = new CopyOnWriteArrayList<>();
  final List<String> quarantined = new CopyOnWriteArrayList<>();

  private static String key(String namespace, Signature key) {
    return namespace + "/" + key.hex();
  }

  @Override
  public String name() {
    return "bytes";
  }

  @Override
  public Optional<InputStream> get(String namespace, Signature key) {
    byte[] b = entries.get(key(namespace, key));
    return b == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(b));
  }

  @Override
  public void put(String namespace, Signature key, EntryWriter writer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.writeTo(out);
    entries.put(key(namespace, key), out.toByteArray());
    written.add(key(namespace, key));
  }

  @Override
  public boolean remove(String namespace, Signature key) {
    return entries.remove(key(namespace, key)) != null;
  }

  @Override
  public void quarantine(String namespace, Signature key, String reason) {
    quarantined.add(reason);
    remove(namespace, key);
  }

  @Override
  public void close() {}
}
