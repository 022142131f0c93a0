package dev.memo.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.memo.MemoConfig;
import dev.memo.NotSigned;
import dev.memo.SerdeException;
import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.core.Memo;
import dev.memo.core.admin.Progress;
import dev.memo.core.admin.StoreAdmin;
import dev.memo.spi.Store;
import dev.memo.spi.StoreProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link Store} must have. A backend proves itself with a few lines:
 *
 * <pre>{@code
 * final class ChronicleStoreTest extends StoreContract implements ListingContract, PruningContract {
 *   protected String providerName() {
 *     return "chronicle";
 *   }
 *
 *   protected Map<String, String> config(Path tempDir) {
 *     return Map.of("memo.store.chronicle.path", tempDir.resolve("store").toString());
 *   }
 * }
 * }</pre>
 *
 * <p>Optional capabilities have contracts of their own, which the test class implements exactly
 * when its store declares the capability ({@link Store#capabilities()}): {@link ListingContract},
 * {@link PruningContract}, {@link ClaimsContract}. For each capability the store does not declare,
 * this contract checks instead that memo refuses what needs it, saying so. A store with only the
 * required methods (get, put, remove) passes this contract alone.
 *
 * <p>The contract finds the provider through {@link ServiceLoader} by its name, so it also proves
 * that the provider is registered. It creates stores with {@link StoreProvider#create} on the
 * configuration {@link #config(Path)} returns, scoped to {@code memo.store.<name>}, and closes them
 * after each test.
 *
 * <p>Each test method runs on a fresh instance; the class is not thread-safe.
 */
public abstract class StoreContract extends ProviderContract<StoreProvider> {

  @Override
  protected final Class<StoreProvider> providerType() {
    return StoreProvider.class;
  }

  static final String NS = "dev.memo.testkit.Fn#compute";
  private static final int CONCURRENT_PAYLOAD_BYTES = 256 * 1024;

  @TempDir private Path tempDir;

  private final List<Store> opened = new ArrayList<>();

  /** Creates the contract; subclasses need no constructor of their own. */
  protected StoreContract() {}

  /**
   * Returns the name of the provider under test, as {@link StoreProvider#name()} returns it.
   *
   * @return the name, such as {@code directory}
   */
  @Override
  protected abstract String providerName();

  /**
   * Returns the configuration, under full keys, that points a store at a folder of its own. Called
   * more than once per test with the same folder; equal calls must yield a store over the same
   * data, so that the contract can reopen it.
   *
   * @param tempDir an empty folder that JUnit deletes after the test
   * @return full keys such as {@code memo.store.directory.path} to values; may be empty
   */
  protected abstract Map<String, String> config(Path tempDir);

  /**
   * Returns whether entries outlive the store: whether a store opened on the same configuration
   * after another was closed sees that one's entries.
   *
   * @return true unless overridden
   */
  protected boolean persistent() {
    return true;
  }

  /**
   * Opens a store of the provider under test on {@link #config(Path)}; the contract closes it after
   * the test.
   *
   * @return a new store
   */
  public final Store openStore() {
    MemoConfig config =
        MemoConfig.of("test", config(tempDir)).scoped("memo.store." + providerName());
    Store store = provider().create(config);
    opened.add(store);
    return store;
  }

  @AfterEach
  final void closeStoresOpenedByTheContract() {
    opened.forEach(Store::close);
  }

  // ---------------------------------------------------------------- capabilities

  /** The contract interface of each capability. */
  private static final Map<Store.Capability, Class<?>> CONTRACTS =
      Map.of(
          Store.Capability.LISTING, ListingContract.class,
          Store.Capability.PRUNING, PruningContract.class,
          Store.Capability.CLAIMS, ClaimsContract.class);

  @TestFactory
  Stream<DynamicTest> capabilities_declared_haveTheirContractRun_undeclared_areRefusedByMemo() {
    Set<Store.Capability> declared = openStore().capabilities();
    return Arrays.stream(Store.Capability.values())
        .map(
            c ->
                declared.contains(c)
                    ? DynamicTest.dynamicTest(
                        c + " declared: " + CONTRACTS.get(c).getSimpleName() + " runs",
                        () -> assertContractRuns(c))
                    : DynamicTest.dynamicTest(
                        c + " not declared: memo says what needs it",
                        () -> assertRefused(c, declared)));
  }

  private void assertContractRuns(Store.Capability capability) {
    Class<?> contract = CONTRACTS.get(capability);
    assertTrue(
        contract.isInstance(this),
        "the "
            + providerName()
            + " store declares"
            + " Store.Capability."
            + capability
            + "; add `implements "
            + contract.getSimpleName()
            + "` to "
            + getClass().getSimpleName()
            + " so that the capability's contract runs");
  }

  private void assertRefused(Store.Capability capability, Set<Store.Capability> declared)
      throws IOException {
    Class<?> contract = CONTRACTS.get(capability);
    assertFalse(
        contract.isInstance(this),
        getClass().getSimpleName()
            + " implements "
            + contract.getSimpleName()
            + " but the "
            + providerName()
            + " store does not declare"
            + " Store.Capability."
            + capability
            + "; add it to the store's capabilities() or drop"
            + " the interface");
    String store = providerName();
    switch (capability) {
      case LISTING:
        COMPUTED.set(0);
        try (Memo memo = Memo.builder().store(openStore()).serde(new Utf8Serde()).build()) {
          Function<String, String> f = memo.function("contract-shout", StoreContract::shout);
          f.apply("hello");
          StoreException e = assertThrows(StoreException.class, () -> memo.clear(f));
          assertEquals(
              "clearing \"contract-shout\" needs a store that can list its entries, but"
                  + " the "
                  + store
                  + " store does not declare Store.Capability.LISTING; use a store"
                  + " that does, such as directory, chronicle or memory, or implement"
                  + " Store.namespaces() and Store.forEachEntry() in the "
                  + store
                  + " store and add"
                  + " LISTING to its Store.capabilities()",
              e.getMessage());
          assertEquals("HELLO!", f.apply("hello"));
          assertEquals(1, COMPUTED.get(), "a refused clear removes nothing");
        }
        try (StoreAdmin admin = StoreAdmin.of(openStore(), MemoConfig.empty())) {
          StoreException e = assertThrows(StoreException.class, admin::functions);
          assertEquals(
              "listing the functions of a store needs a store that can list its entries,"
                  + " but the "
                  + store
                  + " store does not declare Store.Capability.LISTING; use a"
                  + " store that does, such as directory, chronicle or memory, or implement"
                  + " Store.namespaces() and Store.forEachEntry() in the "
                  + store
                  + " store and add"
                  + " LISTING to its Store.capabilities()",
              e.getMessage());
        }
        break;
      case PRUNING:
        Store s = openStore();
        try (StoreAdmin admin = StoreAdmin.of(s, MemoConfig.empty())) {
          if (declared.contains(Store.Capability.LISTING)) {
            // memo prunes a store that lists by removing its entries one by one.
            put(s, NS, key("k"), bytes("x"));
            StoreAdmin.Pruned p = admin.prune(0, null, Progress.NONE);
            assertEquals(1, p.removedEntries(), p::toString);
            assertEquals(Optional.empty(), read(s, NS, key("k")));
          } else {
            StoreException e =
                assertThrows(StoreException.class, () -> admin.prune(0, null, Progress.NONE));
            assertEquals(
                "pruning a store needs a store that can prune itself to bounds, but the "
                    + store
                    + " store does not declare Store.Capability.PRUNING; use a store that"
                    + " does, such as directory or chronicle, or implement Store.prune() in the "
                    + store
                    + " store and add PRUNING to its Store.capabilities()",
                e.getMessage());
          }
        }
        break;
      case CLAIMS:
        assertEquals(
            Optional.empty(),
            openStore().claim(NS, key("k")),
            "a store that does not declare CLAIMS returns no claim, so memo computes at once");
        break;
      default:
        fail("no check for " + capability);
    }
  }

  // ---------------------------------------------------------------- discovery

  @Test
  void provider_foundByName_isUniqueAndNamesItsStores() {
    assertEquals(providerName(), openStore().name());
  }

  // ---------------------------------------------------------------- round trip

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 13, 65_537, 5 * 1024 * 1024})
  void get_afterPut_returnsTheSameBytes(int size) throws IOException {
    Store store = openStore();
    byte[] bytes = random(size, size);
    put(store, NS, key("k"), bytes);
    assertArrayEquals(bytes, read(store, NS, key("k")).orElseThrow());
  }

  @Test
  void get_afterPut_canBeReadTwice() throws IOException {
    Store store = openStore();
    byte[] bytes = random(1000, 1);
    put(store, NS, key("k"), bytes);
    assertArrayEquals(bytes, read(store, NS, key("k")).orElseThrow());
    assertArrayEquals(bytes, read(store, NS, key("k")).orElseThrow());
  }

  @Test
  void get_absentKey_isEmpty() throws IOException {
    Store store = openStore();
    put(store, NS, key("present"), bytes("x"));
    assertEquals(Optional.empty(), read(store, NS, key("absent")));
  }

  @Test
  void get_absentNamespace_isEmpty() throws IOException {
    Store store = openStore();
    assertEquals(Optional.empty(), read(store, "never-written", key("k")));
    put(store, NS, key("k"), bytes("x"));
    assertEquals(Optional.empty(), read(store, "never-written", key("k")));
  }

  @Test
  void put_overExistingEntry_replacesIt() throws IOException {
    Store store = openStore();
    put(store, NS, key("k"), bytes("first, and longer than the second"));
    put(store, NS, key("k"), bytes("second"));
    assertArrayEquals(bytes("second"), read(store, NS, key("k")).orElseThrow());
  }

  @Test
  void put_byWriterThatClosesTheStream_storesTheEntry() throws IOException {
    Store store = openStore();
    store.put(
        NS,
        key("k"),
        out -> {
          out.write(bytes("closed early"));
          out.close();
        });
    assertArrayEquals(bytes("closed early"), read(store, NS, key("k")).orElseThrow());
  }

  @Test
  void put_keysOfDifferentLengths_keptApart() throws IOException {
    Store store = openStore();
    Signature shortKey = Signature.of(new byte[] {0x12});
    Signature longKey = Signature.of(new byte[] {0x12, 0x34});
    Signature digestKey = key("k");
    put(store, NS, shortKey, bytes("short"));
    put(store, NS, longKey, bytes("long"));
    put(store, NS, digestKey, bytes("digest"));
    assertArrayEquals(bytes("short"), read(store, NS, shortKey).orElseThrow());
    assertArrayEquals(bytes("long"), read(store, NS, longKey).orElseThrow());
    assertArrayEquals(bytes("digest"), read(store, NS, digestKey).orElseThrow());
  }

  // ---------------------------------------------------------------- remove, quarantine

  @Test
  void remove_presentEntry_returnsTrueThenFalse() throws IOException {
    Store store = openStore();
    put(store, NS, key("k"), bytes("x"));
    put(store, NS, key("other"), bytes("y"));
    assertTrue(store.remove(NS, key("k")));
    assertEquals(Optional.empty(), read(store, NS, key("k")));
    assertFalse(store.remove(NS, key("k")));
    assertArrayEquals(bytes("y"), read(store, NS, key("other")).orElseThrow());
  }

  @Test
  void remove_absentNamespace_returnsFalse() throws IOException {
    assertFalse(openStore().remove("never-written", key("k")));
  }

  @Test
  void quarantine_entry_makesItAbsent() throws IOException {
    Store store = openStore();
    put(store, NS, key("k"), bytes("broken"));
    put(store, NS, key("other"), bytes("fine"));
    store.quarantine(NS, key("k"), "checksum mismatch");
    assertEquals(Optional.empty(), read(store, NS, key("k")));
    assertFalse(store.remove(NS, key("k")));
    assertArrayEquals(bytes("fine"), read(store, NS, key("other")).orElseThrow());
  }

  @Test
  void quarantine_thenPut_storesTheNewEntry() throws IOException {
    Store store = openStore();
    put(store, NS, key("k"), bytes("broken"));
    store.quarantine(NS, key("k"), "checksum mismatch");
    put(store, NS, key("k"), bytes("recomputed"));
    assertArrayEquals(bytes("recomputed"), read(store, NS, key("k")).orElseThrow());
  }

  @Test
  void quarantine_absentEntry_doesNothing() throws IOException {
    Store store = openStore();
    assertDoesNotThrow(() -> store.quarantine("never-written", key("k"), "why not"));
    assertEquals(Optional.empty(), read(store, "never-written", key("k")));
  }

  // ---------------------------------------------------------------- namespaces

  @Test
  void put_sameKeyInTwoNamespaces_keptApart() throws IOException {
    Store store = openStore();
    put(store, "a", key("k"), bytes("in a"));
    put(store, "b", key("k"), bytes("in b"));
    assertArrayEquals(bytes("in a"), read(store, "a", key("k")).orElseThrow());
    assertArrayEquals(bytes("in b"), read(store, "b", key("k")).orElseThrow());
    assertTrue(store.remove("a", key("k")));
    assertArrayEquals(bytes("in b"), read(store, "b", key("k")).orElseThrow());
  }

  /**
   * Returns namespaces that a careless store would map outside its root, onto each other or onto
   * invalid file names.
   *
   * @return the namespaces
   */
  static Stream<String> hostileNamespaces() {
    return Stream.of(
        "../x",
        "../../etc/passwd",
        "/abs/olute",
        "C:\\abs\\olute",
        "a/b\\c",
        "a_b_c",
        "..",
        ".",
        "_.",
        "_",
        "",
        " ",
        ".hidden",
        "x".repeat(500),
        "x".repeat(499) + "y",
        "naïve-名前-🙂",
        "naive-____-_",
        "a\u0000b",
        "a\nb",
        "\uD800",
        "?",
        "CON",
        "con",
        "NUL.txt",
        "a:b*c?d\"e<f>g|h",
        "trailing. ");
  }

  @ParameterizedTest(name = "[{index}]")
  @MethodSource("hostileNamespaces")
  void put_hostileNamespace_roundTrips(String namespace) throws IOException {
    Store store = openStore();
    put(store, namespace, key("k"), bytes(namespace));
    assertArrayEquals(bytes(namespace), read(store, namespace, key("k")).orElseThrow());
    assertTrue(store.remove(namespace, key("k")));
    assertEquals(Optional.empty(), read(store, namespace, key("k")));
  }

  @Test
  void put_hostileNamespaces_keptApart() throws IOException {
    Store store = openStore();
    // Values by position: namespaces such as "?" and "\uD800" have the same UTF-8 form.
    List<String> namespaces = hostileNamespaces().collect(Collectors.toList());
    for (int i = 0; i < namespaces.size(); i++) {
      put(store, namespaces.get(i), key("k"), bytes("value " + i));
    }
    for (int i = 0; i < namespaces.size(); i++) {
      int index = i;
      assertArrayEquals(
          bytes("value " + i),
          read(store, namespaces.get(i), key("k")).orElseThrow(),
          () -> "hostile namespace #" + index);
    }
  }

  // ---------------------------------------------------------------- failing writers

  /**
   * Returns what a writer may fail with: an I/O error, or an unchecked exception such as a serde's.
   *
   * @return the failures
   */
  static Stream<Exception> writerFailures() {
    return Stream.of(
        new IOException("disk on fire"),
        new SerdeException("class Foo is not serializable"),
        new IllegalStateException("bug in the writer"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("writerFailures")
  void put_writerFailsMidway_keepsThePreviousEntry(Exception failure) throws IOException {
    Store store = openStore();
    byte[] previous = random(100_000, 1);
    put(store, NS, key("k"), previous);
    Exception thrown =
        assertThrows(Exception.class, () -> store.put(NS, key("k"), failingWriter(failure)));
    assertCausedBy(failure, thrown);
    assertArrayEquals(previous, read(store, NS, key("k")).orElseThrow());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("writerFailures")
  void put_writerFailsMidway_leavesNoEntry(Exception failure) throws IOException {
    Store store = openStore();
    Exception thrown =
        assertThrows(Exception.class, () -> store.put(NS, key("k"), failingWriter(failure)));
    assertCausedBy(failure, thrown);
    assertEquals(Optional.empty(), read(store, NS, key("k")));
    assertFalse(store.remove(NS, key("k")));
  }

  private static Store.EntryWriter failingWriter(Exception failure) {
    return out -> {
      out.write(random(200_000, 2));
      out.flush();
      if (failure instanceof IOException) {
        throw (IOException) failure;
      }
      throw (RuntimeException) failure;
    };
  }

  private static void assertCausedBy(Exception expected, Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t == expected) {
        return;
      }
    }
    fail("expected the writer's " + expected + " but put threw " + thrown, thrown);
  }

  // ---------------------------------------------------------------- close

  @Test
  void get_afterClose_throwsStoreException() throws IOException {
    Store store = openStore();
    put(store, NS, key("k"), bytes("x"));
    store.close();
    assertThrows(StoreException.class, () -> store.get(NS, key("k")));
  }

  @Test
  void put_afterClose_throwsStoreException() {
    Store store = openStore();
    store.close();
    assertThrows(StoreException.class, () -> put(store, NS, key("k"), bytes("x")));
  }

  @Test
  void remove_afterClose_throwsStoreException() throws IOException {
    Store store = openStore();
    put(store, NS, key("k"), bytes("x"));
    store.close();
    assertThrows(StoreException.class, () -> store.remove(NS, key("k")));
  }

  @Test
  void close_twice_isFine() {
    Store store = openStore();
    store.close();
    assertDoesNotThrow(store::close);
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void get_duringConcurrentOverwrites_seesOneWholeEntry() throws Exception {
    Store store = openStore();
    byte[] a = random(CONCURRENT_PAYLOAD_BYTES, 'a');
    byte[] b = random(CONCURRENT_PAYLOAD_BYTES, 'b');
    put(store, NS, key("k"), a);
    int writes = 100;
    int minReadsEach = 50;
    AtomicBoolean writing = new AtomicBoolean(true);
    CountDownLatch start = new CountDownLatch(1);
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      int first = w;
      tasks.add(
          () -> {
            start.await();
            for (int i = 0; i < writes; i++) {
              put(store, NS, key("k"), (i + first) % 2 == 0 ? a : b);
            }
            return writes;
          });
    }
    for (int r = 0; r < 2; r++) {
      tasks.add(
          () -> {
            start.await();
            int reads = 0;
            while (writing.get() || reads < minReadsEach) {
              byte[] seen = read(store, NS, key("k")).orElseThrow();
              if (!Arrays.equals(seen, a) && !Arrays.equals(seen, b)) {
                throw new AssertionError(
                    "read "
                        + seen.length
                        + " bytes that are neither payload: a torn or mixed entry");
              }
              reads++;
            }
            return reads;
          });
    }
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      tasks.forEach(t -> futures.add(pool.submit(t)));
      start.countDown();
      for (int i = 0; i < 2; i++) {
        futures.get(i).get(2, TimeUnit.MINUTES);
      }
      writing.set(false);
      for (Future<Integer> f : futures) {
        assertTrue(f.get(2, TimeUnit.MINUTES) > 0);
      }
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }
  }

  @Test
  void put_eightThreadsDistinctKeys_keepsEveryEntry() throws Exception {
    Store store = openStore();
    int threads = 8;
    int keysEach = 40;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < keysEach; i++) {
                    String name = thread + "/" + i;
                    put(store, NS + thread % 2, key(name), random(1 + 97 * i, name.hashCode()));
                    assertArrayEquals(
                        random(1 + 97 * i, name.hashCode()),
                        read(store, NS + thread % 2, key(name)).orElseThrow());
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < keysEach; i++) {
        String name = t + "/" + i;
        assertArrayEquals(
            random(1 + 97 * i, name.hashCode()),
            read(store, NS + t % 2, key(name)).orElseThrow(),
            name);
      }
    }
  }

  // ---------------------------------------------------------------- persistence

  @Test
  void get_afterCloseAndReopen_seesEntriesOnlyIfPersistent() throws IOException {
    Store first = openStore();
    byte[] bytes = random(10_000, 3);
    put(first, NS, key("k"), bytes);
    put(first, "other", key("k"), bytes("other"));
    first.close();
    Store second = openStore();
    if (persistent()) {
      assertArrayEquals(bytes, read(second, NS, key("k")).orElseThrow());
      assertArrayEquals(bytes("other"), read(second, "other", key("k")).orElseThrow());
    } else {
      assertEquals(Optional.empty(), read(second, NS, key("k")));
      assertEquals(Optional.empty(), read(second, "other", key("k")));
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Returns a 32-byte key derived from a name, as a SHA-256 signer would make it.
   *
   * @param name any string
   * @return the key
   */
  protected static Signature key(String name) {
    try {
      return Signature.of(
          MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  // ---------------------------------------------------------------- through the memoizer

  // A counter changes at every call: memo would refuse to sign it, and it cannot change a result.
  @NotSigned private static final AtomicInteger COMPUTED = new AtomicInteger();

  private static String shout(String text) {
    COMPUTED.incrementAndGet();
    return text.toUpperCase(java.util.Locale.ROOT) + "!";
  }

  @Test
  void memo_onThisStore_computesOnceAndReusesAfterReopen() {
    COMPUTED.set(0);
    try (Memo memo = Memo.builder().store(openStore()).serde(new Utf8Serde()).build()) {
      Function<String, String> f = memo.function("contract-shout", StoreContract::shout);
      assertEquals("HELLO!", f.apply("hello"));
      assertEquals("HELLO!", f.apply("hello"));
      assertEquals(1, COMPUTED.get());
    }
    try (Memo memo = Memo.builder().store(openStore()).serde(new Utf8Serde()).build()) {
      assertEquals("HELLO!", memo.function("contract-shout", StoreContract::shout).apply("hello"));
      assertEquals(persistent() ? 1 : 2, COMPUTED.get());
    }
  }

  @Test
  void memo_corruptTruncatedOrForeignEntry_isACountedMissAndIsRecomputed() throws IOException {
    COMPUTED.set(0);
    RecordingStore store = new RecordingStore(openStore());
    // The object tier off: every call must read the entry this test breaks under the memoizer.
    try (Memo memo =
        Memo.builder()
            .store(store)
            .serde(new Utf8Serde())
            .config("memo.object-tier.max-entries", "0")
            .build()) {
      Function<String, String> f = memo.function("contract-shout", StoreContract::shout);
      f.apply("a value long enough to span a few bytes");
      RecordingStore.Key key = store.written.get(0);
      byte[] good = read(store, key.namespace(), key.signature()).orElseThrow();
      List<byte[]> broken = new ArrayList<>();
      Random random = new Random(11);
      for (int i = 0; i < 40; i++) {
        byte[] flipped = good.clone();
        flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
        broken.add(flipped);
      }
      for (int length = 0; length < good.length; length += Math.max(1, good.length / 20)) {
        broken.add(java.util.Arrays.copyOf(good, length));
      }
      broken.add(random(good.length, 5));
      broken.add(bytes("not an entry at all"));
      int expected = 1;
      for (byte[] b : broken) {
        put(store, key.namespace(), key.signature(), b);
        assertEquals(
            "A VALUE LONG ENOUGH TO SPAN A FEW BYTES!",
            f.apply("a value long enough to span a few bytes"));
        assertEquals(++expected, COMPUTED.get(), "a broken entry must be recomputed");
      }
      assertEquals(broken.size(), memo.stats().loadFailureCount());
      f.apply("a value long enough to span a few bytes");
      assertEquals(expected, COMPUTED.get(), "the recomputed entry is reused");
    }
  }

  /**
   * Writes an entry.
   *
   * @param store the store
   * @param namespace the namespace
   * @param key the key
   * @param bytes the entry
   * @throws IOException if the store fails
   */
  protected static void put(Store store, String namespace, Signature key, byte[] bytes)
      throws IOException {
    store.put(namespace, key, out -> out.write(bytes));
  }

  /**
   * Reads a whole entry and closes its stream.
   *
   * @param store the store
   * @param namespace the namespace
   * @param key the key
   * @return the entry's bytes, or empty when absent
   * @throws IOException if the store fails
   */
  protected static Optional<byte[]> read(Store store, String namespace, Signature key)
      throws IOException {
    Optional<InputStream> in = store.get(namespace, key);
    if (in.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream stream = in.get()) {
      return Optional.of(stream.readAllBytes());
    }
  }

  /**
   * Returns reproducible random bytes.
   *
   * @param size how many
   * @param seed the seed
   * @return the bytes
   */
  protected static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
