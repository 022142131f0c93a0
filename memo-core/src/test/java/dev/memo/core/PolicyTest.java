package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.FunctionOptions;
import dev.memo.MemoConfigurationException;
import dev.memo.NotSigned;
import dev.memo.core.entry.EntryFormat;
import dev.memo.core.fakes.MapStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PolicyTest {
  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();

  private final MapStore store = new MapStore();

  @BeforeEach
  void reset() {
    CALLS.set(0);
  }

  private Memo memo(Map<String, String> config) {
    return MemoTest.isolated().store(store).config(config).build();
  }

  private static Function<Integer, Integer> plusOne(Memo memo, String... tags) {
    return memo.function(
        FunctionOptions.named("plus-one").tags(tags),
        x -> {
          CALLS.incrementAndGet();
          return x + 1;
        });
  }

  @Test
  void tagRoutedToTheMemoryStore_isReusedInTheRunButNotStoredInTheConfiguredStore() {
    Map<String, String> config =
        Map.of("memo.policy.fast.store", "memory", "memo.policy.fast.object-tier", "false");
    try (Memo memo = memo(config)) {
      Function<Integer, Integer> f = plusOne(memo, "fast");
      assertEquals(2, f.apply(1));
      assertEquals(2, f.apply(1));
      assertEquals(1, CALLS.get());
      assertEquals(1, memo.stats().hitCount());
      assertTrue(memo.stats().bytesRead() > 0, "the hit was read from the memory store");
    }
    assertTrue(store.valueKeys().isEmpty());
    try (Memo next = memo(config)) {
      plusOne(next, "fast").apply(1);
    }
    assertEquals(2, CALLS.get());
  }

  @Test
  void tagWithPolicyOff_runsTheFunctionEveryTime() {
    try (Memo memo = memo(Map.of("memo.policy.live.enabled", "false"))) {
      Function<Integer, Integer> f = plusOne(memo, "live");
      f.apply(1);
      f.apply(1);
      assertEquals(2, CALLS.get());
      assertEquals(0, memo.stats().hitCount());
    }
    assertTrue(store.entries.isEmpty());
  }

  @Test
  void tagRoutedToAnotherSerde_writesItsEntriesWithThatSerde() throws IOException {
    try (Memo memo = memo(Map.of("memo.policy.small.serde", "test-other"))) {
      plusOne(memo, "small").apply(1);
      memo.function(FunctionOptions.named("untagged"), (Integer x) -> x * 2).apply(1);
    }
    assertEquals("test-other", serdeOf("plus-one"));
    assertEquals("test-serial", serdeOf("untagged"));
    try (Memo next = memo(Map.of("memo.policy.small.serde", "test-other"))) {
      assertEquals(2, plusOne(next, "small").apply(1));
    }
    assertEquals(1, CALLS.get());
  }

  private String serdeOf(String function) throws IOException {
    String key =
        store.valueKeys().stream()
            .filter(k -> k.startsWith(function + "/"))
            .findFirst()
            .orElseThrow();
    return EntryFormat.readHeader(new ByteArrayInputStream(store.entries.get(key))).serde();
  }

  @Test
  void diskTag_usesTheConfiguredStoreWithoutConfiguration() {
    try (Memo memo = memo(Map.of())) {
      plusOne(memo, "disk").apply(1);
    }
    assertEquals(1, store.valueKeys().size());
  }

  @Test
  void severalTags_theFirstWithAPolicyWins() {
    Map<String, String> config =
        Map.of("memo.policy.live.enabled", "false", "memo.policy.fast.store", "memory");
    try (Memo memo = memo(config)) {
      Function<Integer, Integer> f = plusOne(memo, "label", "live", "fast");
      f.apply(1);
      f.apply(1);
      assertEquals(2, CALLS.get(), "live, the first tag with a policy, is off");
    }
  }

  @Test
  void unknownStoreInAPolicy_isAClearErrorAtBuildTime() {
    var e =
        assertThrows(
            MemoConfigurationException.class,
            () -> memo(Map.of("memo.policy.shared.store", "redis")));
    assertEquals(
        "memo.policy.shared.store is \"redis\" but no store provider named \"redis\" is"
            + " on the class path; add dev.memo:memo-store-redis (available: directory, memory,"
            + " tiered)",
        e.getMessage());
  }

  @Test
  void unknownSerdeInAPolicy_namesTheModuleToAdd() {
    var e =
        assertThrows(
            MemoConfigurationException.class,
            () -> memo(Map.of("memo.policy.small.serde", "zstd")));
    assertEquals(
        "memo.policy.small.serde is \"zstd\" but no serde provider named \"zstd\" is on"
            + " the class path; add dev.memo:memo-serde-zstd (available: test-serial, test-other)",
        e.getMessage());
  }

  @Test
  void entryOlderThanTheTimeToLive_isRecomputed() throws InterruptedException {
    try (Memo memo = memo(Map.of("memo.policy.short.ttl", "1ms"))) {
      Function<Integer, Integer> f = plusOne(memo, "short");
      f.apply(1);
      Thread.sleep(20); // longer than the time to live: the entry is then too old
      f.apply(1);
      assertEquals(2, CALLS.get());
    }
    try (Memo memo = memo(Map.of("memo.policy.long.ttl", "1h"))) {
      Function<Integer, Integer> f = plusOne(memo, "long");
      f.apply(5);
      f.apply(5);
      assertEquals(3, CALLS.get());
    }
  }

  @Test
  void entryOlderThanTheTimeToLive_isNotContainedAndExplainsAsAMiss() throws InterruptedException {
    try (Memo memo = memo(Map.of("memo.policy.short.ttl", "1s"))) {
      Function<Integer, Integer> f = plusOne(memo, "short");
      f.apply(1);
      assertTrue(memo.contains(f, 1), "within the time to live");
      assertTrue(memo.explain(f, 1).isHit());
      // A time to live of 1 s, not a few ms: a loaded machine can take tens of ms between the call
      // and the checks above, which must still see the entry.
      Thread.sleep(1_200); // longer than the time to live: a call would compute again
      assertFalse(memo.contains(f, 1));
      assertEquals(
          "miss of \"plus-one\": the signature equals that of the most recent entry of"
              + " \"plus-one\", which is no longer in the store or no longer usable (expired, removed,"
              + " evicted or quarantined)",
          memo.explain(f, 1).toString());
      assertEquals(1, CALLS.get());
      f.apply(1);
      assertEquals(2, CALLS.get(), "the call agrees with contains and explain");
      assertTrue(memo.contains(f, 1));
    }
  }

  @Test
  void defaultPolicy_appliesToUntaggedFunctions() {
    try (Memo memo = memo(Map.of("memo.policy.default.enabled", "false"))) {
      Function<Integer, Integer> f = plusOne(memo);
      f.apply(1);
      f.apply(1);
      assertEquals(2, CALLS.get());
    }
  }

  @Test
  void invalidTag_isRefused() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> FunctionOptions.named("f").tags("Disk"));
    assertEquals(
        "tag \"Disk\" is invalid: use lower-case letters and digits separated by single"
            + " dashes, such as disk or fast-cache",
        e.getMessage());
  }
}
