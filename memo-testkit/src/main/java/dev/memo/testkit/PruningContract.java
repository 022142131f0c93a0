package dev.memo.testkit;

import static dev.memo.testkit.StoreContract.NS;
import static dev.memo.testkit.StoreContract.bytes;
import static dev.memo.testkit.StoreContract.key;
import static dev.memo.testkit.StoreContract.put;
import static dev.memo.testkit.StoreContract.random;
import static dev.memo.testkit.StoreContract.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.StoreException;
import dev.memo.spi.Store;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Store.Capability#PRUNING}: {@link Store#prune}. A store test that extends
 * {@link StoreContract} implements this interface exactly when its store declares the capability;
 * {@link StoreContract} checks that it does. Only the size bound is exercised: a store may refuse
 * an age bound when it does not track time.
 */
public interface PruningContract {
  /**
   * Opens a store of the provider under test; {@link StoreContract#openStore()} implements it.
   *
   * @return a new store, closed after the test
   */
  Store openStore();

  @Test
  default void prune_withoutBounds_removesNothing() throws IOException {
    Store store = openStore();
    for (int i = 0; i < 3; i++) {
      put(store, NS, key("k" + i), random(1000, i));
    }
    Store.Pruned pruned = store.prune(Long.MAX_VALUE, null);
    assertEquals(0, pruned.removedEntries(), pruned::toString);
    assertEquals(0, pruned.removedBytes(), pruned::toString);
    assertEquals(3, pruned.entries(), pruned::toString);
    assertTrue(pruned.bytes() >= 3000, pruned::toString);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(random(1000, i), read(store, NS, key("k" + i)).orElseThrow());
    }
  }

  @Test
  default void prune_toZeroBytes_removesEveryEntryAndCountsThem() throws IOException {
    Store store = openStore();
    for (int i = 0; i < 3; i++) {
      put(store, NS, key("k" + i), random(1000, i));
    }
    put(store, "other", key("k"), random(500, 9));
    Store.Pruned pruned = store.prune(0, null);
    assertEquals(4, pruned.removedEntries(), pruned::toString);
    assertTrue(pruned.removedBytes() >= 3500, pruned::toString);
    assertEquals(0, pruned.entries(), pruned::toString);
    assertEquals(0, pruned.bytes(), pruned::toString);
    for (int i = 0; i < 3; i++) {
      assertEquals(Optional.empty(), read(store, NS, key("k" + i)));
    }
    assertEquals(Optional.empty(), read(store, "other", key("k")));
  }

  @Test
  default void prune_toSomeBytes_keepsAtMostThem() throws IOException {
    Store store = openStore();
    for (int i = 0; i < 10; i++) {
      put(store, NS, key("k" + i), random(1000, i));
    }
    long total = store.prune(Long.MAX_VALUE, null).bytes();
    Store.Pruned pruned = store.prune(total / 2, null);
    assertTrue(pruned.bytes() <= total / 2, pruned::toString);
    assertTrue(pruned.removedEntries() >= 5, pruned::toString);
    assertEquals(10, pruned.entries() + pruned.removedEntries(), pruned::toString);
    int left = 0;
    for (int i = 0; i < 10; i++) {
      Optional<byte[]> found = read(store, NS, key("k" + i));
      if (found.isPresent()) {
        assertArrayEquals(random(1000, i), found.get(), "a kept entry is whole");
        left++;
      }
    }
    assertEquals(pruned.entries(), left);
  }

  @Test
  default void prune_thenPut_storesTheNewEntry() throws IOException {
    Store store = openStore();
    put(store, NS, key("k"), bytes("old"));
    store.prune(0, null);
    put(store, NS, key("k"), bytes("new"));
    assertArrayEquals(bytes("new"), read(store, NS, key("k")).orElseThrow());
  }

  @Test
  default void prune_afterClose_throwsStoreException() {
    Store store = openStore();
    store.close();
    assertThrows(StoreException.class, () -> store.prune(0, null));
  }
}
