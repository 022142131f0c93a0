package dev.memo.spi.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.Signature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SupportTest {
  private static final Signature KEY = Signature.of(new byte[] {(byte) 0xab, 0x12});

  @TempDir Path dir;

  @Test
  void encode_unpairedSurrogate_decodesAsItself() {
    for (String s : List.of("", "a", "\uD800", "?", "naïve-名前-🙂", "a\u0000b")) {
      assertEquals(s, Namespaces.decode(Namespaces.encode(s)));
    }
    assertFalse(Namespaces.folderName("?").equals(Namespaces.folderName("\uD800")));
  }

  @Test
  void folderName_leadingDotOrDash_isReplaced_andHashSuffixed() {
    assertTrue(Namespaces.folderName("..").startsWith("_.-"), Namespaces.folderName(".."));
    assertTrue(Namespaces.folderName("-rf").startsWith("_rf-"), Namespaces.folderName("-rf"));
    assertEquals("_-", Namespaces.folderName("").substring(0, 2));
    assertEquals(32, Namespaces.digest("x").length);
  }

  @Test
  void nameFile_writtenOnce_readsBack_absentIsEmpty() throws IOException {
    Path file = dir.resolve("ns").resolve(".namespace");
    assertEquals(Optional.empty(), Namespaces.readNameFile(file));
    Namespaces.writeNameFile(file, "\uD800 first");
    Namespaces.writeNameFile(file, "second");
    assertEquals(Optional.of("\uD800 first"), Namespaces.readNameFile(file));
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.collect(Collectors.toList()), "no temporary file left");
    }
  }

  @Test
  void move_twiceInOneMillisecond_keepsBothUnderDistinctNames() throws IOException {
    Quarantine quarantine = Quarantine.under(dir);
    Set<Path> kept = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      Path entry = Files.write(dir.resolve("entry" + i), new byte[] {(byte) i});
      kept.add(quarantine.move("ns", KEY, entry, "reason " + i).orElseThrow());
      assertFalse(Files.exists(entry));
    }
    assertEquals(5, kept.size());
    for (Path p : kept) {
      assertTrue(
          p.startsWith(dir.resolve(".quarantine").resolve(Namespaces.folderName("ns"))),
          p::toString);
      String name = p.getFileName().toString();
      Path reason = p.resolveSibling(name.replace(".entry", ".reason"));
      assertEquals("reason " + Files.readAllBytes(p)[0], Files.readString(reason));
    }
  }

  @Test
  void move_vanishedEntry_isEmpty_andLeavesNoReason() throws IOException {
    Quarantine quarantine = Quarantine.under(dir);
    assertEquals(Optional.empty(), quarantine.move("ns", KEY, dir.resolve("gone"), "why"));
    try (Stream<Path> files =
        Files.list(quarantine.folder().resolve(Namespaces.folderName("ns")))) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void keep_failingWriter_keepsNothing_andRethrows() throws IOException {
    Quarantine quarantine = Quarantine.under(dir);
    IOException boom = new IOException("boom");
    IOException thrown =
        assertThrows(
            IOException.class,
            () ->
                quarantine.keep(
                    "ns",
                    KEY,
                    out -> {
                      out.write(1);
                      throw boom;
                    },
                    "why"));
    assertSame(boom, thrown);
    try (Stream<Path> files =
        Files.list(quarantine.folder().resolve(Namespaces.folderName("ns")))) {
      assertEquals(0, files.count());
    }
    Path kept =
        quarantine.keep(
            "ns", KEY, out -> out.write("bytes".getBytes(StandardCharsets.UTF_8)), "why");
    assertArrayEquals("bytes".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(kept));
    assertNotEquals(0, quarantine.removeOlderThan(System.currentTimeMillis() + 60_000));
    assertFalse(Files.exists(kept));
  }
}
