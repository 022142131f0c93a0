package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.Explanation;
import dev.memo.MemoConfig;
import dev.memo.NotSigned;
import dev.memo.Signature;
import dev.memo.core.entry.EntryIntegrity;
import dev.memo.core.fakes.LogCapture;
import dev.memo.core.fakes.MapStore;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link Memo#explain}, and the reason logged at DEBUG on every miss. */
class ExplainTest {
  private final MapStore store = new MapStore();
  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();
  static int scale = 10;

  private Memo memo() {
    return MemoTest.isolated().store(store).build();
  }

  static Integer sum(Integer a, Integer b) {
    CALLS.incrementAndGet();
    return (a + b) * scale;
  }

  @Test
  void explain_firstCall_saysThereIsNoEarlierEntry() {
    try (Memo memo = memo()) {
      BiFunction<Integer, Integer, Integer> f = memo.biFunction("sum", ExplainTest::sum);
      Explanation e = memo.explain(f, 1, 2);
      assertFalse(e.isHit());
      assertFalse(e.hasEarlierEntry());
      assertEquals("miss of \"sum\": no earlier entry of \"sum\" to compare with", e.toString());
    }
  }

  @Test
  void explain_afterTheCall_isAHitAndRunsNothing() {
    try (Memo memo = memo()) {
      BiFunction<Integer, Integer, Integer> f = memo.biFunction("sum", ExplainTest::sum);
      f.apply(1, 2);
      int calls = CALLS.get();
      Explanation e = memo.explain(f, 1, 2);
      assertTrue(e.isHit());
      assertEquals(Set.of(), e.changedParts());
      assertEquals("hit of \"sum\"", e.toString());
      assertEquals(calls, CALLS.get());
    }
  }

  @Test
  void explain_otherArgument_namesTheParameter() {
    try (Memo memo = memo()) {
      BiFunction<Integer, Integer, Integer> f = memo.biFunction("sum", ExplainTest::sum);
      f.apply(1, 2);
      Explanation e = memo.explain(f, 1, 3);
      assertEquals(Set.of(Explanation.Part.ARGUMENTS), e.changedParts());
      assertEquals(List.of(1), e.changedArguments());
      assertEquals(
          "miss of \"sum\": arguments differ in parameter 1; compared with the most recent"
              + " entry of \"sum\"",
          e.toString());
    }
  }

  static Integer bump(int[] a, Integer b) {
    a[0]++;
    return a[0] + b;
  }

  @Test
  void explain_afterACallThatChangedItsArgument_comparesWithTheArgumentAsItWasPassed() {
    try (Memo memo = memo()) {
      BiFunction<int[], Integer, Integer> f = memo.biFunction("bump", ExplainTest::bump);
      f.apply(new int[] {1}, 7);
      // The call was made with {1} and left {2} behind: its record names {1}, as its key does.
      Explanation e = memo.explain(f, new int[] {2}, 7);
      assertEquals(Set.of(Explanation.Part.ARGUMENTS), e.changedParts());
      assertEquals(List.of(0), e.changedArguments());
    }
  }

  @Test
  void explain_inALaterRun_comparesWithTheEntryThatRunWrote() {
    try (Memo memo = memo()) {
      memo.biFunction("sum", ExplainTest::sum).apply(1, 2);
    }
    try (Memo memo = memo()) {
      BiFunction<Integer, Integer, Integer> f = memo.biFunction("sum", ExplainTest::sum);
      assertTrue(memo.explain(f, 1, 2).isHit());
      assertEquals(List.of(0, 1), memo.explain(f, 2, 3).changedArguments());
    }
  }

  /** A latest record as memo wrote it before its parts were digests over the items' digests. */
  private static Map<String, String> record(Signature code, boolean marked, String argument1) {
    Map<String, String> r = new LinkedHashMap<>();
    r.put("function", "sum");
    r.put("created", "1");
    r.put("signature.code", code.hex());
    r.put("signature.environment", "bb".repeat(32));
    r.put("signature.arguments", "cc".repeat(32));
    if (marked) {
      r.put("signature.parts", MissRecords.PARTS);
    }
    r.put("environment.dev.memo.core.ExplainTest.scale", "d1");
    r.put("argument.0", "a0");
    r.put("argument.1", argument1);
    return r;
  }

  @Test
  void explain_againstARecordOfTheEarlierPartsFormula_comparesItemByItem() throws Exception {
    MissRecords records =
        new MissRecords(
            store, "sha256", null, EntryIntegrity.of(MemoConfig.empty(), Map.of()), null);
    Signature code = Signature.fromHex("aa".repeat(32));
    Signature env = Signature.fromHex("dd".repeat(32));
    Signature args = Signature.fromHex("ee".repeat(32));
    Map<String, String> items = record(code, false, "a1");
    items.keySet().removeIf(k -> !k.startsWith("environment.") && !k.startsWith("argument."));

    // The earlier formula's parts differ from the call's although no item does: nothing changed.
    Explanation same =
        records.compare(
            Optional.of(record(code, false, "a1")), "sum", code, Map::of, env, args, () -> items);
    assertEquals(List.of(), same.changedEnvironment());
    assertEquals(List.of(), same.changedArguments());
    Explanation other =
        records.compare(
            Optional.of(record(code, false, "a2")), "sum", code, Map::of, env, args, () -> items);
    assertEquals(List.of(), other.changedEnvironment());
    assertEquals(List.of(1), other.changedArguments());

    // A record of this formula whose environment part differs with no item differing says so.
    Explanation marked =
        records.compare(
            Optional.of(record(code, true, "a1")), "sum", code, Map::of, env, args, () -> items);
    assertEquals(
        List.of("environment (no single item recorded differs)"), marked.changedEnvironment());
  }

  @Test
  void explain_afterStaticFieldAndArgumentChanged_namesBoth() {
    try (Memo memo = memo()) {
      BiFunction<Integer, Integer, Integer> f = memo.biFunction("sum", ExplainTest::sum);
      f.apply(1, 2);
      scale = 20;
      try {
        Explanation e = memo.explain(f, 5, 2);
        assertEquals(
            List.of("static field dev.memo.core.ExplainTest.scale"), e.changedEnvironment());
        assertEquals(List.of(0), e.changedArguments());
        assertEquals(
            "miss of \"sum\": environment differs in static field"
                + " dev.memo.core.ExplainTest.scale; arguments differ in parameter 0; compared with"
                + " the most recent entry of \"sum\"",
            e.toString());
      } finally {
        scale = 10;
      }
    }
  }

  @Test
  void explain_entryRemoved_saysTheSignatureIsTheSame() throws Exception {
    try (Memo memo = memo()) {
      Function<Integer, Integer> f = memo.function("inc", (Integer x) -> x + 1);
      f.apply(1);
      store.entries.keySet().removeAll(store.valueKeys());
      assertEquals(
          "miss of \"inc\": the signature equals that of the most recent entry of \"inc\","
              + " which is no longer in the store or no longer usable (expired, removed, evicted or"
              + " quarantined)",
          memo.explain(f, 1).toString());
    }
  }

  @Test
  void jdkMethods_underOneName_signApartByTheirEntryPoint() {
    try (Memo memo = memo()) {
      assertEquals(
          3, memo.function("jdk", (dev.memo.MemoFunction<Integer, Integer>) Math::abs).apply(-3));
      Function<Integer, Integer> negate =
          memo.function("jdk", (dev.memo.MemoFunction<Integer, Integer>) Math::negateExact);
      assertEquals(
          List.of(
              "entry point java.lang.Math.abs(int)", "entry point java.lang.Math.negateExact(int)"),
          memo.explain(negate, -3).changedCode());
      assertEquals(3, negate.apply(-3));
      assertEquals(2, memo.stats().missCount());
    }
  }

  @Test
  void explain_ofAFunctionThisMemoizerDidNotWrap_isAnError() {
    try (Memo memo = memo();
        Memo other = memo()) {
      Function<Integer, Integer> f = other.function("inc", (Integer x) -> x + 1);
      var e = assertThrows(IllegalArgumentException.class, () -> memo.explain(f, 1));
      assertEquals(
          "explain takes a function returned by this memoizer's function, supplier,"
              + " biFunction or triFunction, not memoized inc",
          e.getMessage());
    }
  }

  @Test
  void explain_wrongNumberOfArguments_isAnError() {
    try (Memo memo = memo()) {
      Function<Integer, Integer> f = memo.function("inc", (Integer x) -> x + 1);
      var e = assertThrows(IllegalArgumentException.class, () -> memo.explain(f, 1, 2));
      assertEquals("\"inc\" takes 1 argument but explain was given 2", e.getMessage());
    }
  }

  @Test
  void records_areOnePerFunctionAndOneManifestPerCodeSignature_notInEveryEntry() throws Exception {
    try (Memo memo = memo()) {
      BiFunction<Integer, Integer, Integer> f = memo.biFunction("sum", ExplainTest::sum);
      for (int i = 0; i < 5; i++) {
        f.apply(i, i);
      }
    }
    // Records are written behind the calls, and all of them by close.
    assertEquals(5, store.valueKeys().size());
    assertEquals(2, store.entries.size() - 5, "the latest-entry record and one manifest");
    String key = store.valueKeys().iterator().next();
    var header =
        dev.memo.core.entry.EntryFormat.readHeader(
            new java.io.ByteArrayInputStream(store.entries.get(key)));
    assertEquals(
        Set.of(
            "function",
            "signature.function",
            "signature.code",
            "signature.environment",
            "signature.arguments",
            "created",
            "compute-nanos"),
        header.metadata().keySet());
  }

  @Test
  void apply_onEveryMiss_logsTheReasonAtDebug() {
    try (LogCapture log = new LogCapture();
        Memo memo = memo()) {
      BiFunction<Integer, Integer, Integer> f = memo.biFunction("sum", ExplainTest::sum);
      f.apply(1, 2);
      f.apply(1, 2);
      f.apply(1, 3);
      List<String> debug =
          log.records.stream()
              .filter(r -> r.level() == Level.DEBUG)
              .map(LogCapture.Entry::message)
              .toList();
      assertEquals(
          List.of(
              "miss of \"sum\": no earlier entry of \"sum\" to compare with",
              "miss of \"sum\": arguments differ in parameter 1; compared with the most recent entry"
                  + " of \"sum\""),
          debug);
    }
  }
}
