package dev.memo.core.store;

import static dev.memo.core.store.Entries.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.Signature;
import dev.memo.spi.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tiered store's own rules: promotion, write-through, claims in the far layer, failures. */
final class TieredStoreTest {
  private static final String NS = "tiered";

  @TempDir Path tempDir;
  private Store tiered;

  @AfterEach
  void close() {
    if (tiered != null) {
      tiered.close();
    }
  }

  private static Optional<byte[]> read(Store store, Signature key) throws IOException {
    Optional<InputStream> in = store.get(NS, key);
    if (in.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream s = in.get()) {
      return Optional.of(s.readAllBytes());
    }
  }

  private static void put(Store store, Signature key, byte[] bytes) throws IOException {
    store.put(NS, key, out -> out.write(bytes));
  }

  private TieredStore over(Store... layers) {
    TieredStore t = new TieredStore(List.of(layers));
    tiered = t;
    return t;
  }

  private DirectoryStore directory(String name, boolean claims) {
    return new DirectoryStore(
        DirectoryStore.Options.of(tempDir.resolve(name).toAbsolutePath())
            .background(false)
            .claims(claims ? new DirectoryClaims(Duration.ofMinutes(1)) : null));
  }

  @Test
  void get_hitInTheFarLayer_isCopiedIntoEveryNearerLayer() throws IOException {
    MemoryStore near = new MemoryStore(1 << 20);
    DirectoryStore middle = directory("middle", false);
    DirectoryStore far = directory("far", false);
    Store t = over(near, middle, far);
    put(far, key("k"), new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, read(t, key("k")).orElseThrow());
    assertArrayEquals(new byte[] {1, 2, 3}, read(near, key("k")).orElseThrow());
    assertArrayEquals(new byte[] {1, 2, 3}, read(middle, key("k")).orElseThrow());
  }

  @Test
  void get_hitInTheNearLayer_readsNothingFarther() throws IOException {
    MemoryStore near = new MemoryStore(1 << 20);
    FailingLayer far = new FailingLayer();
    Store t = over(near, far);
    put(near, key("k"), new byte[] {4});
    assertArrayEquals(new byte[] {4}, read(t, key("k")).orElseThrow());
    assertEquals(0, far.calls);
  }

  @Test
  void put_writesThroughToEveryLayer() throws IOException {
    MemoryStore near = new MemoryStore(1 << 20);
    DirectoryStore far = directory("far", false);
    Store t = over(near, far);
    put(t, key("k"), new byte[] {9, 9});
    assertArrayEquals(new byte[] {9, 9}, read(near, key("k")).orElseThrow());
    assertArrayEquals(new byte[] {9, 9}, read(far, key("k")).orElseThrow());
  }

  @Test
  void put_tooLargeForTheNearLayer_isKeptByTheFarOne() throws IOException {
    MemoryStore near = new MemoryStore(10);
    DirectoryStore far = directory("far", false);
    Store t = over(near, far);
    put(t, key("k"), new byte[100]);
    assertEquals(Optional.empty(), read(near, key("k")));
    assertEquals(100, read(t, key("k")).orElseThrow().length);
  }

  @Test
  void claim_isTakenInTheFarthestLayerThatCoordinates() throws IOException {
    DirectoryStore near = directory("near", true);
    DirectoryStore far = directory("far", true);
    Store t = over(near, far);
    try (Store.Claim claim = t.claim(NS, key("k")).orElseThrow()) {
      assertTrue(claim.held());
      assertFalse(far.claim(NS, key("k")).orElseThrow().held(), "held in the far layer");
      try (Store.Claim nearClaim = near.claim(NS, key("k")).orElseThrow()) {
        assertTrue(nearClaim.held(), "the near layer was not asked");
      }
    }
  }

  @Test
  void claim_farLayerFailing_fallsBackToTheNearOne() throws IOException {
    DirectoryStore near = directory("near", true);
    Store t = over(near, new FailingLayer());
    try (Store.Claim claim = t.claim(NS, key("k")).orElseThrow()) {
      assertTrue(claim.held());
      assertFalse(near.claim(NS, key("k")).orElseThrow().held());
    }
  }

  @Test
  void claim_noLayerCoordinates_isEmpty() throws IOException {
    assertEquals(
        Optional.empty(),
        over(new MemoryStore(1 << 20), directory("far", false)).claim(NS, key("k")));
  }

  @Test
  void farLayerFailing_getsAndPutsAreServedByTheNearOne() throws IOException {
    MemoryStore near = new MemoryStore(1 << 20);
    Store t = over(near, new FailingLayer());
    assertEquals(Optional.empty(), read(t, key("k")));
    put(t, key("k"), new byte[] {5});
    assertArrayEquals(new byte[] {5}, read(t, key("k")).orElseThrow());
  }

  @Test
  void everyLayerFailing_failsTheCall() {
    Store t = over(new FailingLayer(), new FailingLayer());
    assertThrows(IOException.class, () -> t.get(NS, key("k")));
    assertThrows(IOException.class, () -> put(t, key("k"), new byte[] {1}));
  }

  @Test
  void put_writerFails_leavesNoEntryInAnyLayerAndTriesNoOtherLayer() throws IOException {
    MemoryStore near = new MemoryStore(1 << 20);
    DirectoryStore far = directory("far", false);
    Store t = over(near, far);
    IllegalStateException bug = new IllegalStateException("bug in the writer");
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                t.put(
                    NS,
                    key("k"),
                    out -> {
                      out.write(1);
                      throw bug;
                    }));
    assertSame(bug, thrown);
    assertEquals(Optional.empty(), read(near, key("k")));
    assertEquals(Optional.empty(), read(far, key("k")));
  }

  @Test
  void removeAndQuarantine_actOnEveryLayer() throws IOException {
    MemoryStore near = new MemoryStore(1 << 20);
    DirectoryStore far = directory("far", false);
    Store t = over(near, far);
    put(t, key("a"), new byte[] {1});
    put(t, key("b"), new byte[] {2});
    assertTrue(t.remove(NS, key("a")));
    t.quarantine(NS, key("b"), "test");
    for (Store layer : List.of(near, far)) {
      assertEquals(Optional.empty(), read(layer, key("a")));
      assertEquals(Optional.empty(), read(layer, key("b")));
    }
  }

  @Test
  void close_closesEveryLayer() {
    MemoryStore near = new MemoryStore(1 << 20);
    DirectoryStore far = directory("far", false);
    over(near, far).close();
    assertThrows(dev.memo.StoreException.class, () -> near.get(NS, key("k")));
    assertTrue(far.closed());
  }

  // ---------------------------------------------------------------- provider

  private Store create(Map<String, String> values) {
    return new TieredStoreProvider()
        .create(MemoConfig.of("test", values).scoped("memo.store.tiered"));
  }

  @Test
  void provider_createsTheLayersNamedNearestFirstWithTheirOwnKeys() {
    Store s =
        create(
            Map.of(
                "memo.store.tiered.layers",
                "memory, directory",
                "memo.store.directory.path",
                tempDir.resolve("d").toString(),
                "memo.store.memory.max-bytes",
                "1KiB"));
    tiered = s;
    TieredStore t = assertInstanceOf(TieredStore.class, s);
    assertEquals(1024, ((MemoryStore) t.layers().get(0)).maxBytes());
    assertEquals(
        tempDir.resolve("d").toAbsolutePath(), ((DirectoryStore) t.layers().get(1)).root());
  }

  @Test
  void provider_badLayers_failSayingWhatToSet() {
    assertEquals(
        "memo.store.tiered.layers is not set; list the stores nearest first, such as"
            + " memo.store.tiered.layers=directory,redis",
        assertThrows(MemoConfigurationException.class, () -> create(Map.of())).getMessage());
    assertEquals(
        "memo.store.tiered.layers is \"directory,tiered\" (from test) but must be store"
            + " names other than tiered, nearest first, such as directory,redis",
        assertThrows(
                MemoConfigurationException.class,
                () -> create(Map.of("memo.store.tiered.layers", "directory,tiered")))
            .getMessage());
    assertEquals(
        "memo.store.tiered.layers is \"memory,memory\" (from test) but must be store"
            + " names, each at most once, nearest first, such as directory,redis",
        assertThrows(
                MemoConfigurationException.class,
                () -> create(Map.of("memo.store.tiered.layers", "memory,memory")))
            .getMessage());
    String unknown =
        assertThrows(
                MemoConfigurationException.class,
                () -> create(Map.of("memo.store.tiered.layers", "memory,nosuch")))
            .getMessage();
    assertTrue(
        unknown.startsWith(
            "memo.store.tiered.layers is \"memory,nosuch\" but no store"
                + " provider named \"nosuch\" is on the class path; add the module that provides it"),
        unknown);
  }

  /** A layer whose every call fails as an unreachable server's would. */
  private static final class FailingLayer implements Store {
    int calls;

    @Override
    public String name() {
      return "unreachable";
    }

    @Override
    public Optional<InputStream> get(String namespace, Signature key) throws IOException {
      calls++;
      throw new IOException("connection refused");
    }

    @Override
    public void put(String namespace, Signature key, EntryWriter writer) throws IOException {
      calls++;
      throw new IOException("connection refused");
    }

    @Override
    public boolean remove(String namespace, Signature key) throws IOException {
      calls++;
      throw new IOException("connection refused");
    }

    @Override
    public Optional<Claim> claim(String namespace, Signature key) throws IOException {
      calls++;
      throw new IOException("connection refused");
    }

    @Override
    public void close() {}
  }
}
