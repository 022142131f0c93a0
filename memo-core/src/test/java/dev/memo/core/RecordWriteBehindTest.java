package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.Explanation;
import dev.memo.Signature;
import dev.memo.core.entry.EntryFormat;
import dev.memo.core.entry.MissReasons;
import dev.memo.core.fakes.MapStore;
import dev.memo.spi.Store;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Explain records are written behind the call that missed, and all of them by close. */
class RecordWriteBehindTest {
  @TempDir Path tempDir;

  /** A store whose writes of explain records wait until released, noting the writing thread. */
  static final class HeldRecordsStore extends MapStore {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch recordWriteStarted = new CountDownLatch(1);
    volatile Thread recordWriter;
    volatile boolean holding = true;

    @Override
    public void put(String namespace, Signature key, Store.EntryWriter writer) throws IOException {
      if (holding && namespace.equals(MissRecords.NAMESPACE)) {
        recordWriter = Thread.currentThread();
        recordWriteStarted.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      super.put(namespace, key, writer);
    }

    long records() {
      return entries.keySet().stream().filter(k -> k.startsWith(MissRecords.NAMESPACE)).count();
    }
  }

  static Integer sum(Integer a, Integer b) {
    return a + b;
  }

  @Test
  void miss_whileItsRecordWriteIsBlocked_returnsAndStoresItsEntry() throws Exception {
    HeldRecordsStore store = new HeldRecordsStore();
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      BiFunction<Integer, Integer, Integer> f = memo.biFunction("sum", RecordWriteBehindTest::sum);
      assertEquals(3, f.apply(1, 2));
      assertEquals(1, store.valueKeys().size(), "the entry is stored by the call");
      assertTrue(store.recordWriteStarted.await(30, TimeUnit.SECONDS));
      assertFalse(store.recordWriter == Thread.currentThread(), "written behind the call");
      assertEquals(0, store.records());
      // A record not yet in the store still explains the next miss.
      Explanation why = memo.explain(f, 1, 5);
      assertEquals(List.of(1), why.changedArguments());
      store.release.countDown();
    }
    assertEquals(2, store.records(), "the latest record and the code's manifest, by close");
  }

  static Integer product(Integer a, Integer b) {
    return a * b;
  }

  @Test
  void secondMiss_beforeTheFirstRecordIsWritten_keepsWhyItDifferedFromTheFirst() throws Exception {
    HeldRecordsStore store = new HeldRecordsStore();
    store.holding = false;
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      memo.biFunction("product", RecordWriteBehindTest::product).apply(7, 5);
    }
    store.holding = true;
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      // Another function's records hold the writer, so that both misses below wait for it.
      memo.biFunction("sum", RecordWriteBehindTest::sum).apply(1, 2);
      assertTrue(store.recordWriteStarted.await(30, TimeUnit.SECONDS));
      BiFunction<Integer, Integer, Integer> f =
          memo.biFunction("product", RecordWriteBehindTest::product);
      f.apply(1, 2);
      f.apply(1, 5);
      store.release.countDown();
    }
    assertEquals(
        Optional.of(Explanation.miss("product", List.of(), List.of(), List.of(1))),
        MissReasons.decode("product", latestRecord(store, "product")),
        "compared with the record it replaced (1, 2), not the stored one (7, 5)");
  }

  /** The metadata of a function's latest record, read from the store's raw entries. */
  private static Map<String, String> latestRecord(MapStore store, String function)
      throws IOException {
    for (Map.Entry<String, byte[]> e : store.entries.entrySet()) {
      if (e.getKey().startsWith(MissRecords.NAMESPACE)) {
        Map<String, String> metadata =
            EntryFormat.readHeader(new ByteArrayInputStream(e.getValue())).metadata();
        if (function.equals(metadata.get("function")) && metadata.containsKey("miss.reason")) {
          return metadata;
        }
      }
    }
    throw new AssertionError("no latest record of " + function + " in " + store.entries.keySet());
  }

  @Test
  void close_writesEveryPendingRecord_forALaterRunToExplain() {
    MapStore store = new MapStore();
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      BiFunction<Integer, Integer, Integer> f = memo.biFunction("sum", RecordWriteBehindTest::sum);
      for (int i = 0; i < 50; i++) {
        f.apply(i, 0);
      }
    }
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      BiFunction<Integer, Integer, Integer> f = memo.biFunction("sum", RecordWriteBehindTest::sum);
      Explanation why = memo.explain(f, 49, 1);
      assertEquals(List.of(1), why.changedArguments(), "compared with the last call");
    }
  }

  @Test
  void clear_rightAfterAMiss_leavesNoRecord_soThatExplainFindsNoEarlierEntry() {
    Path root = tempDir.resolve("store");
    try (Memo memo =
        MemoTest.isolated().config("memo.store.directory.path", root.toString()).build()) {
      BiFunction<Integer, Integer, Integer> f = memo.biFunction("sum", RecordWriteBehindTest::sum);
      f.apply(1, 2);
      memo.clear(f);
      assertFalse(memo.explain(f, 1, 2).hasEarlierEntry());
    }
    try (Memo memo =
        MemoTest.isolated().config("memo.store.directory.path", root.toString()).build()) {
      BiFunction<Integer, Integer, Integer> f = memo.biFunction("sum", RecordWriteBehindTest::sum);
      assertFalse(memo.explain(f, 1, 2).hasEarlierEntry(), "nor after close");
    }
  }
}
