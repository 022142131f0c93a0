package dev.memo.testkit;

import static dev.memo.testkit.StoreContract.NS;
import static dev.memo.testkit.StoreContract.bytes;
import static dev.memo.testkit.StoreContract.hostileNamespaces;
import static dev.memo.testkit.StoreContract.key;
import static dev.memo.testkit.StoreContract.put;
import static dev.memo.testkit.StoreContract.random;
import static dev.memo.testkit.StoreContract.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.spi.Store;
import dev.memo.spi.StoreEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Store.Capability#LISTING}: {@link Store#namespaces()}, {@link
 * Store#forEachEntry} and {@link Store#clear}. A store test that extends {@link StoreContract}
 * implements this interface exactly when its store declares the capability; {@link StoreContract}
 * checks that it does:
 *
 * <pre>{@code
 * final class ChronicleStoreTest extends StoreContract implements ListingContract, PruningContract {
 *   ...
 * }
 * }</pre>
 */
public interface ListingContract {
  /**
   * Opens a store of the provider under test; {@link StoreContract#openStore()} implements it.
   *
   * @return a new store, closed after the test
   */
  Store openStore();

  @Test
  default void namespaces_afterPuts_listsEachOnce() throws IOException {
    Store store = openStore();
    assertEquals(Set.of(), store.namespaces());
    put(store, "a", key("1"), bytes("x"));
    put(store, "a", key("2"), bytes("y"));
    put(store, "b", key("1"), bytes("z"));
    assertEquals(Set.of("a", "b"), store.namespaces());
  }

  @Test
  default void namespaces_hostileNamespaces_readBackAsThemselves() throws IOException {
    Store store = openStore();
    Set<String> all = hostileNamespaces().collect(Collectors.toSet());
    for (String namespace : all) {
      put(store, namespace, key("k"), bytes("v"));
    }
    assertEquals(all, store.namespaces());
  }

  @Test
  default void forEachEntry_listsEveryKeyWithItsSize() throws IOException {
    Store store = openStore();
    Map<Signature, Integer> expected = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      Signature k = key("k" + i);
      byte[] v = random(i * 97, i);
      put(store, NS, k, v);
      expected.put(k, v.length);
    }
    put(store, "other", key("k0"), bytes("elsewhere"));
    Map<Signature, Integer> listed = new HashMap<>();
    store.forEachEntry(NS, e -> assertEquals(null, listed.put(e.key(), (int) e.size())));
    assertEquals(expected, listed);
  }

  @Test
  default void forEachEntry_keysOfDifferentLengths_listedAsWritten() throws IOException {
    Store store = openStore();
    Signature shortKey = Signature.of(new byte[] {1, 2, 3});
    Signature longKey = key("long");
    put(store, NS, shortKey, bytes("short"));
    put(store, NS, longKey, bytes("long"));
    Set<Signature> listed = new HashSet<>();
    store.forEachEntry(NS, e -> listed.add(e.key()));
    assertEquals(Set.of(shortKey, longKey), listed);
  }

  @Test
  default void forEachEntry_absentNamespace_listsNothing() throws IOException {
    Store store = openStore();
    put(store, NS, key("k"), bytes("v"));
    List<StoreEntry> listed = new ArrayList<>();
    store.forEachEntry("never-written", listed::add);
    assertEquals(List.of(), listed);
  }

  @Test
  default void forEachEntry_removedAndQuarantinedEntries_areNotListed() throws IOException {
    Store store = openStore();
    put(store, NS, key("kept"), bytes("v"));
    put(store, NS, key("removed"), bytes("v"));
    put(store, NS, key("quarantined"), bytes("v"));
    store.remove(NS, key("removed"));
    store.quarantine(NS, key("quarantined"), "test");
    List<Signature> listed = new ArrayList<>();
    store.forEachEntry(NS, e -> listed.add(e.key()));
    assertEquals(List.of(key("kept")), listed);
  }

  @Test
  default void forEachEntry_actionRemovingEntries_seesEachOnce() throws IOException {
    Store store = openStore();
    for (int i = 0; i < 20; i++) {
      put(store, NS, key("k" + i), bytes("v"));
    }
    List<Signature> seen = new ArrayList<>();
    store.forEachEntry(
        NS,
        e -> {
          seen.add(e.key());
          try {
            assertTrue(store.remove(NS, e.key()));
          } catch (IOException x) {
            throw new AssertionError(x);
          }
        });
    assertEquals(20, seen.size());
    assertEquals(20, new HashSet<>(seen).size());
    assertEquals(Optional.empty(), read(store, NS, key("k3")));
  }

  @Test
  default void clear_removesOnlyThatNamespace_andCountsIt() throws IOException {
    Store store = openStore();
    for (int i = 0; i < 12; i++) {
      put(store, NS, key("k" + i), bytes("v" + i));
    }
    put(store, "other", key("k0"), bytes("stays"));
    assertEquals(12, store.clear(NS));
    assertEquals(Optional.empty(), read(store, NS, key("k0")));
    assertArrayEquals(bytes("stays"), read(store, "other", key("k0")).orElseThrow());
    assertEquals(0, store.clear(NS));
    assertEquals(0, store.clear("never-written"));
    put(store, NS, key("k0"), bytes("again"));
    assertArrayEquals(bytes("again"), read(store, NS, key("k0")).orElseThrow());
  }

  @Test
  default void listing_afterClose_throwsStoreException() {
    Store store = openStore();
    store.close();
    assertThrows(StoreException.class, store::namespaces);
    assertThrows(StoreException.class, () -> store.forEachEntry(NS, e -> {}));
    assertThrows(StoreException.class, () -> store.clear(NS));
  }
}
