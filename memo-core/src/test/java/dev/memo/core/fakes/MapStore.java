package dev.memo.core.fakes;

import dev.memo.Signature;
import dev.memo.StoreException;
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

/** A store over a map, for tests that need to see and change the raw entries. */
public class MapStore implements Store {
  public final Map<String, byte[]> entries = new ConcurrentHashMap<>();
  public final List<String> quarantined = new CopyOnWriteArrayList<>();
  private final String name;
  private volatile boolean closed;

  public MapStore() {
    this("map");
  }

  public MapStore(String name) {
    this.name = name;
  }

  /** Keys of the entries of memoized functions, without memo's own records. */
  public java.util.Set<String> valueKeys() {
    return entries.keySet().stream()
        .filter(k -> !k.startsWith("\u0001"))
        .collect(java.util.stream.Collectors.toSet());
  }

  public static String key(String namespace, Signature key) {
    return namespace + "/" + key.hex();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Optional<InputStream> get(String namespace, Signature key) {
    check();
    byte[] b = entries.get(key(namespace, key));
    return b == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(b));
  }

  @Override
  public void put(String namespace, Signature key, EntryWriter writer) throws IOException {
    check();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.writeTo(out);
    entries.put(key(namespace, key), out.toByteArray());
  }

  @Override
  public boolean remove(String namespace, Signature key) {
    check();
    return entries.remove(key(namespace, key)) != null;
  }

  @Override
  public void quarantine(String namespace, Signature key, String reason) {
    quarantined.add(key(namespace, key) + " " + reason);
    remove(namespace, key);
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
  }

  private void check() {
    if (closed) {
      throw new StoreException("map store is closed");
    }
  }
}
