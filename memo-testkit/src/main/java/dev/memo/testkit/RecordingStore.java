package dev.memo.testkit;

import dev.memo.Signature;
import dev.memo.spi.Store;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Passes every call to a store and remembers the keys written, so a test can reach the entries. */
final class RecordingStore implements Store {
  record Key(String namespace, Signature signature) {}

  private final Store store;
  final List<Key> written = new CopyOnWriteArrayList<>();

  RecordingStore(Store store) {
    this.store = store;
  }

  @Override
  public String name() {
    return store.name();
  }

  @Override
  public Optional<InputStream> get(String namespace, Signature key) throws IOException {
    return store.get(namespace, key);
  }

  @Override
  public void put(String namespace, Signature key, EntryWriter writer) throws IOException {
    store.put(namespace, key, writer);
    written.add(new Key(namespace, key));
  }

  @Override
  public boolean remove(String namespace, Signature key) throws IOException {
    return store.remove(namespace, key);
  }

  @Override
  public void quarantine(String namespace, Signature key, String reason) throws IOException {
    store.quarantine(namespace, key, reason);
  }

  @Override
  public void close() {
    store.close();
  }
}
