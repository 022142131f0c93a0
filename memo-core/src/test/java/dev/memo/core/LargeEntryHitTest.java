package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.memo.NotSigned;
import dev.memo.spi.support.Namespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hits of large results from a directory store, whose entries are read whole into reused buffers
 * and whose arrays the serde copies straight out of them: each caller's array is its own, a later
 * hit never changes an earlier one's value, and a damaged large entry is computed again.
 */
final class LargeEntryHitTest {
  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();

  @TempDir Path tempDir;

  static double[] doubles(Integer seed) {
    CALLS.incrementAndGet();
    Random r = new Random(seed);
    double[] d = new double[131_072 + seed]; // 1 MiB and a few elements: chunks split elements
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextDouble();
    }
    return d;
  }

  static long[] longs(Integer seed) {
    CALLS.incrementAndGet();
    return new Random(seed).longs(40_000 + seed).toArray();
  }

  private Memo memo() {
    return MemoTest.isolated()
        .config("memo.object-tier.max-entries", "0")
        .config("memo.write-behind.max-bytes", "0")
        .config("memo.store.directory.path", tempDir.resolve("store").toString())
        .build();
  }

  @Test
  void hitsOfLargeArrays_areEqualToTheComputedOnes_andStayTheirCallersOwn() {
    double[] first1;
    try (Memo memo = memo()) {
      Function<Integer, double[]> f = memo.function("large-doubles", LargeEntryHitTest::doubles);
      Function<Integer, long[]> g = memo.function("large-longs", LargeEntryHitTest::longs);
      for (int seed = 1; seed <= 3; seed++) {
        f.apply(seed);
        g.apply(seed);
      }
    }
    CALLS.set(0);
    try (Memo memo = memo()) {
      Function<Integer, double[]> f = memo.function("large-doubles", LargeEntryHitTest::doubles);
      Function<Integer, long[]> g = memo.function("large-longs", LargeEntryHitTest::longs);
      first1 = f.apply(1);
      double[] again1 = f.apply(1);
      assertNotSame(first1, again1);
      for (int round = 0; round < 3; round++) {
        for (int seed = 1; seed <= 3; seed++) {
          assertArrayEquals(doubles(seed), f.apply(seed), "seed " + seed);
          assertArrayEquals(longs(seed), g.apply(seed), "seed " + seed);
        }
      }
      CALLS.addAndGet(-18); // the expected values computed above
      assertEquals(0, CALLS.get(), "every call was a hit");
      assertArrayEquals(doubles(1), first1, "later hits did not change an earlier hit's array");
      assertArrayEquals(doubles(1), again1);
      assertEquals(0, memo.stats().loadFailureCount());
    }
  }

  @Test
  void largeHitsOnSeveralThreadsAtOnce_eachGetTheirOwnValue() throws Exception {
    try (Memo memo = memo()) {
      Function<Integer, double[]> f = memo.function("large-doubles", LargeEntryHitTest::doubles);
      for (int seed = 1; seed <= 4; seed++) {
        f.apply(seed);
      }
    }
    double[][] expected = new double[5][];
    for (int seed = 1; seed <= 4; seed++) {
      expected[seed] = doubles(seed);
    }
    CALLS.set(0);
    try (Memo memo = memo()) {
      Function<Integer, double[]> f = memo.function("large-doubles", LargeEntryHitTest::doubles);
      ExecutorService threads = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int first = t;
          done.add(
              threads.submit(
                  () -> {
                    List<double[]> kept = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                      int seed = 1 + (first + i) % 4;
                      double[] d = f.apply(seed);
                      assertArrayEquals(expected[seed], d, "seed " + seed);
                      kept.add(d);
                    }
                    for (int i = 0; i < kept.size(); i++) {
                      int seed = 1 + (first + i) % 4;
                      assertArrayEquals(
                          expected[seed], kept.get(i), "unchanged since, seed " + seed);
                    }
                    return null;
                  }));
        }
        for (Future<?> d : done) {
          d.get();
        }
      } finally {
        threads.shutdownNow();
      }
      assertEquals(0, CALLS.get(), "every call was a hit");
      assertEquals(0, memo.stats().loadFailureCount());
    }
  }

  @Test
  void aLargeEntryDamagedInItsPayload_isComputedAgain() throws IOException {
    try (Memo memo = memo()) {
      memo.function("large-doubles", LargeEntryHitTest::doubles).apply(2);
    }
    Path entry;
    try (Stream<Path> files =
        Files.walk(tempDir.resolve("store").resolve(Namespaces.folderName("large-doubles")))) {
      List<Path> entries =
          files.filter(p -> p.toString().endsWith(".entry")).collect(Collectors.toList());
      assertEquals(1, entries.size());
      entry = entries.get(0);
    }
    byte[] bytes = Files.readAllBytes(entry);
    bytes[bytes.length / 2] ^= 0x10; // in the middle of the payload: a chunk's checksum fails
    Files.write(entry, bytes);
    CALLS.set(0);
    try (Memo memo = memo()) {
      double[] d = memo.function("large-doubles", LargeEntryHitTest::doubles).apply(2);
      assertEquals(1, CALLS.get(), "computed again");
      assertEquals(1, memo.stats().loadFailureCount());
      CALLS.set(0);
      assertArrayEquals(doubles(2), d);
    }
  }
}
