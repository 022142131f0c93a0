package dev.memo.store.chronicle;

import static dev.memo.store.chronicle.Payloads.key;
import static dev.memo.store.chronicle.Payloads.open;
import static dev.memo.store.chronicle.Payloads.payload;
import static dev.memo.store.chronicle.Payloads.put;
import static dev.memo.store.chronicle.Payloads.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Processes sharing one store, and processes killed while writing to it. */
final class ChronicleStoreProcessTest {
  /** Small estimates, so that the processes also roll the map to new generations as they go. */
  static final String[] SMALL = {"entries", "200", "average-value-size", "256"};

  static final int KEYS = 600;

  @TempDir Path dir;

  /**
   * A child process. {@code share <root> <writer>}: writes every key with its own payloads (writer
   * 0 in ascending order, writer 1 in descending), reading a spread of keys after each write;
   * prints "torn N" for the reads that were neither writer's payload and "saw N" for those that
   * were the other writer's. {@code write <root>}: writes keys 0, 1, 2, … until killed, printing
   * each number once its put returned.
   *
   * @param args the mode and its arguments
   * @throws IOException if the store fails
   */
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[1]);
    if (args[0].equals("write")) {
      try (ChronicleStore store = open(root, SMALL)) {
        for (long i = 0; ; i++) {
          put(store, key(i), payload(i, 0));
          System.out.println(i);
          System.out.flush();
        }
      }
    }
    int writer = Integer.parseInt(args[2]);
    int other = 1 - writer;
    long torn = 0;
    long sawOther = 0;
    try (ChronicleStore store = open(root, SMALL)) {
      for (int n = 0; n < KEYS; n++) {
        int i = writer == 0 ? n : KEYS - 1 - n;
        put(store, key(i), payload(i, writer));
        for (int j = 0; j < KEYS; j += 7) {
          Optional<byte[]> seen = read(store, key((j + n) % KEYS));
          if (seen.isPresent()) {
            long k = (j + n) % KEYS;
            boolean mine = Arrays.equals(seen.get(), payload(k, writer));
            boolean theirs = Arrays.equals(seen.get(), payload(k, other));
            if (!mine && !theirs) {
              torn++;
            } else if (theirs) {
              sawOther++;
            }
          }
        }
      }
      // The other process may not have started yet: wait (boundedly) until one of its entries
      // shows, so that each process is seen to read the other's writes.
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      for (int n = 0; sawOther == 0 && System.nanoTime() < deadline; n = (n + 1) % KEYS) {
        Optional<byte[]> seen = read(store, key(n));
        if (seen.isPresent() && Arrays.equals(seen.get(), payload(n, other))) {
          sawOther++;
        }
      }
    }
    System.out.println("torn " + torn);
    System.out.println("saw " + sawOther);
  }

  @Test
  void twoProcesses_writeAndReadOverlappingKeys_seeEachOthersEntriesAndNoTornOne()
      throws Exception {
    Path root = dir.resolve("store");
    Process a =
        ChildJvm.start(
            dir.resolve("a.log"),
            ChildJvm.chronicleFlags(),
            ChronicleStoreProcessTest.class,
            "share",
            root.toString(),
            "0");
    Process b =
        ChildJvm.start(
            dir.resolve("b.log"),
            ChildJvm.chronicleFlags(),
            ChronicleStoreProcessTest.class,
            "share",
            root.toString(),
            "1");
    String outA = ChildJvm.finish(a, dir.resolve("a.log"));
    String outB = ChildJvm.finish(b, dir.resolve("b.log"));
    assertTrue(outA.contains("torn 0\n"), outA);
    assertTrue(outB.contains("torn 0\n"), outB);
    assertFalse(outA.contains("saw 0\n"), "process a read entries of process b:\n" + outA);
    assertFalse(outB.contains("saw 0\n"), "process b read entries of process a:\n" + outB);
    try (ChronicleStore store = open(root, SMALL)) {
      int fromA = 0;
      int fromB = 0;
      for (int i = 0; i < KEYS; i++) {
        Optional<byte[]> seen = read(store, key(i));
        if (seen.isEmpty()) {
          continue;
        }
        if (Arrays.equals(seen.get(), payload(i, 0))) {
          fromA++;
        } else {
          assertArrayEquals(payload(i, 1), seen.get(), "entry " + i);
          fromB++;
        }
      }
      // Both wrote every key. A write that races another process's roll of the map can be lost
      // (by design: it is computed again), but only then; both writes of a key rarely are.
      assertTrue(fromA + fromB >= KEYS * 99 / 100, (KEYS - fromA - fromB) + " entries lost");
      assertTrue(fromA > 0 && fromB > 0, "entries from both processes: " + fromA + ", " + fromB);
      assertTrue(store.shared().generation() > 1, "the processes rolled the map while sharing it");
    }
  }

  @Test
  void processKilledWhileWriting_nextProcessRecoversAndReadsNothingTorn() throws Exception {
    Path root = dir.resolve("store");
    long written = 0;
    for (int round = 0; round < 3; round++) {
      Path log = dir.resolve("writer-" + round + ".log");
      Process writer =
          ChildJvm.start(
              log,
              ChildJvm.chronicleFlags(),
              ChronicleStoreProcessTest.class,
              "write",
              root.toString());
      try {
        // Killed at a different count each round, while it keeps writing.
        written = awaitCount(writer, log, 150 + 200 * round);
      } finally {
        writer.destroyForcibly();
        assertTrue(writer.waitFor(1, TimeUnit.MINUTES));
      }
      try (ChronicleStore store = open(root, SMALL)) {
        int present = 0;
        for (long i = 0; i <= written + 50; i++) {
          Optional<byte[]> seen = read(store, key(i));
          if (seen.isPresent()) {
            assertArrayEquals(payload(i, 0), seen.get(), "entry " + i + " after kill " + round);
            present++;
          }
        }
        assertTrue(present >= written / 2, present + " of " + written + " entries survived");
        put(store, key(1_000_000 + round), payload(1_000_000 + round, 0));
        assertArrayEquals(
            payload(1_000_000 + round, 0), read(store, key(1_000_000 + round)).orElseThrow());
        assertEquals(List.of(), temporaryFiles(root), "writes cut short leave no files behind");
      }
    }
  }

  private static long awaitCount(Process p, Path log, long count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("writer ended early:\n" + ChildJvm.read(log));
      }
      List<String> lines =
          ChildJvm.read(log).lines().filter(l -> l.matches("\\d+")).collect(Collectors.toList());
      if (!lines.isEmpty() && Long.parseLong(lines.get(lines.size() - 1)) >= count) {
        return Long.parseLong(lines.get(lines.size() - 1));
      }
      Thread.sleep(20);
    }
    throw new AssertionError("writer did not reach " + count + " puts:\n" + ChildJvm.read(log));
  }

  private static List<Path> temporaryFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".tmp")).collect(Collectors.toList());
    }
  }
}
