package dev.memo.core.store;

import static dev.memo.core.store.Entries.bytes;
import static dev.memo.core.store.Entries.key;
import static dev.memo.core.store.Entries.put;
import static dev.memo.core.store.Entries.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.Signature;
import dev.memo.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

final class DirectoryStoreLayoutTest {
  private static final String NS = "dev.memo.Fn#compute";
  private static final Pattern FOLDER =
      Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}-[0-9a-f]{8}");

  @TempDir Path tempDir;
  private Path root;
  private DirectoryStore store;

  @BeforeEach
  void open() {
    root = tempDir.resolve("a").resolve("b").resolve("store");
    store = open(root);
  }

  @AfterEach
  void close() {
    store.close();
  }

  static DirectoryStore open(Path root) {
    MemoConfig config =
        MemoConfig.of("test", Map.of("memo.store.directory.path", root.toString()))
            .scoped("memo.store.directory");
    return (DirectoryStore) new DirectoryStoreProvider().create(config);
  }

  /** The hash suffix, computed here independently of the store's code. */
  static String hash8(String namespace) {
    return HexFormat.of()
        .formatHex(Entries.sha256(namespace.getBytes(StandardCharsets.UTF_16BE)))
        .substring(0, 8);
  }

  @Test
  void put_entry_isWrittenToNamespaceFolderThenShardThenKeyFile() throws IOException {
    Signature key = key("k");
    put(store, NS, key, bytes("payload"));
    Path expected =
        root.resolve("dev.memo.Fn_compute-" + hash8(NS))
            .resolve(key.hex().substring(0, 2))
            .resolve(key.hex() + ".entry");
    assertArrayEquals(bytes("payload"), Files.readAllBytes(expected));
    Path namespaceFile = expected.getParent().getParent().resolve(".namespace");
    assertArrayEquals(NS.getBytes(StandardCharsets.UTF_16BE), Files.readAllBytes(namespaceFile));
    try (Stream<Path> files = Files.walk(root)) {
      assertEquals(
          List.of(namespaceFile, expected),
          files.filter(Files::isRegularFile).sorted().collect(Collectors.toList()));
    }
  }

  static Stream<Arguments> sanitized() {
    return Stream.of(
        Arguments.of("../x", "_._x"),
        Arguments.of("../../etc/passwd", "_._.._etc_passwd"),
        Arguments.of("/abs/olute", "_abs_olute"),
        Arguments.of("a/b\\c", "a_b_c"),
        Arguments.of("..", "_."),
        Arguments.of(".", "_"),
        Arguments.of("", "_"),
        Arguments.of(".hidden", "_hidden"),
        Arguments.of("-rf", "_rf"),
        Arguments.of("naïve-名前-🙂", "na_ve-__-_"),
        Arguments.of("a\u0000b", "a_b"),
        Arguments.of("C:\\Windows", "C__Windows"),
        Arguments.of("Keep.these_-09AZaz", "Keep.these_-09AZaz"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("sanitized")
  void folderName_hostileNamespace_isSanitizedAndHashed(String namespace, String readable) {
    assertEquals(readable + "-" + hash8(namespace), DirectoryStore.folderName(namespace));
  }

  @Test
  void folderName_longNamespace_isCutTo100CharactersPlusHash() {
    String namespace = "x".repeat(500);
    String folder = DirectoryStore.folderName(namespace);
    assertEquals("x".repeat(100) + "-" + hash8(namespace), folder);
  }

  @Test
  void folderName_namespacesThatSanitizeAlike_differ() {
    List<String> alike =
        List.of(
            "a/b",
            "a\\b",
            "a_b",
            "a:b",
            "?",
            "\uD800",
            "\uDFFF",
            "_",
            "x".repeat(400) + "1",
            "x".repeat(400) + "2");
    Set<String> folders =
        alike.stream().map(DirectoryStore::folderName).collect(Collectors.toSet());
    assertEquals(alike.size(), folders.size());
  }

  @Test
  void put_hostileNamespaces_keepsEveryFileInsideTheRoot() throws IOException {
    List<String> hostile =
        List.of(
            "../x",
            "../../etc/passwd",
            "../../../../../../../../tmp/memo-escape",
            "/abs/olute",
            "a/b\\c",
            "..",
            ".",
            "",
            "x".repeat(500),
            "naïve-名前-🙂",
            "a\u0000b",
            "\uD800",
            "C:\\abs",
            "a/../../..",
            "\\\\server\\share");
    for (String namespace : hostile) {
      put(store, namespace, key(namespace), bytes(namespace));
    }
    try (Stream<Path> paths = Files.walk(tempDir)) {
      for (Path file : paths.filter(p -> !Files.isDirectory(p)).collect(Collectors.toList())) {
        assertTrue(file.startsWith(root), () -> file + " is outside " + root);
        Path relative = root.relativize(file);
        if (relative.getNameCount() == 2
            && relative.getFileName().toString().equals(".namespace")) {
          assertTrue(FOLDER.matcher(relative.getName(0).toString()).matches(), relative::toString);
          continue;
        }
        assertEquals(3, relative.getNameCount(), relative::toString);
        assertTrue(FOLDER.matcher(relative.getName(0).toString()).matches(), relative::toString);
        String name = relative.getFileName().toString();
        assertTrue(name.matches("[0-9a-f]{64}\\.entry"), name);
        assertTrue(name.startsWith(relative.getName(1).toString()), relative::toString);
      }
    }
    assertFalse(Files.exists(Path.of("/abs/olute")));
    assertFalse(Files.exists(Path.of("/tmp/memo-escape")));
    try (Stream<Path> folders = Files.list(root)) {
      assertEquals(hostile.size(), folders.count());
    }
  }

  @Test
  void inside_pathLeavingTheRoot_throwsStoreException() {
    Path escaping = root.resolve("../x");
    StoreException e = assertThrows(StoreException.class, () -> store.inside(escaping));
    assertEquals(
        "path "
            + root.getParent().resolve("x")
            + " is outside the directory store at "
            + root
            + "; this is a bug in memo's namespace sanitizing, please report it",
        e.getMessage());
  }

  @Test
  void inside_rootItselfOrSiblingWithSamePrefix_throwsStoreException() {
    assertThrows(StoreException.class, () -> store.inside(root.resolve("ns/..")));
    assertThrows(
        StoreException.class, () -> store.inside(root.resolveSibling("store2").resolve("x")));
    assertEquals(root.resolve("ns/ab"), store.inside(root.resolve("ns/./ab")));
  }

  @Test
  void reads_onAStoreNeverWritten_createNothing() throws IOException {
    assertEquals(Optional.empty(), store.get(NS, key("k")));
    assertFalse(store.remove(NS, key("k")));
    store.quarantine(NS, key("k"), "never there");
    assertFalse(Files.exists(root));
  }

  @Test
  void get_aNamespaceNeverWritten_createsNoFolder() throws IOException {
    put(store, "written", key("k"), bytes("x"));
    assertEquals(Optional.empty(), store.get("never-written", key("k")));
    try (Stream<Path> folders = Files.list(root)) {
      assertEquals(
          List.of(DirectoryStore.folderName("written")),
          folders.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
    }
  }

  @Test
  void quarantine_entry_movesItBesideAReasonFile() throws IOException {
    Signature key = key("k");
    long before = System.currentTimeMillis();
    put(store, NS, key, bytes("broken bytes"));
    store.quarantine(NS, key, "checksum mismatch in chunk 3");
    long after = System.currentTimeMillis();

    assertFalse(Files.exists(store.entryPath(NS, key)));
    Path folder = root.resolve(".quarantine").resolve(DirectoryStore.folderName(NS));
    List<String> names = list(folder);
    assertEquals(2, names.size(), names::toString);
    String entry = names.stream().filter(n -> n.endsWith(".entry")).findFirst().orElseThrow();
    assertTrue(entry.matches(key.hex() + "\\.\\d+\\.entry"), entry);
    long millis = Long.parseLong(entry.substring(key.hex().length() + 1, entry.length() - 6));
    assertTrue(before <= millis && millis <= after, entry);
    assertArrayEquals(bytes("broken bytes"), Files.readAllBytes(folder.resolve(entry)));
    String reason = key.hex() + "." + millis + ".reason";
    assertEquals(
        "checksum mismatch in chunk 3",
        Files.readString(folder.resolve(reason), StandardCharsets.UTF_8));
  }

  @Test
  void quarantine_sameKeyTwice_keepsBothEntries() throws IOException {
    Signature key = key("k");
    put(store, NS, key, bytes("first"));
    store.quarantine(NS, key, "one");
    put(store, NS, key, bytes("second"));
    store.quarantine(NS, key, "two");
    Path folder = root.resolve(".quarantine").resolve(DirectoryStore.folderName(NS));
    List<String> names = list(folder);
    assertEquals(4, names.size(), names::toString);
    Set<String> contents =
        names.stream().map(n -> readString(folder.resolve(n))).collect(Collectors.toSet());
    assertEquals(Set.of("first", "second", "one", "two"), contents);
  }

  @Test
  void quarantine_sameKeyManyTimesInARow_keepsEveryEntryAndReason() throws IOException {
    Signature key = key("k");
    int times = 50;
    for (int i = 0; i < times; i++) {
      put(store, NS, key, bytes("entry " + i));
      store.quarantine(NS, key, "reason " + i);
    }
    Path folder = root.resolve(".quarantine").resolve(DirectoryStore.folderName(NS));
    Set<String> contents =
        list(folder).stream().map(n -> readString(folder.resolve(n))).collect(Collectors.toSet());
    for (int i = 0; i < times; i++) {
      assertTrue(contents.contains("entry " + i), "entry " + i + " lost");
      assertTrue(contents.contains("reason " + i), "reason " + i + " lost");
    }
    assertEquals(2 * times, contents.size());
  }

  @Test
  void put_keyOf100Bytes_roundTrips() throws IOException {
    Signature key = Signature.of(Entries.random(100, 1));
    put(store, NS, key, bytes("long key"));
    assertArrayEquals(bytes("long key"), read(store, NS, key).orElseThrow());
  }

  @Test
  void put_keyLongerThan100Bytes_throwsStoreException() {
    Signature key = Signature.of(Entries.random(101, 1));
    StoreException e =
        assertThrows(StoreException.class, () -> put(store, NS, key, bytes("too long")));
    assertEquals(
        "signature of 101 bytes is too long for the directory store at "
            + root
            + ": keys of at most 100 bytes fit in a file name; use a signer with a shorter digest",
        e.getMessage());
  }

  @Test
  void get_whileTheEntryIsReplaced_keepsReadingTheVersionItOpened() throws IOException {
    byte[] first = Entries.random(1 << 20, 1);
    byte[] second = Entries.random(1 << 20, 2);
    put(store, NS, key("k"), first);
    try (InputStream in = store.get(NS, key("k")).orElseThrow()) {
      byte[] head = in.readNBytes(1000);
      put(store, NS, key("k"), second);
      byte[] rest = in.readAllBytes();
      byte[] seen = new byte[head.length + rest.length];
      System.arraycopy(head, 0, seen, 0, head.length);
      System.arraycopy(rest, 0, seen, head.length, rest.length);
      assertArrayEquals(first, seen);
    }
    assertArrayEquals(second, read(store, NS, key("k")).orElseThrow());
  }

  @Test
  void get_whileTheEntryIsRemoved_keepsReadingTheVersionItOpened() throws IOException {
    byte[] first = Entries.random(1 << 20, 1);
    put(store, NS, key("k"), first);
    try (InputStream in = store.get(NS, key("k")).orElseThrow()) {
      assertTrue(store.remove(NS, key("k")));
      assertArrayEquals(first, in.readAllBytes());
    }
    assertEquals(Optional.empty(), read(store, NS, key("k")));
  }

  static List<String> list(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
