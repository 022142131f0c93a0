package dev.memo.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.Explanation;
import dev.memo.MemoConfig;
import dev.memo.core.Memo;
import dev.memo.core.entry.MissReasons;
import dev.memo.core.store.MemoryStoreProvider;
import dev.memo.spi.Store;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The reason of each function's latest miss, kept in its record and read by StoreAdmin. */
final class LastMissTest {
  private static Store memoryStore() {
    return new MemoryStoreProvider().create(MemoConfig.empty());
  }

  private static Optional<Explanation> reason(StoreAdmin admin, String function) {
    return admin.lastMiss(function).orElseThrow().reason();
  }

  private static Function<Integer, Long> scaled(Memo memo, long rate) {
    return memo.function("scaled", x -> x * rate);
  }

  @Test
  void lastMiss_keepsWhyEachMissRecomputed_andAHitKeepsIt() {
    // Records are written behind the calls; closing a memoizer writes them.
    try (Store store = memoryStore();
        StoreAdmin admin = StoreAdmin.of(store, MemoConfig.empty())) {
      try (Memo memo = Memo.builder().store(store).build()) {
        scaled(memo, 2).apply(1);
      }
      assertEquals(Optional.of(Explanation.firstMiss("scaled")), reason(admin, "scaled"));
      assertTrue(admin.lastMiss("scaled").orElseThrow().at().isPresent());
      try (Memo memo = Memo.builder().store(store).build()) {
        scaled(memo, 2).apply(2);
      }
      Explanation argument = Explanation.miss("scaled", List.of(), List.of(), List.of(0));
      assertEquals(Optional.of(argument), reason(admin, "scaled"));
      try (Memo memo = Memo.builder().store(store).build()) {
        scaled(memo, 2).apply(2);
      }
      assertEquals(Optional.of(argument), reason(admin, "scaled"));
    }
  }

  @Test
  void lastMiss_capturedVariableChangedInALaterMemo_namesIt() {
    try (Store store = memoryStore();
        StoreAdmin admin = StoreAdmin.of(store, MemoConfig.empty())) {
      try (Memo memo = Memo.builder().store(store).build()) {
        scaled(memo, 2).apply(1);
      }
      try (Memo memo = Memo.builder().store(store).build()) {
        scaled(memo, 3).apply(1);
      }
      assertEquals(
          Optional.of(
              Explanation.miss("scaled", List.of(), List.of("captured variable 0"), List.of())),
          reason(admin, "scaled"));
      assertEquals(List.of("scaled"), List.copyOf(admin.lastMisses(Progress.NONE).keySet()));
    }
  }

  @Test
  void lastMiss_functionWithoutARecord_isEmpty() {
    try (Store store = memoryStore();
        StoreAdmin admin = StoreAdmin.of(store, MemoConfig.empty())) {
      assertEquals(Optional.empty(), admin.lastMiss("nothing"));
    }
  }

  @Test
  void missReasons_roundTrip_everyKind() {
    for (Explanation e :
        List.of(
            Explanation.firstMiss("f"),
            Explanation.miss("f", List.of(), List.of(), List.of()),
            Explanation.miss(
                "f",
                List.of("method a.B.c()", "jar x.jar"),
                List.of("captured variable 0", "field B.rate"),
                List.of(0, 2)))) {
      assertEquals(Optional.of(e), MissReasons.decode("f", MissReasons.encode(e)));
    }
  }

  @Test
  void missReasons_recordOfAnEarlierMemo_orUnreadable_hasNoReason() {
    Map<String, String> old = Map.of("function", "f", "signature.code", "ab");
    assertEquals(Optional.empty(), MissReasons.decode("f", old));
    assertEquals(
        Optional.empty(),
        MissReasons.decode("f", Map.of("miss.reason", "changed", "miss.arguments", "x")));
    assertEquals(Optional.empty(), MissReasons.decode("f", Map.of("miss.reason", "later")));
  }
}
