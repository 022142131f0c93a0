package dev.memo.core.fakes;

import dev.memo.Signature;
import dev.memo.spi.Store;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** A store whose writes fail the way a full disk fails. */
public final class FailingStore implements Store {
  public volatile int puts;

  @Override
  public String name() {
    return "full";
  }

  @Override
  public Optional<InputStream> get(String namespace, Signature key) {
    return Optional.empty();
  }

  @Override
  public void put(String namespace, Signature key, EntryWriter writer) throws IOException {
    puts++;
    throw new IOException("No space left on device");
  }

  @Override
  public boolean remove(String namespace, Signature key) {
    return false;
  }

  @Override
  public void close() {}
}
