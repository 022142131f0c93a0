package dev.memo.serde.zstd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.core.Memo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine where zstd-jni's native library cannot load (its temporary folder cannot hold the
 * unpacked library) shares a directory store with one where it loads: a compressed entry it cannot
 * read is computed again and left in place, never reported broken or quarantined, so the other
 * machines keep their hit.
 */
final class NoNativeLibraryTest {
  private static final int LENGTH = 1 << 16; // 512 KiB of zeros, compressed in the entry

  @TempDir Path dir;

  private List<Path> files(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void compressedEntry_whereTheNativeLibraryCannotLoad_isComputedAgainAndLeftInPlace()
      throws IOException, InterruptedException {
    Path store = dir.resolve("store");
    try (Memo memo =
        Memo.builder()
            .serde("zstd")
            .store("directory")
            .config("memo.store.directory.path", store.toString())
            .build()) {
      assertEquals(LENGTH, memo.function("zeros", NoNativeMain::zeros).apply(LENGTH).length);
    }
    List<Path> entries =
        files(store).stream()
            .filter(p -> p.toString().endsWith(".entry"))
            .filter(p -> p.toString().contains("zeros") || !p.toString().contains(".memo"))
            .collect(Collectors.toList());
    assertFalse(entries.isEmpty(), files(store).toString());
    long entryBytes = Files.size(entries.get(0));
    assertTrue(entryBytes < LENGTH * 8 / 10, "the entry is compressed: " + entryBytes + " bytes");

    // A regular file as java.io.tmpdir's parent: zstd-jni cannot unpack its library there.
    Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
    Path errors = dir.resolve("stderr.txt");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + blocker.resolve("tmp"),
                "-cp",
                System.getProperty("java.class.path"),
                NoNativeMain.class.getName(),
                store.toString(),
                Integer.toString(LENGTH))
            .redirectError(errors.toFile())
            .start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
    String err = Files.readString(errors);

    assertEquals(0, child.exitValue(), "stderr:\n" + err);
    assertEquals("length " + LENGTH + " computed 1 load-failures 1", out, "stderr:\n" + err);
    assertTrue(err.contains("cannot load zstd-jni's native library"), err);
    assertTrue(err.contains("leaving the entry in place"), err);
    assertFalse(Files.exists(store.resolve(".quarantine")), files(store).toString());
    assertTrue(Files.exists(entries.get(0)), "the entry stays for the machines that can read it");
    assertEquals(entryBytes, Files.size(entries.get(0)));
  }
}
