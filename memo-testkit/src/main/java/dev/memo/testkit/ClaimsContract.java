package dev.memo.testkit;

import static dev.memo.testkit.StoreContract.NS;
import static dev.memo.testkit.StoreContract.key;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.StoreException;
import dev.memo.spi.Store;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Store.Capability#CLAIMS}: {@link Store#claim}. A store test that extends
 * {@link StoreContract} implements this interface exactly when its store, as configured, declares
 * the capability; {@link StoreContract} checks that it does. A claim stands for a process: while
 * one is held, claiming the same entry again, from this process or another, is held elsewhere.
 */
public interface ClaimsContract {
  /**
   * Opens a store of the provider under test; {@link StoreContract#openStore()} implements it.
   *
   * @return a new store, closed after the test
   */
  Store openStore();

  @Test
  default void claim_free_isHeld_andClosingItFreesIt() throws IOException {
    Store store = openStore();
    try (Store.Claim first = store.claim(NS, key("k")).orElseThrow()) {
      assertTrue(first.held());
    }
    try (Store.Claim again = store.claim(NS, key("k")).orElseThrow()) {
      assertTrue(again.held(), "a closed claim is free to take");
    }
  }

  @Test
  default void claim_whileHeld_isHeldElsewhere() throws IOException {
    Store store = openStore();
    Store other = openStore();
    try (Store.Claim first = store.claim(NS, key("k")).orElseThrow()) {
      assertTrue(first.held());
      try (Store.Claim second = other.claim(NS, key("k")).orElseThrow()) {
        assertFalse(second.held(), "one computation per entry while the claim is held");
      }
      try (Store.Claim otherKey = other.claim(NS, key("other")).orElseThrow()) {
        assertTrue(otherKey.held(), "a claim covers one entry");
      }
    }
  }

  @Test
  default void claim_afterClose_throwsStoreException() {
    Store store = openStore();
    store.close();
    assertThrows(StoreException.class, () -> store.claim(NS, key("k")));
  }
}
