package dev.memo.core.store;

import static dev.memo.core.store.Entries.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.spi.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory store's claims, with markers written by hand as other processes leave them. */
final class DirectoryClaimsTest {
  private static final String NS = "claimed";

  @TempDir Path tempDir;

  private DirectoryStore open(Map<String, String> options) {
    Map<String, String> values = new HashMap<>();
    values.put("memo.store.directory.path", tempDir.resolve("store").toString());
    options.forEach((k, v) -> values.put("memo.store.directory." + k, v));
    return (DirectoryStore)
        new DirectoryStoreProvider()
            .create(MemoConfig.of("test", values).scoped("memo.store.directory"));
  }

  private DirectoryStore withClaims() {
    return open(Map.of("claims", "true"));
  }

  private Path marker(DirectoryStore store) {
    return DirectoryClaims.markerOf(store.entryPath(NS, key("k")), key("k").hex());
  }

  private static void plant(Path marker, String content, Instant modified) throws Exception {
    Files.createDirectories(marker.getParent());
    Files.writeString(marker, content, StandardCharsets.UTF_8);
    Files.setLastModifiedTime(marker, FileTime.from(modified));
  }

  private static String owner(long pid, String host, long started) {
    return "pid=" + pid + "\nhost=" + host + "\nstarted=" + started + "\ntoken=planted\n";
  }

  private static String self() {
    DirectoryClaims.Owner me = DirectoryClaims.Owner.SELF;
    return owner(me.pid, me.host, me.started);
  }

  /** The id of a process that has ended. */
  private static long deadPid() throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    p.waitFor();
    return p.pid();
  }

  @Test
  void claim_claimsOff_isEmpty() throws Exception {
    try (DirectoryStore store = open(Map.of())) {
      assertEquals(Optional.empty(), store.claim(NS, key("k")));
      assertFalse(Files.exists(marker(store)));
    }
  }

  @Test
  void claim_free_isHeld_untilClosed_andWritesAMarkerNamingThisProcess() throws Exception {
    try (DirectoryStore store = withClaims()) {
      Store.Claim first = store.claim(NS, key("k")).orElseThrow();
      assertTrue(first.held());
      Map<String, String> fields = DirectoryClaims.parse(Files.readAllBytes(marker(store)));
      assertEquals(Long.toString(ProcessHandle.current().pid()), fields.get("pid"));
      assertEquals(DirectoryClaims.Owner.SELF.host, fields.get("host"));
      assertFalse(store.claim(NS, key("k")).orElseThrow().held(), "claimed twice");
      first.close();
      assertFalse(Files.exists(marker(store)));
      first.close();
      try (Store.Claim again = store.claim(NS, key("k")).orElseThrow()) {
        assertTrue(again.held());
      }
      assertFalse(Files.exists(marker(store)));
    }
  }

  @Test
  void claim_markerOfADeadProcessOnThisHost_isTakenOver() throws Exception {
    try (DirectoryStore store = withClaims()) {
      plant(marker(store), owner(deadPid(), DirectoryClaims.Owner.SELF.host, -1), Instant.now());
      try (Store.Claim claim = store.claim(NS, key("k")).orElseThrow()) {
        assertTrue(claim.held());
        assertEquals(
            Long.toString(ProcessHandle.current().pid()),
            DirectoryClaims.parse(Files.readAllBytes(marker(store))).get("pid"));
      }
      assertFalse(Files.exists(marker(store)));
    }
  }

  @Test
  void claim_markerWhosePidNowBelongsToAnotherProcess_isTakenOver() throws Exception {
    try (DirectoryStore store = withClaims()) {
      DirectoryClaims.Owner me = DirectoryClaims.Owner.SELF;
      plant(marker(store), owner(me.pid, me.host, me.started - 60_000), Instant.now());
      try (Store.Claim claim = store.claim(NS, key("k")).orElseThrow()) {
        assertTrue(claim.held());
      }
    }
  }

  @Test
  void claim_markerOlderThanTheTimeout_isTakenOver_evenIfItsProcessLives() throws Exception {
    try (DirectoryStore store = open(Map.of("claims", "true", "claim-timeout", "10m"))) {
      plant(marker(store), self(), Instant.now().minus(Duration.ofMinutes(11)));
      try (Store.Claim claim = store.claim(NS, key("k")).orElseThrow()) {
        assertTrue(claim.held());
      }
    }
  }

  @Test
  void claim_freshMarkerOfALiveProcess_orOfAnotherHost_orHalfWritten_isHeldElsewhere()
      throws Exception {
    try (DirectoryStore store = withClaims()) {
      for (String content :
          new String[] {self(), owner(deadPid(), "another-host.example", -1), "", "pid=12"}) {
        plant(marker(store), content, Instant.now());
        Store.Claim claim = store.claim(NS, key("k")).orElseThrow();
        assertFalse(claim.held(), () -> "took over a live marker: " + content);
        claim.close();
        assertArrayEquals(
            content.getBytes(StandardCharsets.UTF_8),
            Files.readAllBytes(marker(store)),
            "closing a claim held elsewhere changed the marker");
      }
    }
  }

  @Test
  void close_afterTheClaimWasTakenOver_leavesTheNewHoldersMarker() throws Exception {
    try (DirectoryStore store = withClaims()) {
      Store.Claim mine = store.claim(NS, key("k")).orElseThrow();
      String theirs = owner(deadPid() + 1, "another-host.example", -1);
      Files.writeString(marker(store), theirs, StandardCharsets.UTF_8);
      mine.close();
      assertEquals(theirs, Files.readString(marker(store)));
    }
  }

  @Test
  void create_claimTimeoutNotPositive_failsNamingKeyAndValue() {
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class,
            () -> open(Map.of("claims", "true", "claim-timeout", "0s")));
    assertEquals(
        "memo.store.directory.claim-timeout is \"0s\" (from test) but must be a positive"
            + " duration such as 30s or 10m",
        e.getMessage());
  }
}
