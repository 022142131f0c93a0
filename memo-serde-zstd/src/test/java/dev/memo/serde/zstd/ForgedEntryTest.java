package dev.memo.serde.zstd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.NotSigned;
import dev.memo.Signature;
import dev.memo.core.Memo;
import dev.memo.core.entry.EntryFormat;
import dev.memo.serde.zstd.fixture.Tripwire;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An attacker who can write the store puts a gadget (a class whose readObject has a side effect)
 * where an honest entry was: the allow-list refuses it, and with an integrity key it is refused
 * before deserialization even when its class is allowed.
 */
final class ForgedEntryTest {
  // A counter cannot change the result, and memo signs the static fields a function reads.
  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();
  // Where the gadget would leave its mark: a fresh folder per test, not an input of the result.
  @NotSigned static Path trace;

  @TempDir Path dir;

  @BeforeEach
  void reset() {
    CALLS.set(0);
    trace = dir.resolve("tripped");
  }

  static String report(Integer n) {
    CALLS.incrementAndGet();
    return "report " + n + " ".repeat(600);
  }

  static List<Object> gadget(Integer n) {
    return new ArrayList<>(List.of("x".repeat(2000), new Tripwire(trace)));
  }

  /** Writes the gadget with a serde named zstd that lets anything through, as an attacker could. */
  private static byte[] forgedEntry() {
    BytesStore scratch = new BytesStore();
    ObjectInputFilter anything = info -> ObjectInputFilter.Status.ALLOWED;
    try (Memo attacker =
        Memo.builder()
            .store(scratch)
            .serde(new ZstdSerde(anything, new ZstdCompression(3, 512)))
            .build()) {
      // The gadget is no immutable result, so the call fails, but only after storing it.
      var f = attacker.function("gadget", ForgedEntryTest::gadget);
      org.junit.jupiter.api.Assertions.assertThrows(dev.memo.MemoException.class, () -> f.apply(1));
    }
    return scratch.entries.get(scratch.written.get(0));
  }

  /**
   * Rewrites an entry's header to name another namespace and key, as an attacker without the
   * integrity key can: the header's checksum is no secret.
   */
  private static byte[] rebound(byte[] entry, String storeKey) {
    String namespace = storeKey.substring(0, storeKey.lastIndexOf('/'));
    Signature key = Signature.fromHex(storeKey.substring(storeKey.lastIndexOf('/') + 1));
    try {
      EntryFormat.Header h = EntryFormat.readHeader(new ByteArrayInputStream(entry));
      Map<String, String> metadata = h.metadata();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      EntryFormat.writeHeader(
          new EntryFormat.Header(h.serde(), h.signer(), namespace, key, metadata), metadata, out);
      int headerEnd = 9 + ByteBuffer.wrap(entry, 5, 4).getInt() + 4;
      out.write(entry, headerEnd, entry.length - headerEnd);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Memo victim(BytesStore store, Map<String, String> config) {
    return Memo.builder().store(store).config(config).build();
  }

  /** Computes report(1) honestly, then replaces its entry with the forged one. */
  private String plantGadget(BytesStore store, Map<String, String> config) {
    try (Memo memo = victim(store, config)) {
      memo.function("report", ForgedEntryTest::report).apply(1);
    }
    String key = store.written.get(0);
    store.entries.put(key, rebound(forgedEntry(), key));
    assertFalse(Files.exists(trace), "writing the gadget tripped it");
    return key;
  }

  private Path keyFile() throws IOException {
    byte[] key = new byte[32];
    new Random(3).nextBytes(key);
    Path file = dir.resolve("memo.key");
    Files.writeString(file, Base64.getEncoder().encodeToString(key));
    return file;
  }

  @Test
  void apply_gadgetInTheStore_isRefusedByTheAllowListCountedAndRecomputed() {
    BytesStore store = new BytesStore();
    plantGadget(store, Map.of());

    try (Memo memo = victim(store, Map.of())) {
      assertEquals("zstd", memo.serdeName().orElseThrow());
      assertTrue(memo.function("report", ForgedEntryTest::report).apply(1).startsWith("report 1"));
      assertEquals(1, memo.stats().loadFailureCount());
    }
    assertFalse(Files.exists(trace), "the gadget's readObject ran");
    assertEquals(2, CALLS.get(), "computed, then recomputed instead of the gadget");
    assertTrue(
        store
            .quarantined
            .get(0)
            .contains("payload names class " + Tripwire.class.getName() + ", which is not allowed"),
        store.quarantined.get(0));
  }

  @Test
  void apply_gadgetOfAnAllowedClassWithKey_isRefusedBeforeDeserialization() throws IOException {
    Map<String, String> config =
        Map.of(
            "memo.serde.java.allow", Tripwire.class.getName(),
            "memo.integrity.key-file", keyFile().toString());
    BytesStore store = new BytesStore();
    String key = plantGadget(store, config);
    byte[] forged = store.entries.get(key);

    try (Memo memo = victim(store, config)) {
      assertTrue(memo.function("report", ForgedEntryTest::report).apply(1).startsWith("report 1"));
      assertEquals(1, memo.stats().loadFailureCount());
    }
    assertFalse(Files.exists(trace), "the forged entry was deserialized");
    assertEquals(2, CALLS.get());

    // The control: without the key, the allow-list alone lets this class through, and it trips.
    store.entries.put(key, forged);
    try (Memo memo = victim(store, Map.of("memo.serde.java.allow", Tripwire.class.getName()))) {
      // Read, and tripped, then refused as a result memo cannot hand out immutable.
      var f = memo.function("report", ForgedEntryTest::report);
      org.junit.jupiter.api.Assertions.assertThrows(dev.memo.MemoException.class, () -> f.apply(1));
    }
    assertTrue(Files.exists(trace));
  }
}
