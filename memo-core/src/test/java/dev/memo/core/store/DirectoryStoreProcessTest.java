package dev.memo.core.store;

import static dev.memo.core.store.DirectoryStoreLayoutTest.list;
import static dev.memo.core.store.DirectoryStoreLayoutTest.open;
import static dev.memo.core.store.Entries.key;
import static dev.memo.core.store.Entries.put;
import static dev.memo.core.store.Entries.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes writing and reading one entry at once, as two runs sharing a store do. */
final class DirectoryStoreProcessTest {
  private static final String NS = "shared";
  private static final int PAYLOAD_BYTES = 256 * 1024;
  private static final int WRITES = 150;

  @TempDir Path tempDir;

  /**
   * The other process: writes the two payloads alternately, starting with the second.
   *
   * @param args the store's root
   * @throws IOException if a write fails
   */
  public static void main(String[] args) throws IOException {
    try (DirectoryStore store = open(Path.of(args[0]))) {
      for (int i = 0; i < WRITES; i++) {
        put(store, NS, key("k"), payload(i % 2 == 0 ? 'b' : 'a'));
      }
    }
  }

  static byte[] payload(char which) {
    return Entries.random(PAYLOAD_BYTES, which);
  }

  @Test
  void get_whileAnotherProcessOverwrites_seesOneWholeEntry() throws Exception {
    Path root = tempDir.resolve("store");
    byte[] a = payload('a');
    byte[] b = payload('b');
    Path log = tempDir.resolve("writer.log");
    try (DirectoryStore store = open(root)) {
      put(store, NS, key("k"), a);
      Process writer =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  DirectoryStoreProcessTest.class.getName(),
                  root.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        int reads = 0;
        for (int i = 0; writer.isAlive() || reads < 100; i++) {
          if (i % 4 == 0) {
            put(store, NS, key("k"), i % 8 == 0 ? a : b);
          }
          byte[] seen = read(store, NS, key("k")).orElseThrow();
          assertTrue(
              Arrays.equals(seen, a) || Arrays.equals(seen, b),
              () -> "read " + seen.length + " bytes that are neither payload");
          reads++;
        }
        assertTrue(writer.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, writer.exitValue(), () -> readLog(log));
      } finally {
        writer.destroyForcibly();
      }
      Path shard = store.entryPath(NS, key("k")).getParent();
      assertEquals(List.of(key("k").hex() + ".entry"), list(shard));
    }
  }

  private static String readLog(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "no log: " + e;
    }
  }
}
