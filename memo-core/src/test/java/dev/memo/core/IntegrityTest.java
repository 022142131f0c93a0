package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfigurationException;
import dev.memo.NotSigned;
import dev.memo.core.entry.EntryFormat;
import dev.memo.core.fakes.MapStore;
import dev.memo.core.fakes.SerialSerdeProvider.SerialSerde;
import dev.memo.spi.Serde;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entries tagged with HMAC-SHA256 when a key is configured: what is refused, and how. */
class IntegrityTest {
  // A counter cannot change the result, and memo signs the static fields a function reads.
  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();
  private final MapStore store = new MapStore();
  private final ReadCountingSerde serde = new ReadCountingSerde();
  @TempDir Path dir;

  /** Counts the payloads it is asked to read: a refused entry must never get here. */
  static final class ReadCountingSerde implements Serde {
    final AtomicInteger reads = new AtomicInteger();
    private final SerialSerde serial = new SerialSerde("test-serial");

    @Override
    public String name() {
      return serial.name();
    }

    @Override
    public void write(Object value, OutputStream out) throws IOException {
      serial.write(value, out);
    }

    @Override
    public Object read(InputStream in) throws IOException {
      reads.incrementAndGet();
      return serial.read(in);
    }
  }

  @BeforeEach
  void reset() {
    CALLS.set(0);
  }

  static String text(Integer x) {
    CALLS.incrementAndGet();
    return "value-" + x;
  }

  static double[] big(Integer n) {
    CALLS.incrementAndGet();
    double[] a = new double[n];
    Arrays.setAll(a, i -> i * 0.5);
    return a;
  }

  private static String newKey(long seed) {
    byte[] key = new byte[32];
    new Random(seed).nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  private Path keyFile(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  private Memo memo(Map<String, String> config, Map<String, String> environment) {
    // The object tier off: these tests are about what a hit reads from the store.
    return Memo.builder()
        .environment(environment)
        .systemProperties(new Properties())
        .store(store)
        .serde(serde)
        .config(config)
        .config("memo.object-tier.max-entries", "0")
        .build();
  }

  private Memo withKeyFile(String key) throws IOException {
    Path file = keyFile("key-" + key.hashCode(), key + "\n");
    return memo(Map.of("memo.integrity.key-file", file.toString()), Map.of());
  }

  private Memo withoutKey() {
    return memo(Map.of(), Map.of());
  }

  private String onlyKey() {
    assertEquals(1, store.valueKeys().size());
    return store.valueKeys().iterator().next();
  }

  // ---- tagged entries that verify ----

  @Test
  void apply_withKeyFile_tagsTheEntryAndReusesIt() throws IOException {
    try (Memo memo = withKeyFile(newKey(1))) {
      Function<Integer, String> f = memo.function("text", IntegrityTest::text);
      assertEquals("value-1", f.apply(1));
      assertEquals("value-1", f.apply(1));
      assertEquals(1, CALLS.get());
      assertEquals(1, memo.stats().hitCount());
      assertEquals(memo.stats().bytesWritten(), memo.stats().bytesRead());
    }
    EntryFormat.Header header =
        EntryFormat.readHeader(new ByteArrayInputStream(store.entries.get(onlyKey())));
    assertEquals("hmac-sha256", header.metadata().get("integrity"));
  }

  @Test
  void apply_withKeyFromEnvironment_tagsTheEntryAndReusesIt() {
    Map<String, String> env = Map.of("APP_MEMO_KEY", newKey(2));
    try (Memo memo = memo(Map.of("memo.integrity.key-env", "APP_MEMO_KEY"), env)) {
      memo.function("text", IntegrityTest::text).apply(1);
    }
    try (Memo memo = memo(Map.of("memo.integrity.key-env", "APP_MEMO_KEY"), env)) {
      assertEquals("value-1", memo.function("text", IntegrityTest::text).apply(1));
      assertEquals(1, memo.stats().hitCount());
    }
    assertEquals(1, CALLS.get());
  }

  private static long spillFiles() throws IOException {
    try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(p -> p.getFileName().toString().startsWith("memo-verify-")).count();
    }
  }

  @Test
  void apply_largeEntryWithKey_isVerifiedThroughATemporaryFileThatIsDeleted() throws IOException {
    int n = 2 << 20; // 16 MiB of doubles: verified through a temporary file, not in heap
    long before = spillFiles();
    try (Memo memo = withKeyFile(newKey(3))) {
      Function<Integer, double[]> f = memo.function("big", IntegrityTest::big);
      double[] computed = f.apply(n);
      assertArrayEquals(computed, f.apply(n));
      assertEquals(1, memo.stats().hitCount());
      assertEquals(1, CALLS.get());
      // A tampered large entry is refused, and its spill file deleted too.
      String key = onlyKey();
      store.entries.get(key)[store.entries.get(key).length / 2] ^= 1;
      assertArrayEquals(computed, f.apply(n));
      assertEquals(1, memo.stats().loadFailureCount());
    }
    assertEquals(before, spillFiles(), "a spill file was left behind");
  }

  @Test
  void apply_taggedEntryReadWithoutKey_isAHitCheckedByItsChecksumsAlone() throws IOException {
    try (Memo memo = withKeyFile(newKey(4))) {
      memo.function("text", IntegrityTest::text).apply(1);
    }
    try (Memo memo = withoutKey()) {
      assertEquals("value-1", memo.function("text", IntegrityTest::text).apply(1));
      assertEquals(1, memo.stats().hitCount());
      assertEquals(0, memo.stats().loadFailureCount());
    }
    assertEquals(1, CALLS.get());
  }

  // ---- entries that are refused before they are deserialized ----

  @Test
  void apply_tamperedEntry_isRefusedCountedNeverDeserializedAndRecomputed() throws IOException {
    Random random = new Random(5);
    try (Memo memo = withKeyFile(newKey(5))) {
      Function<Integer, String> f = memo.function("text", IntegrityTest::text);
      f.apply(1);
      String key = onlyKey();
      byte[] good = store.entries.get(key);
      for (int offset = 0; offset < good.length; offset++) {
        byte[] bad = good.clone();
        bad[offset] ^= (byte) (1 << random.nextInt(8));
        store.entries.put(key, bad);
        assertEquals("value-1", f.apply(1));
      }
      assertEquals(0, serde.reads.get(), "a refused entry reached the serde");
      assertEquals(1 + good.length, CALLS.get(), "every tampered entry was recomputed");
      assertEquals(good.length, memo.stats().loadFailureCount());
      assertEquals(good.length, store.quarantined.size());
      assertTrue(
          store
              .quarantined
              .get(0)
              .endsWith(
                  "CorruptEntryException: entry has no valid"
                      + " integrity tag: it was changed, written with another key, or written without"
                      + " memo.integrity.key-file or memo.integrity.key-env"),
          store.quarantined.get(0));
    }
  }

  @Test
  void apply_entryWrittenWithAnotherKey_isRefusedCountedAndRecomputed() throws IOException {
    try (Memo memo = withKeyFile(newKey(6))) {
      memo.function("text", IntegrityTest::text).apply(1);
    }
    try (Memo memo = withKeyFile(newKey(7))) {
      assertEquals("value-1", memo.function("text", IntegrityTest::text).apply(1));
      assertEquals(1, memo.stats().loadFailureCount());
      assertEquals(0, memo.stats().hitCount());
    }
    assertEquals(0, serde.reads.get());
    assertEquals(2, CALLS.get());
  }

  @Test
  void apply_untaggedEntryWithKeyConfigured_isRefusedCountedAndRecomputed() throws IOException {
    try (Memo memo = withoutKey()) {
      memo.function("text", IntegrityTest::text).apply(1);
    }
    try (Memo memo = withKeyFile(newKey(8))) {
      assertEquals("value-1", memo.function("text", IntegrityTest::text).apply(1));
      assertEquals(1, memo.stats().loadFailureCount());
    }
    assertEquals(0, serde.reads.get());
    assertEquals(2, CALLS.get());
  }

  @Test
  void apply_validEntryCopiedUnderAnotherKey_isRefused() throws IOException {
    try (Memo memo = withKeyFile(newKey(9))) {
      Function<Integer, String> f = memo.function("text", IntegrityTest::text);
      f.apply(1);
      f.apply(2);
      assertEquals(2, store.valueKeys().size());
      String[] keys = store.valueKeys().toArray(new String[0]);
      store.entries.put(keys[0], store.entries.get(keys[1]).clone());

      assertEquals(2, CALLS.get());
      f.apply(1);
      f.apply(2);
      assertEquals(3, CALLS.get(), "the entry under its own key verified, the copy did not");
      assertEquals(1, memo.stats().loadFailureCount());
      assertEquals(1, serde.reads.get());
    }
  }

  @Test
  void apply_tamperedEntryWithoutKey_isStillCaughtByTheChecksums() {
    try (Memo memo = withoutKey()) {
      Function<Integer, String> f = memo.function("text", IntegrityTest::text);
      f.apply(1);
      String key = onlyKey();
      byte[] bad = store.entries.get(key).clone();
      bad[bad.length / 2] ^= 1;
      store.entries.put(key, bad);
      assertEquals("value-1", f.apply(1));
      assertEquals(1, memo.stats().loadFailureCount());
      assertEquals(2, CALLS.get());
    }
  }

  // ---- keys that cannot be used ----

  private String configError(Map<String, String> config, Map<String, String> env) {
    return assertThrows(MemoConfigurationException.class, () -> memo(config, env)).getMessage();
  }

  @Test
  void build_keyFileMissing_throwsNamingKeyFileAndFix() {
    Path missing = dir.resolve("no-such-key");

    assertEquals(
        "memo.integrity.key-file is \""
            + missing
            + "\" (from builder) but must be a"
            + " readable file holding a base64-encoded key of at least 32 bytes; reading it failed"
            + " (NoSuchFileException); create one with: head -c 32 /dev/urandom | base64 > "
            + missing,
        configError(Map.of("memo.integrity.key-file", missing.toString()), Map.of()));
  }

  @Test
  void build_keyFileTooShort_throwsNamingItsLength() throws IOException {
    Path file = keyFile("short", Base64.getEncoder().encodeToString(new byte[16]));

    assertEquals(
        "memo.integrity.key-file is \""
            + file
            + "\" (from builder) but must be a"
            + " readable file holding a base64-encoded key of at least 32 bytes; "
            + file
            + " holds 16"
            + " bytes; create one with: head -c 32 /dev/urandom | base64 > "
            + file,
        configError(Map.of("memo.integrity.key-file", file.toString()), Map.of()));
  }

  @Test
  void build_keyFileNotBase64_throwsSayingSo() throws IOException {
    Path file = keyFile("binary", "not base64 at all: ###");

    assertEquals(
        "memo.integrity.key-file is \""
            + file
            + "\" (from builder) but must be a"
            + " readable file holding a base64-encoded key of at least 32 bytes; "
            + file
            + " does not"
            + " hold base64 text; create one with: head -c 32 /dev/urandom | base64 > "
            + file,
        configError(Map.of("memo.integrity.key-file", file.toString()), Map.of()));
  }

  @Test
  void build_keyEnvironmentVariableUnset_throwsNamingTheVariable() {
    assertEquals(
        "memo.integrity.key-env is \"APP_MEMO_KEY\" (from builder) but must be the name"
            + " of an environment variable holding a base64-encoded key of at least 32 bytes;"
            + " APP_MEMO_KEY is not set; set it to the output of: head -c 32 /dev/urandom | base64",
        configError(Map.of("memo.integrity.key-env", "APP_MEMO_KEY"), Map.of()));
  }

  @Test
  void build_keyEnvironmentVariableTooShort_throwsWithoutQuotingTheKey() {
    String shortKey = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

    String message =
        configError(
            Map.of("memo.integrity.key-env", "APP_MEMO_KEY"), Map.of("APP_MEMO_KEY", shortKey));

    assertEquals(
        "memo.integrity.key-env is \"APP_MEMO_KEY\" (from builder) but must be the name"
            + " of an environment variable holding a base64-encoded key of at least 32 bytes;"
            + " APP_MEMO_KEY holds 8 bytes; set it to the output of: head -c 32 /dev/urandom | base64",
        message);
    assertTrue(!message.contains(shortKey), "the key leaked into the message");
  }

  @Test
  void build_keyFileAndKeyEnvironmentBothSet_throws() throws IOException {
    Map<String, String> config = new HashMap<>();
    config.put("memo.integrity.key-file", keyFile("k", newKey(10)).toString());
    config.put("memo.integrity.key-env", "APP_MEMO_KEY");

    assertEquals(
        "memo.integrity.key-file and memo.integrity.key-env are both set; set only one"
            + " of them",
        configError(config, Map.of("APP_MEMO_KEY", newKey(11))));
  }
}
