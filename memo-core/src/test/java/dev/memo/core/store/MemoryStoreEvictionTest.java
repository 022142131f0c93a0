package dev.memo.core.store;

import static dev.memo.core.store.Entries.bytes;
import static dev.memo.core.store.Entries.key;
import static dev.memo.core.store.Entries.put;
import static dev.memo.core.store.Entries.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

final class MemoryStoreEvictionTest {
  private static final String NS = "dev.memo.Fn#compute";

  static MemoryStore open(String maxBytes) {
    Map<String, String> values =
        maxBytes == null ? Map.of() : Map.of("memo.store.memory.max-bytes", maxBytes);
    return (MemoryStore)
        new MemoryStoreProvider().create(MemoConfig.of("test", values).scoped("memo.store.memory"));
  }

  @Test
  void put_beyondMaxBytes_evictsUntilTheEntriesFit() throws IOException {
    try (MemoryStore store = open("100KiB")) {
      int entries = 30;
      for (int i = 0; i < entries; i++) {
        put(store, NS, key("k" + i), Entries.random(10 * 1024, i));
      }
      store.cache().cleanUp();
      long kept = 0;
      int present = 0;
      for (int i = 0; i < entries; i++) {
        Optional<byte[]> bytes = read(store, NS, key("k" + i));
        if (bytes.isPresent()) {
          assertArrayEquals(Entries.random(10 * 1024, i), bytes.get());
          kept += bytes.get().length + key("k" + i).length();
          present++;
        }
      }
      assertTrue(kept <= 100 * 1024, "kept " + kept + " bytes");
      // Ten entries of 10 KiB plus their keys exceed 100 KiB: at most nine fit.
      assertTrue(present >= 1 && present <= 9, "entries kept: " + present);
    }
  }

  @Test
  void put_entryLargerThanTheWholeStore_isRefusedEarlyAndKeepsThePrevious() throws IOException {
    try (MemoryStore store = open("64KiB")) {
      put(store, NS, key("k"), bytes("previous"));
      AtomicLong written = new AtomicLong();
      StoreException e =
          assertThrows(
              StoreException.class,
              () ->
                  store.put(
                      NS,
                      key("k"),
                      out -> {
                        for (int i = 0; i < 1024; i++) {
                          out.write(new byte[1024]);
                          written.addAndGet(1024);
                        }
                      }));
      assertEquals(
          "an entry of namespace \""
              + NS
              + "\" is larger than the memory store's whole capacity of 65536 bytes; raise"
              + " memo.store.memory.max-bytes or use the directory store",
          e.getMessage());
      assertEquals(64 * 1024, written.get());
      assertArrayEquals(bytes("previous"), read(store, NS, key("k")).orElseThrow());
    }
  }

  @Test
  void get_streamOpenedBeforeAnOverwrite_readsItsOwnSnapshot() throws IOException {
    try (MemoryStore store = open(null)) {
      put(store, NS, key("k"), bytes("first"));
      try (InputStream in = store.get(NS, key("k")).orElseThrow()) {
        put(store, NS, key("k"), bytes("second"));
        assertArrayEquals(bytes("first"), in.readAllBytes());
      }
    }
  }

  @Test
  void create_withoutMaxBytes_holds256MiB() {
    try (MemoryStore store = open(null)) {
      assertEquals(256L * 1024 * 1024, store.maxBytes());
    }
  }

  @Test
  void create_maxBytesWithUnit_isParsed() {
    try (MemoryStore store = open("3MiB")) {
      assertEquals(3L * 1024 * 1024, store.maxBytes());
    }
  }

  @Test
  void create_maxBytesNotASize_throwsMemoConfigurationException() {
    MemoConfigurationException e =
        assertThrows(MemoConfigurationException.class, () -> open("lots"));
    assertEquals(
        "memo.store.memory.max-bytes is \"lots\" (from test) but must be a size in bytes such as"
            + " 1048576, 512KiB, 64MiB or 2GiB",
        e.getMessage());
  }

  @Test
  void operations_afterClose_throwStoreException() throws IOException {
    MemoryStore store = open(null);
    put(store, NS, key("k"), bytes("x"));
    store.close();
    store.close();
    for (StoreException e :
        new StoreException[] {
          assertThrows(StoreException.class, () -> store.get(NS, key("k"))),
          assertThrows(StoreException.class, () -> put(store, NS, key("k"), bytes("y"))),
          assertThrows(StoreException.class, () -> store.remove(NS, key("k"))),
          assertThrows(StoreException.class, () -> store.quarantine(NS, key("k"), "late"))
        }) {
      assertEquals("memory store is closed", e.getMessage());
    }
    assertEquals(0, store.cache().estimatedSize());
  }
}
