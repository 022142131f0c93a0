package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.NotSigned;
import dev.memo.Signature;
import dev.memo.core.fakes.MapStore;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The leader of a computation looks in the store again only when a computation of this process may
 * have stored the key since its caller's first look.
 */
class SecondLookTest {
  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();

  /** A store that counts the reads of entries (not of memo's records). */
  static class CountingStore extends MapStore {
    final AtomicInteger entryReads = new AtomicInteger();

    @Override
    public Optional<InputStream> get(String namespace, Signature key) {
      if (!namespace.equals(MissRecords.NAMESPACE)) {
        entryReads.incrementAndGet();
      }
      return super.get(namespace, key);
    }
  }

  /**
   * A store whose first read of an entry answers what it holds at once, but returns that answer
   * only when released: the reader's first look, held while another caller computes and stores.
   */
  static final class HeldFirstLookStore extends CountingStore {
    final CountDownLatch firstLookDone = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public Optional<InputStream> get(String namespace, Signature key) {
      Optional<InputStream> found = super.get(namespace, key);
      if (!namespace.equals(MissRecords.NAMESPACE) && entryReads.get() == 1) {
        firstLookDone.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return found;
    }
  }

  private static Function<Integer, Integer> doubling(Memo memo) {
    return memo.function(
        "doubling",
        x -> {
          CALLS.incrementAndGet();
          return x * 2;
        });
  }

  @Test
  void miss_withNoOtherComputation_readsTheStoreOnce() {
    CountingStore store = new CountingStore();
    try (Memo memo =
        MemoTest.isolated().store(store).config("memo.object-tier.max-entries", "0").build()) {
      assertEquals(42, doubling(memo).apply(21));
      assertEquals(1, store.entryReads.get(), "the first look only");
      assertEquals(42, doubling(memo).apply(21));
      assertEquals(2, store.entryReads.get(), "a hit reads once");
    }
  }

  @Test
  void miss_whoseKeyAnotherThreadStoredAfterTheFirstLook_looksAgain_andComputesOnce()
      throws Exception {
    CALLS.set(0);
    HeldFirstLookStore store = new HeldFirstLookStore();
    try (Memo memo =
        MemoTest.isolated().store(store).config("memo.object-tier.max-entries", "0").build()) {
      Function<Integer, Integer> f = doubling(memo);
      CompletableFuture<Integer> held = CompletableFuture.supplyAsync(() -> f.apply(21));
      assertTrue(store.firstLookDone.await(30, TimeUnit.SECONDS));
      assertEquals(42, f.apply(21), "computed and stored while the other caller's look is held");
      assertEquals(1, CALLS.get());
      store.release.countDown();
      assertEquals(42, held.get(30, TimeUnit.SECONDS));
      assertEquals(1, CALLS.get(), "the held caller found the stored entry");
      assertEquals(1, memo.stats().hitCount());
    }
  }
}
