package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.NotSigned;
import dev.memo.core.admin.Progress;
import dev.memo.core.admin.StoreAdmin;
import dev.memo.spi.support.Namespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages stored entries of a real directory store the ways disks, crashes and people do — a
 * flipped bit, a file cut short at any offset or to nothing, two entries' files swapped, another
 * function's entry copied over one, a hard link to another entry where an entry belongs — and
 * proves each is caught: a call gets the right value (computed again), never an error, the read is
 * counted as a load failure and the entry quarantined; and {@code verify} finds exactly the damaged
 * entries. {@value #DEFAULT_DAMAGED} of {@value #DEFAULT_ENTRIES} entries by default; {@code
 * -Dmemotest.long=true} damages {@value #LONG_DAMAGED} of {@value #LONG_ENTRIES} (with the
 * chronicle store's proof in memo-store-chronicle, ten thousand). The seed is printed; set {@code
 * -Dmemotest.seed=<seed>} to repeat a run.
 *
 * <p>The kinds of damage are {@link Damage}: a new kind (a FIFO, a directory or a symbolic link
 * where an entry belongs) is one more constant there, with how to make it and whether verify can
 * see it.
 */
@Timeout(
    value = 30,
    unit = TimeUnit.MINUTES) // a hang fails the proof instead of stalling the build
final class CorruptionProofTest {
  private static final boolean LONG = Boolean.getBoolean("memotest.long");
  private static final int DEFAULT_ENTRIES = 2000;
  private static final int DEFAULT_DAMAGED = 500;
  private static final int LONG_ENTRIES = 10_000;
  private static final int LONG_DAMAGED = 5000;
  private static final int ENTRIES = LONG ? LONG_ENTRIES : DEFAULT_ENTRIES;
  private static final int DAMAGED = LONG ? LONG_DAMAGED : DEFAULT_DAMAGED;

  /** Entries of another function, the sources of cross-function copies. */
  private static final int OTHER_ENTRIES = 50;

  private static final String FUNCTION = "corruption-proof";
  private static final String OTHER = "corruption-proof-other";

  @NotSigned static final AtomicInteger COMPUTED = new AtomicInteger();

  @TempDir Path tempDir;

  /** A way to damage an entry file; each damaged file is one broken entry. */
  enum Damage {
    /** One bit of the file flipped. */
    BIT_FLIP,
    /** The file cut short at a random offset past its first byte. */
    TRUNCATION,
    /** The file cut to nothing. */
    ZERO_LENGTH,
    /** Two entry files of the function exchanged (two damaged entries). */
    SWAP,
    /** Another function's entry for the same argument copied over the file. */
    CROSS_FUNCTION_COPY,
    /** The file replaced by a hard link to another, intact, entry of the function. */
    HARD_LINK;

    /** Damages {@code file}, and for {@link #SWAP} also {@code partner}. */
    void apply(Path file, Path partner, Path otherFunctionsEntry, Path intact, Random random)
        throws IOException {
      byte[] bytes = Files.readAllBytes(file);
      switch (this) {
        case BIT_FLIP -> {
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
          Files.write(file, bytes);
        }
        case TRUNCATION ->
            Files.write(file, Arrays.copyOf(bytes, 1 + random.nextInt(bytes.length - 1)));
        case ZERO_LENGTH -> Files.write(file, new byte[0]);
        case SWAP -> {
          Path temp = file.resolveSibling(file.getFileName() + ".swap");
          Files.move(file, temp);
          Files.move(partner, file);
          Files.move(temp, partner);
        }
        case CROSS_FUNCTION_COPY ->
            Files.copy(otherFunctionsEntry, file, StandardCopyOption.REPLACE_EXISTING);
        case HARD_LINK -> {
          Files.delete(file);
          Files.createLink(file, intact);
        }
      }
    }
  }

  static String value(int x) {
    COMPUTED.incrementAndGet();
    return expected(x);
  }

  static String other(int x) {
    COMPUTED.incrementAndGet();
    return "other " + expected(x);
  }

  /**
   * The object tier off: damage on disk must reach the calls that read it; and write-behind off:
   * entries are damaged on disk between calls, so they are published as their calls return.
   */
  private Memo memo() {
    return MemoTest.isolated()
        .config("memo.object-tier.max-entries", "0")
        .config("memo.write-behind.max-bytes", "0")
        .config("memo.store.directory.path", tempDir.resolve("store").toString())
        .build();
  }

  @Test
  void everyKindOfDamage_isDetected_quarantined_recomputed_andFoundByVerify() throws IOException {
    long seed = Long.getLong("memotest.seed", System.nanoTime());
    System.out.println(
        "CorruptionProofTest seed "
            + seed
            + " (repeat with -Dmemotest.seed="
            + seed
            + "), "
            + DAMAGED
            + " of "
            + ENTRIES
            + " entries damaged");
    Random random = new Random(seed);
    long started = System.nanoTime();
    try (Memo memo = memo()) {
      Function<Integer, String> f = memo.function(FUNCTION, CorruptionProofTest::value);
      Function<Integer, String> g = memo.function(OTHER, CorruptionProofTest::other);
      for (int i = 0; i < ENTRIES; i++) {
        f.apply(i);
      }
      for (int i = 0; i < OTHER_ENTRIES; i++) {
        g.apply(i);
      }
      assertEquals(ENTRIES + OTHER_ENTRIES, COMPUTED.getAndSet(0));

      // Calls detect damage.
      Set<String> damaged = damage(random, seed);
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
      Set<String> damagedAgain = damage(random, seed);
      StoreAdmin.Verified verified;
      try (StoreAdmin admin =
          StoreAdmin.open(
              "directory",
              Map.of("memo.store.directory.path", tempDir.resolve("store").toString()))) {
        verified = admin.verify(Progress.NONE);
      }
      Set<String> found =
          verified.bad().stream().map(b -> b.key().hex()).collect(Collectors.toSet());
      assertEquals(damagedAgain, found, "seed " + seed);
      assertTrue(verified.bad().stream().allMatch(b -> b.function().equals(FUNCTION)));
      assertEquals(List.of(), verified.unreadable(), "seed " + seed);
      assertEquals(List.of(), verified.outdated(), "seed " + seed);
      assertTrue(verified.checked() >= ENTRIES, "checked " + verified.checked());
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
        "CorruptionProofTest: "
            + 2 * DAMAGED
            + " damaged entries in "
            + (System.nanoTime() - started) / 1_000_000
            + " ms");
  }

  private static String expected(int x) {
    // Sizes from a few bytes to a few payload chunks of 64 KiB: one in 25 is large, and most of
    // those are read whole by the directory store (from 64 KiB).
    return Integer.toString(x).repeat(1 + (x * 7919) % (x % 25 == 0 ? 60_000 : 40));
  }

  /**
   * Damages {@value #DAMAGED}-odd random entries of the function, each by a random kind, and
   * returns their keys. Hard links point at entries left intact, so that damage to one file never
   * reaches another through a shared inode.
   */
  private Set<String> damage(Random random, long seed) throws IOException {
    List<Path> files = entryFiles(FUNCTION);
    Collections.sort(files);
    Collections.shuffle(files, random);
    List<Path> others = entryFiles(OTHER);
    Collections.sort(others);
    List<Path> intact = files.subList(DAMAGED, files.size());
    Damage[] kinds = Damage.values();
    Map<Damage, Integer> counts = new EnumMap<>(Damage.class);
    Set<String> keys = new java.util.HashSet<>();
    for (int i = 0; i < DAMAGED; i++) {
      Damage kind = kinds[random.nextInt(kinds.length)];
      if (kind == Damage.SWAP && i + 1 == DAMAGED) {
        kind = Damage.BIT_FLIP; // a swap needs two
      }
      Path file = files.get(i);
      Path partner = kind == Damage.SWAP ? files.get(++i) : null;
      kind.apply(
          file,
          partner,
          others.get(random.nextInt(others.size())),
          intact.get(random.nextInt(intact.size())),
          random);
      counts.merge(kind, kind == Damage.SWAP ? 2 : 1, Integer::sum);
      keys.add(keyOf(file));
      if (partner != null) {
        keys.add(keyOf(partner));
      }
    }
    System.out.println("CorruptionProofTest seed " + seed + ": damaged " + counts);
    return keys;
  }

  private static String keyOf(Path file) {
    String name = file.getFileName().toString();
    return name.substring(0, name.length() - ".entry".length());
  }

  private List<Path> entryFiles(String function) throws IOException {
    try (Stream<Path> files =
        Files.walk(tempDir.resolve("store").resolve(Namespaces.folderName(function)))) {
      return files
          .filter(p -> p.toString().endsWith(".entry"))
          .collect(Collectors.toCollection(ArrayList::new));
    }
  }

  private Set<String> quarantinedKeys() throws IOException {
    try (Stream<Path> files = Files.walk(tempDir.resolve("store").resolve(".quarantine"))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".entry"))
          .map(n -> n.substring(0, n.indexOf('.')))
          .collect(Collectors.toSet());
    }
  }
}
