package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.FunctionOptions;
import dev.memo.MemoConfigurationException;
import dev.memo.MemoException;
import dev.memo.MemoFunction;
import dev.memo.MemoStats;
import dev.memo.NotSigned;
import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.core.entry.EntryFormat;
import dev.memo.core.fakes.FailingStore;
import dev.memo.core.fakes.LogCapture;
import dev.memo.core.fakes.MapStore;
import dev.memo.core.fakes.SerialSerdeProvider.SerialSerde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MemoTest {
  private final MapStore store = new MapStore();

  // Static, not captured: memo signs what a lambda captures, and a counter cannot be signed.
  // Not signed: memo signs the static fields a function reads, and these do not change results.
  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();
  @NotSigned static final IllegalStateException BOOM = new IllegalStateException("boom");

  /**
   * Immutable (a record of immutable parts), so it is handed out as it is, but not Serializable.
   */
  record Unserializable(int value) {}

  @NotSigned static final Unserializable UNSERIALIZABLE = new Unserializable(1);

  @BeforeEach
  void resetCounter() {
    CALLS.set(0);
  }

  /** A memoizer isolated from this machine's environment and system properties. */
  static Memo.Builder isolated() {
    return Memo.builder().environment(Map.of()).systemProperties(new Properties());
  }

  /** Publishes the entries of a memoizer that wait to be written behind their calls. */
  static void published(Memo memo) {
    ((MemoEngine) memo.engine()).writer().flush();
  }

  /** The object tier off: these tests are about the store path (ObjectTierTest covers the tier). */
  private Memo memo() {
    return isolated().store(store).config("memo.object-tier.max-entries", "0").build();
  }

  @NotSigned static final AtomicInteger SQUARES = new AtomicInteger();

  static long square(int x) {
    SQUARES.incrementAndGet();
    return (long) x * x;
  }

  @Test
  void apply_sameArgumentTwice_computesOnce() {
    try (Memo memo = memo()) {
      Function<Integer, Integer> f =
          memo.function(
              "plus-one",
              x -> {
                CALLS.incrementAndGet();
                return x + 1;
              });
      assertEquals(8, f.apply(7));
      assertEquals(8, f.apply(7));
      assertEquals(1, CALLS.get());
      MemoStats s = memo.stats();
      assertEquals(1, s.missCount());
      assertEquals(1, s.hitCount());
      assertTrue(s.bytesWritten() > 0);
      assertEquals(s.bytesWritten(), s.bytesRead());
    }
  }

  @Test
  void apply_otherArgument_recomputes() {
    try (Memo memo = memo()) {
      Function<Integer, Integer> f =
          memo.function(
              "plus-one",
              x -> {
                CALLS.incrementAndGet();
                return x + 1;
              });
      f.apply(1);
      f.apply(2);
      f.apply(1);
      assertEquals(2, CALLS.get());
    }
  }

  @Test
  void apply_inANewMemoizerOnTheSameStore_reusesTheResult() {
    SQUARES.set(0);
    try (Memo first = memo()) {
      assertEquals(49L, first.function(MemoTest::square).apply(7));
    }
    try (Memo second = memo()) {
      assertEquals(49L, second.function(MemoTest::square).apply(7));
      assertEquals(1, second.stats().hitCount());
    }
    assertEquals(1, SQUARES.get());
  }

  @Test
  void function_withoutName_usesTheImplementingMethodsQualifiedName() {
    try (Memo memo = memo()) {
      memo.function(MemoTest::square).apply(3);
    }
    String key = store.valueKeys().iterator().next();
    assertTrue(key.startsWith("dev.memo.core.MemoTest.square/"), key);
  }

  @Test
  void apply_functionThrows_propagatesTheSameExceptionAndStoresNothing() {
    try (Memo memo = memo()) {
      Function<Integer, Integer> f =
          memo.function(
              "throws",
              x -> {
                throw BOOM;
              });
      assertSame(BOOM, assertThrows(IllegalStateException.class, () -> f.apply(1)));
      assertTrue(store.entries.isEmpty());
      assertEquals(0, memo.stats().storeFailureCount());
    }
  }

  @Test
  void apply_concurrentCallsWithOneSignature_computeOnce() throws Exception {
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (Memo memo = memo()) {
      Function<Integer, Integer> slow =
          memo.function(
              "slow",
              x -> {
                CALLS.incrementAndGet();
                try {
                  Thread.sleep(300);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return x * 2;
              });
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return slow.apply(21);
                }));
      }
      for (Future<Integer> r : results) {
        assertEquals(42, r.get());
      }
      assertEquals(1, CALLS.get());
      assertEquals(threads - 1, memo.stats().hitCount());
    } finally {
      pool.shutdownNow();
    }
  }

  static Function<Integer, Long> fib;
  @NotSigned static final AtomicInteger FIB_CALLS = new AtomicInteger();

  @Test
  void apply_recursiveThroughTheMemoizedFunction_works() {
    FIB_CALLS.set(0);
    try (Memo memo = memo()) {
      fib =
          memo.function(
              "fib",
              n -> {
                FIB_CALLS.incrementAndGet();
                return n < 2 ? (long) n : fib.apply(n - 1) + fib.apply(n - 2);
              });
      assertEquals(832040L, fib.apply(30));
      assertEquals(31, FIB_CALLS.get());
    }
  }

  static Function<Integer, Integer> selfish;

  @Test
  void apply_callingItselfWithTheSameArguments_isAnError() {
    try (Memo memo = memo()) {
      selfish = memo.function("selfish", n -> selfish.apply(n));
      MemoException e = assertThrows(MemoException.class, () -> selfish.apply(1));
      assertEquals(
          "function \"selfish\" called itself with the same arguments while computing them; this"
              + " recursion would never end",
          e.getMessage());
    }
  }

  @Test
  void apply_storeCannotWrite_returnsTheResultAndWarnsOnce() {
    FailingStore full = new FailingStore();
    try (LogCapture log = new LogCapture();
        Memo memo = isolated().store(full).config("memo.object-tier.max-entries", "0").build()) {
      Function<Integer, Integer> f =
          memo.function(
              "f",
              x -> {
                CALLS.incrementAndGet();
                return x + 1;
              });
      assertEquals(2, f.apply(1));
      assertEquals(2, f.apply(1));
      assertEquals(3, f.apply(2));
      assertEquals(3, CALLS.get());
      assertEquals(3, full.puts);
      assertEquals(3, memo.stats().storeFailureCount());
      assertEquals(1, log.count(Level.WARNING));
      assertTrue(
          log.records.stream()
              .filter(r -> r.level() == Level.WARNING)
              .findFirst()
              .orElseThrow()
              .message()
              .contains("No space left on device"));
    }
  }

  @Test
  void apply_unserializableResult_returnsItAndCountsAStoreFailure() {
    try (Memo memo = memo()) {
      Supplier<Object> f = memo.supplier("object", () -> UNSERIALIZABLE);
      assertSame(UNSERIALIZABLE, f.get());
      assertEquals(1, memo.stats().storeFailureCount());
      assertTrue(store.entries.isEmpty(), "no partial entry");
    }
  }

  static double[] big(Integer n) {
    double[] a = new double[n];
    java.util.Arrays.setAll(a, i -> i * 0.5);
    return a;
  }

  @Test
  void apply_largeResult_streamsToTheStoreInBoundedWritesAndBack() throws IOException {
    int[] largestWrite = new int[1];
    int[] writes = new int[1];
    MapStore recording =
        new MapStore() {
          @Override
          public void put(String namespace, Signature key, EntryWriter writer) throws IOException {
            super.put(
                namespace,
                key,
                out ->
                    writer.writeTo(
                        new java.io.FilterOutputStream(out) {
                          @Override
                          public void write(byte[] b, int off, int len) throws IOException {
                            largestWrite[0] = Math.max(largestWrite[0], len);
                            writes[0]++;
                            out.write(b, off, len);
                          }
                        }));
          }
        };
    int n = 2 << 20; // 16 MiB of doubles
    try (Memo memo = isolated().store(recording).build()) {
      Function<Integer, double[]> f = memo.function("big", MemoTest::big);
      double[] computed = f.apply(n);
      double[] reused = f.apply(n);
      assertTrue(Arrays.equals(computed, reused));
      assertEquals(1, memo.stats().hitCount());
    }
    assertTrue(largestWrite[0] <= 64 * 1024 + 8, "largest single write " + largestWrite[0]);
    assertTrue(writes[0] >= (n * 8) / (64 * 1024), "the payload arrived in chunks: " + writes[0]);
  }

  @Test
  void apply_corruptedEntry_isACountedQuarantinedMissAndIsRecomputed() {
    Random random = new Random(42);
    try (Memo memo = memo()) {
      Function<Integer, String> f =
          memo.function(
              "text",
              x -> {
                CALLS.incrementAndGet();
                return "value-" + x;
              });
      f.apply(1);
      String key = store.valueKeys().iterator().next();
      byte[] good = store.entries.get(key);
      int corruptions = 0;
      for (int offset = 0; offset < good.length; offset++) {
        byte[] bad = good.clone();
        bad[offset] ^= (byte) (1 << random.nextInt(8));
        store.entries.put(key, bad);
        assertEquals("value-1", f.apply(1));
        corruptions++;
      }
      assertEquals(1 + corruptions, CALLS.get(), "every flipped bit was detected");
      assertEquals(corruptions, memo.stats().loadFailureCount());
      assertEquals(corruptions, store.quarantined.size());
      assertEquals("value-1", f.apply(1));
      assertEquals(1 + corruptions, CALLS.get(), "the recomputed entry is a hit");
    }
  }

  @Test
  void apply_truncatedOrForeignEntry_isAMissNeverACrash() {
    try (Memo memo = memo()) {
      Function<Integer, String> f =
          memo.function(
              "text",
              x -> {
                CALLS.incrementAndGet();
                return "value-" + x;
              });
      f.apply(1);
      String key = store.valueKeys().iterator().next();
      byte[] good = store.entries.get(key);
      List<byte[]> bad = new ArrayList<>();
      for (int length = 0; length < good.length; length++) {
        bad.add(Arrays.copyOf(good, length));
      }
      bad.add(Arrays.copyOf(good, good.length + 5));
      byte[] noise = new byte[good.length];
      new Random(7).nextBytes(noise);
      bad.add(noise);
      bad.add("MEMO but not really".getBytes());
      for (byte[] b : bad) {
        store.entries.put(key, b);
        assertEquals("value-1", f.apply(1));
      }
      assertEquals(1 + bad.size(), CALLS.get());
      assertEquals(bad.size(), memo.stats().loadFailureCount());
    }
  }

  static String text(Integer x) {
    CALLS.incrementAndGet();
    return "value-" + x;
  }

  @Test
  void apply_entryWrittenByAnotherSerde_isReadWithTheSerdeNamedInItsHeader() throws IOException {
    try (Memo memo = memo()) {
      memo.function("text", MemoTest::text).apply(1);
    }
    // The serde the entry was written with is on the class path; the memoizer writes with another.
    try (Memo other = isolated().store(store).serde(new SerialSerde("other-serial")).build()) {
      Function<Integer, String> f = other.function("text", MemoTest::text);
      assertEquals("value-1", f.apply(1));
      assertEquals(1, other.stats().hitCount());
      assertEquals(1, CALLS.get());
    }
  }

  @Test
  void apply_entryOfAnUnknownSerde_isAMissButNotQuarantined() throws IOException {
    try (Memo memo = memo()) {
      memo.function("text", MemoTest::text).apply(1);
      String key = store.valueKeys().iterator().next();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      String ns = key.substring(0, key.lastIndexOf('/'));
      Signature sig = Signature.fromHex(key.substring(key.lastIndexOf('/') + 1));
      EntryFormat.Header h = new EntryFormat.Header("nope", "sha256", ns, sig, Map.of());
      EntryFormat.writeHeader(h, Map.of(), out);
      var payload = EntryFormat.payloadOutput(out);
      payload.write(new byte[] {1, 2, 3});
      payload.close();
      store.entries.put(key, out.toByteArray());
      assertEquals("value-1", memo.function("text", MemoTest::text).apply(1));
      assertEquals(1, memo.stats().loadFailureCount());
      assertEquals(2, CALLS.get());
      assertTrue(store.quarantined.isEmpty());
    }
  }

  @Test
  void close_thenCall_isAStoreException_andAGivenStoreStaysOpen() {
    Memo memo = memo();
    Function<Integer, Integer> f = memo.function("f", x -> x);
    memo.close();
    memo.close();
    StoreException e = assertThrows(StoreException.class, () -> f.apply(1));
    assertEquals("this memoizer is closed; create a new one with Memo.create()", e.getMessage());
    assertFalse(store.isClosed());
  }

  @Test
  void disabled_runsEveryTimeAndTouchesNoStore() {
    try (Memo memo = isolated().store(store).config("memo.enabled", "false").build()) {
      Function<Integer, Integer> f = memo.function("f", x -> CALLS.incrementAndGet());
      f.apply(1);
      f.apply(1);
      assertEquals(2, CALLS.get());
      assertTrue(store.entries.isEmpty());
      assertFalse(memo.enabled());
    }
  }

  @Test
  void ignoredParameter_doesNotChangeTheSignature() {
    try (Memo memo = memo()) {
      BiFunction<Integer, String, Integer> f =
          memo.biFunction(
              FunctionOptions.named("f").ignoreParameters(1),
              (x, note) -> {
                CALLS.incrementAndGet();
                return x;
              });
      f.apply(1, "first");
      f.apply(1, "second");
      f.apply(2, "second");
      assertEquals(2, CALLS.get());
    }
  }

  @Test
  void ignoredParameter_outOfRange_isAnError() {
    try (Memo memo = memo()) {
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  memo.biFunction(
                      FunctionOptions.named("f").ignoreParameters(2), (Integer a, Integer b) -> a));
      assertEquals(
          "parameter 2 is ignored but the function has 2 parameters (positions count from 0)",
          e.getMessage());
    }
  }

  @Test
  void version_changesTheSignature() {
    MemoFunction<Integer, Integer> body = x -> CALLS.incrementAndGet();
    try (Memo memo = memo()) {
      memo.function(FunctionOptions.named("f").version("1"), body).apply(1);
      memo.function(FunctionOptions.named("f").version("1"), body).apply(1);
      memo.function(FunctionOptions.named("f").version("2"), body).apply(1);
      assertEquals(2, CALLS.get());
    }
  }

  static MemoFunction<Integer, Integer> adder(int k) {
    return x -> x + k;
  }

  @Test
  void capturedVariableThatCannotBeSigned_isAnErrorWhenWrapping() {
    java.util.List<Integer> seen = new java.util.ArrayList<>();
    Object lock = new Object();
    try (Memo memo = memo()) {
      var e =
          assertThrows(
              dev.memo.SignatureException.class,
              () ->
                  memo.function(
                      "f",
                      (Integer x) -> {
                        synchronized (lock) {
                          seen.add(x);
                        }
                        return x;
                      }));
      assertEquals(
          "cannot sign captured variable 0 of \"f\": the value has type java.lang.Object, which memo"
              + " cannot sign; make it a record or implement dev.memo.Signable, register a"
              + " dev.memo.spi.TypeSigner for it, or do not capture it: pass it as an argument (with"
              + " FunctionOptions.ignoreParameters if it cannot change the result) or read it from a"
              + " static field marked @dev.memo.NotSigned",
          e.getMessage());
    }
  }

  @Test
  void capturedVariable_isPartOfTheSignature() {
    try (Memo memo = memo()) {
      assertEquals(6, memo.function("add", adder(5)).apply(1));
      assertEquals(7, memo.function("add", adder(6)).apply(1));
      assertEquals(6, memo.function("add", adder(5)).apply(1));
      assertEquals(2, memo.stats().missCount());
    }
  }

  @Test
  void nullArgumentAndNullResult_roundTrip() {
    try (Memo memo = memo()) {
      Function<String, String> f =
          memo.function(
              "f",
              s -> {
                CALLS.incrementAndGet();
                return null;
              });
      assertNull(f.apply(null));
      assertNull(f.apply(null));
      assertEquals(1, CALLS.get());
    }
  }

  @Test
  void triFunctionAndSupplier_areMemoized() {
    try (Memo memo = memo()) {
      var t =
          memo.triFunction(
              "t", (Integer a, Integer b, Integer c) -> CALLS.incrementAndGet() * 0 + a + b + c);
      assertEquals(6, t.apply(1, 2, 3));
      assertEquals(6, t.apply(1, 2, 3));
      Supplier<Integer> s = memo.supplier("s", () -> CALLS.incrementAndGet() * 0 + 9);
      assertEquals(9, s.get());
      assertEquals(9, s.get());
      assertEquals(2, CALLS.get());
    }
  }

  @Test
  void signatures_differBySigner() {
    try (Memo a = isolated().store(store).signer("sha256").build()) {
      a.function("f", (Integer x) -> x).apply(1);
    }
    try (Memo b = isolated().store(store).signer("xxh3-128").build()) {
      b.function("f", (Integer x) -> x).apply(1);
      assertEquals(1, b.stats().missCount());
    }
    assertEquals(2, store.valueKeys().size());
    assertEquals(
        2,
        store.valueKeys().stream()
            .map(k -> Signature.fromHex(k.substring(k.indexOf('/') + 1)).length())
            .distinct()
            .count());
  }

  @Test
  void builder_optionSetTwice_isAnError() {
    var b = Memo.builder().store("memory");
    var e = assertThrows(IllegalStateException.class, () -> b.store(store));
    assertEquals("store was already set on this builder", e.getMessage());
  }

  @Test
  void builder_keyWithoutPrefix_isAnError() {
    var e =
        assertThrows(MemoConfigurationException.class, () -> Memo.builder().config("store", "x"));
    assertEquals(
        "configuration key \"store\" does not start with \"memo.\"; use full keys such as"
            + " memo.store.directory.path",
        e.getMessage());
  }

  @Test
  void create_defaults_areDirectoryStoreAndSha256() {
    try (Memo memo =
        isolated()
            .config(
                "memo.store.directory.path",
                System.getProperty("java.io.tmpdir") + "/memo-defaults")
            .build()) {
      assertEquals("directory", memo.storeName().orElseThrow());
      assertEquals("sha256", memo.signerName().orElseThrow());
      assertEquals("test-serial", memo.serdeName().orElseThrow());
    }
  }
}
