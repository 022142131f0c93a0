package com.example.mapstore;

import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.spi.Store;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A first backend as a user writes it: the required methods only (get, put, remove) over a map, no
 * optional capability, no module-info. It proves that such a store passes every contract test that
 * applies to it; the README's "Writing a backend" shows the same store.
 */
final class MapStore implements Store {
  private record Key(String namespace, Signature key) {}

  private final Map<Key, byte[]> entries = new ConcurrentHashMap<>();
  private volatile boolean closed;

  @Override
  public String name() {
    return "map";
  }

  @Override
  public Optional<InputStream> get(String namespace, Signature key) {
    checkOpen();
    byte[] bytes = entries.get(new Key(namespace, key));
    return bytes == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(bytes));
  }

  @Override
  public void put(String namespace, Signature key, EntryWriter writer) throws IOException {
    checkOpen();
    // Collected first, published by one map write: readers see a whole entry or none.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    writer.writeTo(bytes);
    entries.put(new Key(namespace, key), bytes.toByteArray());
  }

  @Override
  public boolean remove(String namespace, Signature key) {
    checkOpen();
    return entries.remove(new Key(namespace, key)) != null;
  }

  @Override
  public void close() {
    closed = true;
  }

  private void checkOpen() {
    if (closed) {
      throw new StoreException("map store is closed");
    }
  }
}
