package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.NotSigned;
import dev.memo.core.admin.Progress;
import dev.memo.core.admin.StoreAdmin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages stored entries the ways disks and crashes do (a flipped bit, a file cut short at any
 * offset) and proves each is caught: a call misses, counts it, quarantines the entry and computes
 * it again, and {@code verify} finds exactly the damaged entries. The seed is printed; set {@code
 * -Dmemo.test.seed=<seed>} to repeat a run.
 */
final class CorruptionProofTest {
  private static final int ENTRIES = 2000;
  private static final int DAMAGED = 200;
  private static final String FUNCTION = "corruption-proof";

  @NotSigned static final AtomicInteger COMPUTED = new AtomicInteger();

  @TempDir Path tempDir;

  static String value(int x) {
    COMPUTED.incrementAndGet();
    // Sizes from a few bytes to past one 64 KiB payload chunk.
    return Integer.toString(x).repeat(1 + (x * 7919) % (x % 100 == 0 ? 20_000 : 40));
  }

  /** The object tier off: damage on disk must reach the calls that read it. */
  private Memo memo() {
    return MemoTest.isolated()
        .config("memo.object-tier.max-entries", "0")
        .config("memo.store.directory.path", tempDir.resolve("store").toString()).build();
  }

  @Test
  void bitFlipsAndTruncations_areAllDetected_quarantined_recomputed_andFoundByVerify()
      throws IOException {
    long seed = Long.getLong("memo.test.seed", System.nanoTime());
    System.out.println("CorruptionProofTest seed " + seed + " (repeat with -Dmemo.test.seed=" + seed + ")");
    Random random = new Random(seed);
    try (Memo memo = memo()) {
      Function<Integer, String> f = memo.function(FUNCTION, CorruptionProofTest::value);
      for (int i = 0; i < ENTRIES; i++) {
        f.apply(i);
      }
      assertEquals(ENTRIES, COMPUTED.getAndSet(0));

      // Calls detect damage.
      Set<String> damaged = damage(random);
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
      Set<String> damagedAgain = damage(random);
      StoreAdmin.Verified verified;
      try (StoreAdmin admin = StoreAdmin.open("directory",
          Map.of("memo.store.directory.path", tempDir.resolve("store").toString()))) {
        verified = admin.verify(Progress.NONE);
      }
      Set<String> found = verified.bad().stream().map(b -> b.key().hex())
          .collect(Collectors.toSet());
      assertEquals(damagedAgain, found, "seed " + seed);
      assertTrue(verified.bad().stream().allMatch(b -> b.function().equals(FUNCTION)));
      assertTrue(verified.checked() >= ENTRIES, "checked " + verified.checked());
      long failuresBefore = memo.stats().loadFailureCount();
      for (int i = 0; i < ENTRIES; i++) {
        assertEquals(expected(i), f.apply(i), "seed " + seed);
      }
      assertEquals(DAMAGED, COMPUTED.getAndSet(0), "seed " + seed);
      assertEquals(failuresBefore, memo.stats().loadFailureCount(),
          "verify quarantined them: they are plain misses now");
    }
  }

  private static String expected(int x) {
    return Integer.toString(x).repeat(1 + (x * 7919) % (x % 100 == 0 ? 20_000 : 40));
  }

  /** Flips one bit of, or cuts short, {@value #DAMAGED} random entries; returns their keys. */
  private Set<String> damage(Random random) throws IOException {
    List<Path> files = entryFiles();
    Collections.sort(files);
    Collections.shuffle(files, random);
    Set<String> keys = new java.util.HashSet<>();
    for (Path file : files.subList(0, DAMAGED)) {
      byte[] bytes = Files.readAllBytes(file);
      if (random.nextBoolean()) {
        int at = random.nextInt(bytes.length);
        bytes[at] ^= (byte) (1 << random.nextInt(8));
        Files.write(file, bytes);
      } else {
        Files.write(file, Arrays.copyOf(bytes, random.nextInt(bytes.length)));
      }
      String name = file.getFileName().toString();
      keys.add(name.substring(0, name.length() - ".entry".length()));
    }
    return keys;
  }

  private List<Path> entryFiles() throws IOException {
    try (Stream<Path> files = Files.walk(tempDir.resolve("store"))) {
      return files.filter(p -> p.toString().endsWith(".entry"))
          .filter(p -> p.getParent().getParent().getFileName().toString().startsWith(FUNCTION + "-"))
          .collect(Collectors.toCollection(ArrayList::new));
    }
  }

  private Set<String> quarantinedKeys() throws IOException {
    try (Stream<Path> files = Files.walk(tempDir.resolve("store").resolve(".quarantine"))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".entry"))
          .map(n -> n.substring(0, n.indexOf('.'))).collect(Collectors.toSet());
    }
  }

}
