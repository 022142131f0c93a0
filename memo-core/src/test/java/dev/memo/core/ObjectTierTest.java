package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.FunctionOptions;
import dev.memo.MemoConfig;
import dev.memo.Signature;
import dev.memo.core.fakes.MapStore;
import dev.memo.core.fakes.SerialSerdeProvider.SerialSerde;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ObjectTierTest {
  private final MapStore store = new MapStore();
  private final Route route =
      new Route("test", true, store, new SerialSerde("test-serial"), null, 0, true);

  private static Signature key(int i) {
    byte[] b = new byte[32];
    b[0] = (byte) i;
    return Signature.of(b);
  }

  @Test
  void boundedByCount() {
    ObjectTier tier =
        new ObjectTier(MemoConfig.of(Map.of(MemoConfig.OBJECT_TIER_MAX_ENTRIES, "3")));
    for (int i = 0; i < 20; i++) {
      tier.admit(route, key(i), "f", List.of(i), false, 10, System.currentTimeMillis());
    }
    assertTrue(tier.size() <= 3, "kept " + tier.size());
  }

  @Test
  void boundedBySerializedSize() {
    ObjectTier tier =
        new ObjectTier(MemoConfig.of(Map.of(MemoConfig.OBJECT_TIER_MAX_BYTES, "2500")));
    for (int i = 0; i < 20; i++) {
      tier.admit(route, key(i), "f", List.of(i), false, 1000, System.currentTimeMillis());
    }
    assertTrue(tier.size() <= 2, "kept " + tier.size());
  }

  @Test
  void hit_handsOutTheKeptObjectWithoutReadingTheStore() {
    ObjectTier tier = new ObjectTier(MemoConfig.empty());
    Object first =
        tier.admit(route, key(1), "f", List.of(1, 2), false, 10, System.currentTimeMillis());
    assertSame(first, tier.find(route, key(1), "f"));
    assertSame(ObjectTier.ABSENT, tier.find(route, key(2), "f"));
    Route otherStore = new Route("test", true, new MapStore(), route.serde, null, 0, true);
    assertSame(ObjectTier.ABSENT, tier.find(otherStore, key(1), "f"), "kept apart by store");
  }

  @Test
  void arrays_areAFreshCopyForEveryCaller() {
    ObjectTier tier = new ObjectTier(MemoConfig.empty());
    int[] computed = {1, 2};
    int[] first =
        (int[]) tier.admit(route, key(1), "f", computed, false, 10, System.currentTimeMillis());
    int[] second = (int[]) tier.find(route, key(1), "f");
    assertNotSame(computed, first);
    assertNotSame(first, second);
  }

  @Test
  void tierOff_aComputedArrayIsCopied_aFreshlyReadOneIsHandedOutAsItIs() {
    ObjectTier off = new ObjectTier(MemoConfig.of(Map.of(MemoConfig.OBJECT_TIER_MAX_BYTES, "0")));
    int[] computed = {1, 2};
    assertNotSame(computed, off.admit(route, key(1), "f", computed, false, 10, 0));
    int[] read = {3, 4};
    assertSame(read, off.admit(route, key(2), "f", read, true, 10, 0));
  }

  @Test
  void tierOff_everyHitReadsTheStore() {
    try (Memo memo =
        MemoTest.isolated().store(store).config(MemoConfig.OBJECT_TIER_MAX_BYTES, "0").build()) {
      Function<Integer, Integer> f = memo.function(FunctionOptions.named("f"), x -> x + 1);
      f.apply(1);
      f.apply(1);
      assertTrue(memo.stats().bytesRead() > 0);
      assertEquals(1, memo.stats().hitCount());
    }
  }
}
