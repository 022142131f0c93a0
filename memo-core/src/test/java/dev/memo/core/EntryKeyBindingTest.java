package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.Explanation;
import dev.memo.NotSigned;
import dev.memo.core.admin.Progress;
import dev.memo.core.admin.StoreAdmin;
import dev.memo.spi.support.Namespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every entry names the namespace and key it was written under, and a read checks them: entry files
 * of a real directory store renamed, copied, hard-linked or symbolically linked to another key's
 * place are broken entries (counted, quarantined, computed again), never another call's hit; {@code
 * verify} reports them.
 */
final class EntryKeyBindingTest {
  @NotSigned static final AtomicInteger COMPUTED = new AtomicInteger();

  @TempDir Path dir;

  static String square(Integer x) {
    COMPUTED.incrementAndGet();
    return "square " + (x * x);
  }

  static String cube(Integer x) {
    COMPUTED.incrementAndGet();
    return "cube " + (x * x * x);
  }

  @BeforeEach
  void reset() {
    COMPUTED.set(0);
  }

  private Path root() {
    return dir.resolve("store");
  }

  /**
   * The object tier off: what a call gets is what the store's file holds; and write-behind off:
   * each call's entry file is found as the call returns.
   */
  private Memo memo(Map<String, String> extra) {
    Memo.Builder b =
        MemoTest.isolated()
            .config("memo.object-tier.max-entries", "0")
            .config("memo.write-behind.max-bytes", "0")
            .config("memo.store.directory.path", root().toString());
    extra.forEach(b::config);
    return b.build();
  }

  private Memo memo() {
    return memo(Map.of());
  }

  private Map<String, String> keyed() throws IOException {
    byte[] key = new byte[32];
    new Random(7).nextBytes(key);
    Path file = dir.resolve("integrity.key");
    Files.writeString(file, Base64.getEncoder().encodeToString(key));
    return Map.of("memo.integrity.key-file", file.toString());
  }

  /** The entry file of each argument 1..n of a function, found by computing them one by one. */
  private Map<Integer, Path> entries(Memo memo, String function, Function<Integer, String> f, int n)
      throws IOException {
    Map<Integer, Path> files = new HashMap<>();
    for (int x = 1; x <= n; x++) {
      Set<Path> before = entryFiles(function);
      f.apply(x);
      Set<Path> after = entryFiles(function);
      after.removeAll(before);
      assertEquals(1, after.size(), "one entry file per call");
      files.put(x, after.iterator().next());
    }
    return files;
  }

  /** The entry files of square(1..n), written by a memoizer that is closed again. */
  private Map<Integer, Path> squares(Map<String, String> extra, int n) throws IOException {
    try (Memo memo = memo(extra)) {
      return entries(memo, "square", memo.function("square", EntryKeyBindingTest::square), n);
    }
  }

  private Set<Path> entryFiles(String function) throws IOException {
    Path folder = root().resolve(Namespaces.folderName(function));
    if (!Files.isDirectory(folder)) {
      return new TreeSet<>();
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".entry"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static String keyOf(Path entryFile) {
    String name = entryFile.getFileName().toString();
    return name.substring(0, name.length() - ".entry".length());
  }

  private Set<String> quarantined() throws IOException {
    Path q = root().resolve(".quarantine");
    if (!Files.isDirectory(q)) {
      return Set.of();
    }
    try (Stream<Path> files = Files.walk(q)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".entry"))
          .map(n -> n.substring(0, n.indexOf('.')))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static void swap(Path a, Path b) throws IOException {
    Path temp = a.resolveSibling("swap.tmp");
    Files.move(a, temp);
    Files.move(b, a);
    Files.move(temp, b);
  }

  private StoreAdmin.Verified verify(Map<String, String> extra) {
    Map<String, String> config = new HashMap<>(extra);
    config.put("memo.store.directory.path", root().toString());
    try (StoreAdmin admin = StoreAdmin.open("directory", config)) {
      return admin.verify(Progress.NONE);
    }
  }

  private static Set<String> badKeys(StoreAdmin.Verified v) {
    return v.bad().stream().map(b -> b.key().hex()).collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void apply_entryFilesOfOneFunctionSwapped_recomputesBoth_countsAndQuarantinesThem()
      throws IOException {
    try (Memo memo = memo()) {
      Function<Integer, String> f = memo.function("square", EntryKeyBindingTest::square);
      Map<Integer, Path> files = entries(memo, "square", f, 3);
      swap(files.get(1), files.get(2));
      COMPUTED.set(0);

      assertEquals("square 1", f.apply(1));
      assertEquals("square 4", f.apply(2));
      assertEquals("square 9", f.apply(3));
      assertEquals(2, COMPUTED.get());
      assertEquals(2, memo.stats().loadFailureCount());
      assertEquals(new TreeSet<>(List.of(keyOf(files.get(1)), keyOf(files.get(2)))), quarantined());
      assertEquals("square 1", f.apply(1));
      assertEquals(2, COMPUTED.get(), "rewritten under their own keys, they are hits again");
    }
  }

  @Test
  void verify_entryFilesSwapped_reportsAndQuarantinesBoth_sayingWhy() throws IOException {
    Map<Integer, Path> files = squares(Map.of(), 3);
    swap(files.get(1), files.get(2));

    StoreAdmin.Verified v = verify(Map.of());

    assertEquals(new TreeSet<>(List.of(keyOf(files.get(1)), keyOf(files.get(2)))), badKeys(v));
    assertEquals(List.of(), v.unreadable());
    StoreAdmin.Bad first =
        v.bad().stream()
            .filter(b -> b.key().hex().equals(keyOf(files.get(1))))
            .findFirst()
            .orElseThrow();
    assertEquals(
        "entry was written for key "
            + keyOf(files.get(2))
            + " of \"square\" but read as"
            + " key "
            + keyOf(files.get(1))
            + " of \"square\": it was moved, copied or linked to"
            + " another key's place",
        first.reason());
    assertEquals(badKeys(v), quarantined());
    try (Memo memo = memo()) {
      Function<Integer, String> f = memo.function("square", EntryKeyBindingTest::square);
      COMPUTED.set(0);
      assertEquals("square 4", f.apply(2));
      assertEquals(1, COMPUTED.get());
      assertEquals(0, memo.stats().loadFailureCount(), "verify quarantined it: a plain miss now");
    }
  }

  @Test
  void apply_anotherFunctionsEntryCopiedOverOne_isBrokenNotItsHit() throws IOException {
    try (Memo memo = memo()) {
      Function<Integer, String> square = memo.function("square", EntryKeyBindingTest::square);
      Function<Integer, String> cube = memo.function("cube", EntryKeyBindingTest::cube);
      Path squareOf2 = entries(memo, "square", square, 2).get(2);
      Path cubeOf2 = entries(memo, "cube", cube, 2).get(2);
      Files.copy(cubeOf2, squareOf2, StandardCopyOption.REPLACE_EXISTING);
      COMPUTED.set(0);

      assertEquals("square 4", square.apply(2));
      assertEquals("cube 8", cube.apply(2));
      assertEquals(1, COMPUTED.get());
      assertEquals(1, memo.stats().loadFailureCount());
      assertEquals(Set.of(keyOf(squareOf2)), quarantined());
    }
  }

  @Test
  void apply_hardLinkOfAnEntryAtAnotherKeysPlace_isBroken_andTheLinkedEntryStaysGood()
      throws IOException {
    try (Memo memo = memo()) {
      Function<Integer, String> f = memo.function("square", EntryKeyBindingTest::square);
      Map<Integer, Path> files = entries(memo, "square", f, 2);
      Files.delete(files.get(2));
      Files.createLink(files.get(2), files.get(1));
      COMPUTED.set(0);

      assertEquals("square 4", f.apply(2));
      assertEquals("square 1", f.apply(1));
      assertEquals(1, COMPUTED.get());
      assertEquals(1, memo.stats().loadFailureCount());
      assertEquals(Set.of(keyOf(files.get(2))), quarantined());
    }
  }

  @Test
  void apply_symbolicLinkToAnotherKeysEntry_isNeverItsHit() throws IOException {
    try (Memo memo = memo()) {
      Function<Integer, String> f = memo.function("square", EntryKeyBindingTest::square);
      Map<Integer, Path> files = entries(memo, "square", f, 2);
      Files.delete(files.get(2));
      Files.createSymbolicLink(files.get(2), files.get(1));
      COMPUTED.set(0);

      assertEquals("square 4", f.apply(2));
      assertEquals(1, COMPUTED.get());
      // Whether the store follows the link (then the header's key refuses it) or refuses the link
      // itself, the read failed and was counted.
      assertEquals(1, memo.stats().loadFailureCount());
      assertEquals("square 1", f.apply(1));
      assertEquals(1, COMPUTED.get(), "the linked entry is still its own key's hit");
    }
  }

  @Test
  void apply_swapInAStoreWrittenWithAnIntegrityKey_readWithout_isStillCaughtByTheHeadersKey()
      throws IOException {
    Map<Integer, Path> files = squares(keyed(), 2);
    swap(files.get(1), files.get(2));
    try (Memo memo = memo()) {
      Function<Integer, String> f = memo.function("square", EntryKeyBindingTest::square);
      COMPUTED.set(0);
      assertEquals("square 1", f.apply(1));
      assertEquals("square 4", f.apply(2));
      assertEquals(2, COMPUTED.get());
      assertEquals(2, memo.stats().loadFailureCount());
      assertEquals(new TreeSet<>(List.of(keyOf(files.get(1)), keyOf(files.get(2)))), quarantined());
    }
  }

  @Test
  void apply_swapWithAnIntegrityKey_isRefusedByTheTag() throws IOException {
    Map<Integer, Path> files = squares(keyed(), 2);
    swap(files.get(1), files.get(2));
    try (Memo memo = memo(keyed())) {
      Function<Integer, String> f = memo.function("square", EntryKeyBindingTest::square);
      COMPUTED.set(0);
      assertEquals("square 1", f.apply(1));
      assertEquals("square 4", f.apply(2));
      assertEquals(2, COMPUTED.get());
      assertEquals(2, memo.stats().loadFailureCount());
      assertEquals(2, quarantined().size());
    }
  }

  @Test
  void contains_swappedEntry_isFalse_andQuarantinesIt() throws IOException {
    try (Memo memo = memo()) {
      Function<Integer, String> f = memo.function("square", EntryKeyBindingTest::square);
      Map<Integer, Path> files = entries(memo, "square", f, 2);
      swap(files.get(1), files.get(2));

      assertFalse(memo.contains(f, 1));
      assertEquals(1, memo.stats().loadFailureCount());
      assertEquals(Set.of(keyOf(files.get(1))), quarantined());
    }
  }

  @Test
  void explain_entryCopiedToAnotherKeysPlace_isNoHit_andTheCallRecomputes() throws IOException {
    try (Memo memo = memo()) {
      Function<Integer, String> f = memo.function("square", EntryKeyBindingTest::square);
      Map<Integer, Path> files = entries(memo, "square", f, 2);
      Files.copy(files.get(1), files.get(2), StandardCopyOption.REPLACE_EXISTING);
      COMPUTED.set(0);

      assertTrue(memo.explain(f, 1).isHit(), "the entry in its own place is still a hit");
      Explanation moved = memo.explain(f, 2);
      assertFalse(moved.isHit(), moved.toString());
      assertEquals(Set.of(keyOf(files.get(2))), quarantined());
      assertEquals("square 4", f.apply(2));
      assertEquals(1, COMPUTED.get(), "computed again, never read from the copied entry");
    }
  }

  @Test
  void list_entryCopiedToAnotherKeysPlace_showsTheProblem_notItsHeader() throws IOException {
    Map<Integer, Path> files = squares(Map.of(), 2);
    Files.copy(files.get(1), files.get(2), StandardCopyOption.REPLACE_EXISTING);

    List<StoreAdmin.Entry> listed;
    try (StoreAdmin admin =
        StoreAdmin.open("directory", Map.of("memo.store.directory.path", root().toString()))) {
      listed = admin.list("square", Progress.NONE);
    }

    Map<String, StoreAdmin.Entry> byKey =
        listed.stream().collect(Collectors.toMap(e -> e.key().hex(), e -> e));
    assertEquals(Set.of(keyOf(files.get(1)), keyOf(files.get(2))), byKey.keySet());
    StoreAdmin.Entry own = byKey.get(keyOf(files.get(1)));
    assertEquals(Optional.empty(), own.problem());
    assertTrue(own.created().isPresent() && own.serde().isPresent(), own.toString());
    StoreAdmin.Entry copied = byKey.get(keyOf(files.get(2)));
    assertEquals(
        Optional.of(
            "entry was written for key "
                + keyOf(files.get(1))
                + " of \"square\" but read as key "
                + keyOf(files.get(2))
                + " of \"square\": it was moved, copied or linked to another key's place"),
        copied.problem());
    assertEquals(Optional.empty(), copied.created(), "nothing from a header that is not its own");
    assertEquals(Optional.empty(), copied.serde());
    assertEquals(Set.of(), quarantined(), "listing changes nothing");
  }

  @Test
  void apply_entryOfFormatVersion1_isAPlainMiss_rewrittenNotQuarantined() throws IOException {
    try (Memo memo = memo()) {
      Function<Integer, String> f = memo.function("square", EntryKeyBindingTest::square);
      Path file = entries(memo, "square", f, 1).get(1);
      Files.write(file, versionOne(Files.readAllBytes(file)));
      COMPUTED.set(0);

      assertFalse(memo.contains(f, 1));
      assertEquals("square 1", f.apply(1));
      assertEquals(1, COMPUTED.get());
      assertEquals(0, memo.stats().loadFailureCount());
      assertEquals(Set.of(), quarantined());
      assertEquals("square 1", f.apply(1));
      assertEquals(1, COMPUTED.get(), "rewritten in the current format, it is a hit");
      assertTrue(memo.contains(f, 1));
    }
  }

  @Test
  void verify_entryOfFormatVersion1_isReportedOutdated_notDamage() throws IOException {
    Path file = squares(Map.of(), 1).get(1);
    Files.write(file, versionOne(Files.readAllBytes(file)));

    StoreAdmin.Verified v = verify(Map.of());

    assertEquals(List.of(), v.bad());
    assertFalse(v.damaged());
    assertEquals(
        List.of(keyOf(file)),
        v.outdated().stream().map(b -> b.key().hex()).collect(Collectors.toList()));
    assertTrue(Files.exists(file), "left for memo to rewrite");
  }

  /**
   * Rewrites a current entry as format version 1 wrote it: no namespace or key in the header, the
   * header's checksum recomputed; payload unchanged.
   */
  static byte[] versionOne(byte[] entry) {
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(entry);
    in.position(5);
    int length = in.getInt();
    byte[] header = new byte[length];
    in.get(header);
    in.getInt();
    byte[] rest = new byte[in.remaining()];
    in.get(rest);
    // serde | signer | namespace | key | pairs  ->  serde | signer | pairs
    int at = 0;
    for (int i = 0; i < 2; i++) {
      at += 2 + (((header[at] & 0xFF) << 8) | (header[at + 1] & 0xFF));
    }
    int cut = at;
    for (int i = 0; i < 2; i++) {
      at += 2 + (((header[at] & 0xFF) << 8) | (header[at + 1] & 0xFF));
    }
    byte[] h1 = new byte[cut + (length - at)];
    System.arraycopy(header, 0, h1, 0, cut);
    System.arraycopy(header, at, h1, cut, length - at);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(h1);
    return java.nio.ByteBuffer.allocate(4 + 1 + 4 + h1.length + 4 + rest.length)
        .put(new byte[] {'M', 'E', 'M', 'O', 1})
        .putInt(h1.length)
        .put(h1)
        .putInt((int) crc.getValue())
        .put(rest)
        .array();
  }
}
