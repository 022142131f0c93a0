package dev.memo.store.chronicle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.NotSigned;
import dev.memo.Signature;
import dev.memo.core.Memo;
import dev.memo.core.admin.Progress;
import dev.memo.core.admin.StoreAdmin;
import dev.memo.spi.StoreEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages entries in a chronicle store through the store's own API — a flipped bit, an entry cut
 * short or to nothing, two entries of a function exchanged, another function's entry written at a
 * key — and proves each is caught: a call gets the right value (computed again), never an error,
 * the read is counted as a load failure and the entry quarantined; {@code verify} finds exactly the
 * damaged entries. {@value #DEFAULT_DAMAGED} of {@value #DEFAULT_ENTRIES} entries by default;
 * {@code -Dmemotest.long=true} damages {@value #LONG_DAMAGED} of {@value #LONG_ENTRIES} (with
 * memo-core's directory store proof, ten thousand). The seed is printed; {@code
 * -Dmemotest.seed=<seed>} repeats a run. A new kind of damage is one more constant of {@link
 * Damage}.
 */
@Timeout(
    value = 30,
    unit = TimeUnit.MINUTES) // a hang fails the proof instead of stalling the build
final class ChronicleCorruptionProofTest {
  private static final boolean LONG = Boolean.getBoolean("memotest.long");
  private static final int DEFAULT_ENTRIES = 1000;
  private static final int DEFAULT_DAMAGED = 500;
  private static final int LONG_ENTRIES = 10_000;
  private static final int LONG_DAMAGED = 5000;
  private static final int ENTRIES = LONG ? LONG_ENTRIES : DEFAULT_ENTRIES;
  private static final int DAMAGED = LONG ? LONG_DAMAGED : DEFAULT_DAMAGED;
  private static final int OTHER_ENTRIES = 50;
  private static final String FUNCTION = "chronicle-proof";
  private static final String OTHER = "chronicle-proof-other";

  @NotSigned static final AtomicInteger COMPUTED = new AtomicInteger();

  @TempDir Path root;

  /** A way to damage an entry; each damaged key is one broken entry. */
  enum Damage {
    /** One bit of the entry flipped. */
    BIT_FLIP,
    /** The entry cut short at a random offset past its first byte. */
    TRUNCATION,
    /** The entry replaced by no bytes at all. */
    ZERO_LENGTH,
    /** Two entries of the function exchanged (two damaged entries). */
    SWAP,
    /** Another function's entry written at the key. */
    CROSS_FUNCTION_COPY;

    void apply(
        ChronicleStore store, Signature key, Signature partner, Signature otherKey, Random random)
        throws IOException {
      byte[] bytes = read(store, FUNCTION, key);
      switch (this) {
        case BIT_FLIP -> {
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
          write(store, FUNCTION, key, bytes);
        }
        case TRUNCATION ->
            write(store, FUNCTION, key, Arrays.copyOf(bytes, 1 + random.nextInt(bytes.length - 1)));
        case ZERO_LENGTH -> write(store, FUNCTION, key, new byte[0]);
        case SWAP -> {
          write(store, FUNCTION, key, read(store, FUNCTION, partner));
          write(store, FUNCTION, partner, bytes);
        }
        case CROSS_FUNCTION_COPY -> write(store, FUNCTION, key, read(store, OTHER, otherKey));
      }
    }
  }

  static byte[] read(ChronicleStore store, String namespace, Signature key) throws IOException {
    try (InputStream in = store.get(namespace, key).orElseThrow()) {
      return in.readAllBytes();
    }
  }

  static void write(ChronicleStore store, String namespace, Signature key, byte[] bytes)
      throws IOException {
    store.put(namespace, key, out -> out.write(bytes));
  }

  static String value(Integer x) {
    COMPUTED.incrementAndGet();
    return expected(x);
  }

  static String other(Integer x) {
    COMPUTED.incrementAndGet();
    return "other " + expected(x);
  }

  private static String expected(int x) {
    // From a few bytes to past the store's 16 KiB inline limit and one 64 KiB payload chunk.
    return Integer.toString(x).repeat(1 + (x * 7919) % (x % 100 == 0 ? 20_000 : 40));
  }

  @BeforeEach
  void reset() {
    COMPUTED.set(0);
  }

  /** A memoizer on the store, the object tier off: damage must reach the calls that read it. */
  private static Memo memo(ChronicleStore store) {
    return Memo.builder()
        .store(store)
        .serde("java")
        .config("memo.object-tier.max-entries", "0")
        .build();
  }

  @Test
  void everyKindOfDamage_isDetected_quarantined_recomputed_andFoundByVerify() throws IOException {
    long seed = Long.getLong("memotest.seed", System.nanoTime());
    System.out.println(
        "ChronicleCorruptionProofTest seed "
            + seed
            + " (repeat with"
            + " -Dmemotest.seed="
            + seed
            + "), "
            + DAMAGED
            + " of "
            + ENTRIES
            + " entries damaged");
    Random random = new Random(seed);
    long started = System.nanoTime();
    try (ChronicleStore store = Payloads.open(root);
        Memo memo = memo(store)) {
      Function<Integer, String> f = memo.function(FUNCTION, ChronicleCorruptionProofTest::value);
      Function<Integer, String> g = memo.function(OTHER, ChronicleCorruptionProofTest::other);
      for (int i = 0; i < ENTRIES; i++) {
        f.apply(i);
      }
      for (int i = 0; i < OTHER_ENTRIES; i++) {
        g.apply(i);
      }
      assertEquals(ENTRIES + OTHER_ENTRIES, COMPUTED.getAndSet(0));

      // Calls detect damage.
      Set<String> damaged = damage(store, random, seed);
      for (int i = 0; i < ENTRIES; i++) {
        assertEquals(expected(i), f.apply(i), "seed " + seed);
      }
      assertEquals(DAMAGED, COMPUTED.getAndSet(0), "seed " + seed);
      assertEquals(DAMAGED, memo.stats().loadFailureCount(), "seed " + seed);
      assertEquals(damaged, quarantinedKeys(), "seed " + seed);
      for (int i = 0; i < ENTRIES; i++) {
        f.apply(i);
      }
      assertEquals(0, COMPUTED.get(), "every entry is good again; seed " + seed);

      // Verify detects damage.
      Set<String> damagedAgain = damage(store, random, seed);
      StoreAdmin.Verified verified;
      try (StoreAdmin admin = StoreAdmin.of(store, dev.memo.MemoConfig.empty())) {
        verified = admin.verify(Progress.NONE);
      }
      assertEquals(
          damagedAgain,
          verified.bad().stream().map(b -> b.key().hex()).collect(Collectors.toSet()),
          "seed " + seed);
      assertTrue(verified.bad().stream().allMatch(b -> b.function().equals(FUNCTION)));
      assertEquals(List.of(), verified.unreadable(), "seed " + seed);
      long failuresBefore = memo.stats().loadFailureCount();
      for (int i = 0; i < ENTRIES; i++) {
        assertEquals(expected(i), f.apply(i), "seed " + seed);
      }
      assertEquals(DAMAGED, COMPUTED.getAndSet(0), "seed " + seed);
      assertEquals(
          failuresBefore,
          memo.stats().loadFailureCount(),
          "verify quarantined them: they are plain misses now");
    }
    System.out.println(
        "ChronicleCorruptionProofTest: "
            + 2 * DAMAGED
            + " damaged entries in "
            + (System.nanoTime() - started) / 1_000_000
            + " ms");
  }

  @Test
  void apply_twoEntriesSwappedInTheMap_recomputesBoth_countsAndQuarantinesThem()
      throws IOException {
    try (ChronicleStore store = Payloads.open(root);
        Memo memo = memo(store)) {
      Function<Integer, String> f = memo.function(FUNCTION, ChronicleCorruptionProofTest::value);
      f.apply(1);
      f.apply(2);
      List<Signature> keys = keys(store, FUNCTION);
      assertEquals(2, keys.size());
      Damage.SWAP.apply(store, keys.get(0), keys.get(1), null, new Random(1));
      COMPUTED.set(0);

      assertEquals(expected(1), f.apply(1));
      assertEquals(expected(2), f.apply(2));
      assertEquals(2, COMPUTED.get());
      assertEquals(2, memo.stats().loadFailureCount());
      assertEquals(
          keys.stream().map(Signature::hex).collect(Collectors.toCollection(TreeSet::new)),
          quarantinedKeys());
    }
  }

  private static List<Signature> keys(ChronicleStore store, String namespace) throws IOException {
    List<Signature> keys = new ArrayList<>();
    store.forEachEntry(namespace, (StoreEntry e) -> keys.add(e.key()));
    Collections.sort(keys);
    return keys;
  }

  /** Damages {@value #DAMAGED} random entries of the function, each by a random kind. */
  private static Set<String> damage(ChronicleStore store, Random random, long seed)
      throws IOException {
    List<Signature> keys = keys(store, FUNCTION);
    Collections.shuffle(keys, random);
    List<Signature> others = keys(store, OTHER);
    Damage[] kinds = Damage.values();
    Map<Damage, Integer> counts = new EnumMap<>(Damage.class);
    Set<String> damaged = new HashSet<>();
    for (int i = 0; i < DAMAGED; i++) {
      Damage kind = kinds[random.nextInt(kinds.length)];
      if (kind == Damage.SWAP && i + 1 == DAMAGED) {
        kind = Damage.BIT_FLIP; // a swap needs two
      }
      Signature key = keys.get(i);
      Signature partner = kind == Damage.SWAP ? keys.get(++i) : null;
      kind.apply(store, key, partner, others.get(random.nextInt(others.size())), random);
      counts.merge(kind, kind == Damage.SWAP ? 2 : 1, Integer::sum);
      damaged.add(key.hex());
      if (partner != null) {
        damaged.add(partner.hex());
      }
    }
    System.out.println("ChronicleCorruptionProofTest seed " + seed + ": damaged " + counts);
    return damaged;
  }

  private Set<String> quarantinedKeys() throws IOException {
    Path q = root.resolve(ChronicleStore.QUARANTINE);
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
}
