package dev.memo.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.NotSigned;
import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.core.Memo;
import dev.memo.core.fakes.MapStore;
import dev.memo.core.store.MemoryStoreProvider;
import dev.memo.spi.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** StoreAdmin on a store without access times or its own sweep: the memory store. */
final class StoreAdminTest {
  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();

  private static Store memoryStore() {
    return new MemoryStoreProvider().create(MemoConfig.empty());
  }

  private static Function<Integer, String> text(Memo memo) {
    return memo.function(
        "text",
        x -> {
          CALLS.incrementAndGet();
          return "x".repeat(100 * (x + 1));
        });
  }

  @Test
  void listStatsAndClear_seeWhatAMemoizerWrote() {
    try (Store store = memoryStore();
        Memo memo = Memo.builder().store(store).build();
        StoreAdmin admin = StoreAdmin.of(store, MemoConfig.empty())) {
      Function<Integer, String> f = text(memo);
      for (int i = 0; i < 4; i++) {
        f.apply(i);
      }
      memo.function("other", (Integer x) -> x).apply(1);
      assertEquals(List.of("other", "text"), admin.functions());
      List<StoreAdmin.Entry> entries = admin.list("text", Progress.NONE);
      assertEquals(4, entries.size());
      assertTrue(
          entries.stream()
              .allMatch(
                  e ->
                      e.created().isPresent()
                          && e.computeTime().isPresent()
                          && e.problem().isEmpty()
                          && e.lastAccess().isEmpty()));
      StoreAdmin.Stats stats = admin.stats(Progress.NONE);
      assertEquals(5, stats.entries());
      assertEquals(
          List.of(1L, 4L),
          stats.functions().stream()
              .map(StoreAdmin.FunctionStats::entries)
              .collect(Collectors.toList()));
      assertEquals(4, admin.clear("text"));
      assertFalse(memo.contains(f, 0));
      assertEquals(0, admin.list("text", Progress.NONE).size());
    }
  }

  @Test
  void prune_withoutAccessTimes_removesTheEarliestCreatedFirst() throws Exception {
    try (Store store = memoryStore();
        Memo memo = Memo.builder().store(store).build();
        StoreAdmin admin = StoreAdmin.of(store, MemoConfig.empty())) {
      Function<Integer, String> f = text(memo);
      for (int i = 0; i < 4; i++) {
        f.apply(i);
        // Creation times are in milliseconds: keep them apart.
        Thread.sleep(5);
      }
      // Room for the two latest entries of "text" and memo's own records (of which those without
      // a creation time, the code manifests, rank as oldest and go first).
      long newestTwo =
          admin.list("text", Progress.NONE).stream()
              .sorted((a, b) -> b.created().orElseThrow().compareTo(a.created().orElseThrow()))
              .limit(2)
              .mapToLong(StoreAdmin.Entry::size)
              .sum();
      long budget = newestTwo + storeRecordBytes(store);
      StoreAdmin.Pruned p = admin.prune(budget, Duration.ofDays(1), Progress.NONE);
      assertTrue(p.bytes() <= budget, p.toString());
      assertFalse(memo.contains(f, 0));
      assertFalse(memo.contains(f, 1));
      assertTrue(memo.contains(f, 2));
      assertTrue(memo.contains(f, 3));
    }
  }

  /** Bytes of memo's own records, which the listing of functions leaves out but prune counts. */
  private static long storeRecordBytes(Store store) throws Exception {
    long[] bytes = {0};
    for (String ns : store.namespaces()) {
      if (ns.charAt(0) < 0x20) {
        store.forEachEntry(ns, e -> bytes[0] += e.size());
      }
    }
    return bytes[0];
  }

  @Test
  void operations_onAStoreThatCannotList_throwStoreExceptionSayingWhy() {
    try (StoreAdmin admin = StoreAdmin.of(new MapStore(), MemoConfig.empty())) {
      StoreException e = assertThrows(StoreException.class, admin::functions);
      assertEquals(
          "listing the functions of a store needs a store that can list its entries, but"
              + " the map store does not declare Store.Capability.LISTING; use a store that does, such"
              + " as directory, chronicle or memory, or implement Store.namespaces() and"
              + " Store.forEachEntry() in the map store and add LISTING to its Store.capabilities()",
          e.getMessage());
      e = assertThrows(StoreException.class, () -> admin.clear("f"));
      assertEquals(
          "clearing a function needs a store that can list its entries, but the map"
              + " store does not declare Store.Capability.LISTING; use a store that does, such as"
              + " directory, chronicle or memory, or implement Store.namespaces() and"
              + " Store.forEachEntry() in the map store and add LISTING to its Store.capabilities()",
          e.getMessage());
      e = assertThrows(StoreException.class, () -> admin.verify(Progress.NONE));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "verifying a store needs a store that can list its"
                      + " entries, but the map store does not declare Store.Capability.LISTING;"),
          e.getMessage());
    }
  }

  @Test
  void prune_onAStoreThatCanNeitherPruneNorList_throwsStoreExceptionSayingWhy() {
    try (StoreAdmin admin = StoreAdmin.of(new MapStore(), MemoConfig.empty())) {
      StoreException e =
          assertThrows(StoreException.class, () -> admin.prune(1, null, Progress.NONE));
      assertEquals(
          "pruning a store needs a store that can prune itself to bounds, but the map"
              + " store does not declare Store.Capability.PRUNING; use a store that does, such as"
              + " directory or chronicle, or implement Store.prune() in the map store and add PRUNING"
              + " to its Store.capabilities()",
          e.getMessage());
    }
  }

  @Test
  void functions_directoryFolderWithoutItsNameFile_isNamedFromAnEntryHeader(@TempDir Path dir)
      throws IOException {
    Map<String, String> config = Map.of("memo.store.directory.path", dir.toString());
    try (Memo memo = Memo.builder().config(config).store("directory").build()) {
      text(memo).apply(1);
    }
    // A folder written before name files existed, as an older memo left it.
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p :
          files
              .filter(p -> p.getFileName().toString().equals(".namespace"))
              .collect(Collectors.toList())) {
        Files.delete(p);
      }
    }
    try (StoreAdmin admin = StoreAdmin.open("directory", config)) {
      assertEquals(List.of("text"), admin.functions());
      assertEquals(1, admin.list("text", Progress.NONE).size());
    }
  }

  @Test
  void stats_directoryStore_countsWholeBlocksOnDisk_besideTheBytesWritten(@TempDir Path dir)
      throws IOException {
    Map<String, String> config = Map.of("memo.store.directory.path", dir.toString());
    try (Memo memo = Memo.builder().config(config).store("directory").build()) {
      Function<Integer, String> f = text(memo);
      for (int i = 0; i < 3; i++) {
        f.apply(i);
      }
    }
    long block = Files.getFileStore(dir).getBlockSize();
    try (StoreAdmin admin = StoreAdmin.open("directory", config)) {
      StoreAdmin.FunctionStats s = admin.stats(Progress.NONE).functions().get(0);
      assertEquals(3, s.entries());
      assertTrue(s.bytes() < 3 * block, "small entries: " + s.bytes());
      assertEquals(3 * block, s.diskBytes(), "each small entry takes one block");
    }
  }

  @Test
  void clearAll_removesEveryEntry_memosOwnRecordsToo() {
    Store store = memoryStore();
    try (StoreAdmin admin = StoreAdmin.of(store, MemoConfig.empty())) {
      // Records are written behind the calls; closing the memoizer writes them.
      try (Memo memo = Memo.builder().store(store).build()) {
        text(memo).apply(1);
        text(memo).apply(2);
      }
      long all = 0;
      for (String ns : admin.functions()) {
        all += admin.list(ns, Progress.NONE).size();
      }
      assertEquals(2, all);
      long removed = admin.clearAll();
      assertTrue(removed > 2, "the two entries and the records explain keeps: " + removed);
      assertEquals(
          List.of(),
          admin.functions().stream()
              .filter(f -> !admin.list(f, Progress.NONE).isEmpty())
              .collect(Collectors.toList()));
      try (Memo memo = Memo.builder().store(store).build()) {
        assertEquals(
            "miss of \"text\": no earlier entry of \"text\" to compare with",
            memo.explain(text(memo), 1).toString());
      }
    }
  }

  @Test
  void prune_negativeAge_isRejected_andZeroRemovesEverything() {
    Store store = memoryStore();
    try (Memo memo = Memo.builder().store(store).build();
        StoreAdmin admin = StoreAdmin.of(store, MemoConfig.empty())) {
      text(memo).apply(1);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> admin.prune(Long.MAX_VALUE, Duration.ofSeconds(-1), Progress.NONE));
      assertEquals("max age PT-1S is negative", e.getMessage());
      StoreAdmin.Pruned p = admin.prune(Long.MAX_VALUE, Duration.ZERO, Progress.NONE);
      assertEquals(0, p.entries());
      assertTrue(p.removedEntries() >= 1);
    }
  }

  @Test
  void prune_negativeBytes_isRejected() {
    try (StoreAdmin admin = StoreAdmin.of(memoryStore(), MemoConfig.empty())) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> admin.prune(-1, null, Progress.NONE));
      assertEquals("max bytes -1 is negative", e.getMessage());
    }
  }

  @Test
  void verify_untouchedStoreWithAnIntegrityKey_findsEveryEntryAndRecordGood(@TempDir Path dir)
      throws IOException {
    Path keyFile = dir.resolve("integrity.key");
    Files.writeString(keyFile, "a".repeat(44));
    Map<String, String> config = Map.of("memo.integrity.key-file", keyFile.toString());
    try (Store store = memoryStore();
        StoreAdmin admin = StoreAdmin.of(store, MemoConfig.of("test", config))) {
      // Records are written behind the calls; closing the memoizer writes them.
      try (Memo memo = Memo.builder().store(store).config(config).build()) {
        Function<Integer, String> f = text(memo);
        for (int i = 0; i < 3; i++) {
          f.apply(i);
        }
      }
      StoreAdmin.Verified v = admin.verify(Progress.NONE);
      // Three entries, and explain's records: the function's latest entry and its code manifest.
      assertEquals(5, v.checked());
      assertEquals(List.of(), v.bad());
      assertEquals(List.of(), v.unreadable());
      assertEquals(List.of(), v.outdated());
      assertFalse(v.damaged());
      // memo reads the same records under the key: explain compares with the latest entry.
      try (Memo memo = Memo.builder().store(store).config(config).build()) {
        String explained = memo.explain(text(memo), 7).toString();
        assertFalse(explained.contains("no earlier entry"), explained);
      }
    }
  }

  @Test
  void verify_recordsWrittenWithoutTheKey_areBadUnderIt_asMemoReadsThem(@TempDir Path dir)
      throws IOException {
    Path keyFile = dir.resolve("integrity.key");
    Files.writeString(keyFile, "a".repeat(44));
    Map<String, String> config = Map.of("memo.integrity.key-file", keyFile.toString());
    try (Store store = memoryStore()) {
      try (Memo memo = Memo.builder().store(store).build()) {
        text(memo).apply(1);
      }
      try (StoreAdmin admin = StoreAdmin.of(store, MemoConfig.of("test", config))) {
        StoreAdmin.Verified v = admin.verify(Progress.NONE);
        assertEquals(3, v.bad().size(), "the entry and both records lack a tag");
        assertTrue(
            v.bad().stream()
                .allMatch(b -> b.reason().startsWith("entry has no valid integrity tag")),
            v.bad().toString());
      }
    }
  }

  /** A memory store whose quarantine fails, as a read-only store's does. */
  private static final class ReadOnlyQuarantine implements Store {
    private final Store store = memoryStore();

    @Override
    public String name() {
      return "read-only-quarantine";
    }

    @Override
    public java.util.Set<Capability> capabilities() {
      return store.capabilities();
    }

    @Override
    public java.util.Optional<java.io.InputStream> get(String namespace, Signature key)
        throws IOException {
      return store.get(namespace, key);
    }

    @Override
    public void put(String namespace, Signature key, EntryWriter writer) throws IOException {
      store.put(namespace, key, writer);
    }

    @Override
    public boolean remove(String namespace, Signature key) throws IOException {
      return store.remove(namespace, key);
    }

    @Override
    public void quarantine(String namespace, Signature key, String reason) throws IOException {
      throw new java.nio.file.AccessDeniedException("quarantine");
    }

    @Override
    public java.util.Set<String> namespaces() throws IOException {
      return store.namespaces();
    }

    @Override
    public void forEachEntry(
        String namespace, java.util.function.Consumer<? super dev.memo.spi.StoreEntry> action)
        throws IOException {
      store.forEachEntry(namespace, action);
    }

    @Override
    public void close() {
      store.close();
    }
  }

  @Test
  void verify_badEntryThatCannotBeQuarantined_isReportedSayingSo_andVerifyGoesOn()
      throws IOException {
    try (Store store = new ReadOnlyQuarantine();
        StoreAdmin admin = StoreAdmin.of(store, MemoConfig.empty())) {
      // Records are written behind the calls; closing the memoizer writes them.
      try (Memo memo = Memo.builder().store(store).build()) {
        Function<Integer, String> f = text(memo);
        f.apply(1);
        f.apply(2);
      }
      List<Signature> keys = new java.util.ArrayList<>();
      store.forEachEntry("text", e -> keys.add(e.key()));
      keys.sort(null);
      store.put("text", keys.get(0), out -> out.write(new byte[] {'M', 'E', 'M', 'O'}));

      StoreAdmin.Verified v = admin.verify(Progress.NONE);

      assertEquals(4, v.checked());
      assertEquals(
          List.of(
              new StoreAdmin.Bad(
                  "text",
                  keys.get(0),
                  "entry is truncated inside its"
                      + " header; not quarantined (java.nio.file.AccessDeniedException: quarantine): check"
                      + " that the store is writable")),
          v.bad());
      assertTrue(v.damaged());
    }
  }
}
