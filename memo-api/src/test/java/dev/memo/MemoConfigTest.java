package dev.memo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class MemoConfigTest {

  @Test
  void getBytes_acceptsBinaryUnits() {
    MemoConfig c =
        MemoConfig.of(Map.of("a", "1048576", "b", "512KiB", "c", "64 MiB", "d", "2g", "e", "3TB"));
    assertEquals(1048576, c.getBytes("a", 0));
    assertEquals(512L << 10, c.getBytes("b", 0));
    assertEquals(64L << 20, c.getBytes("c", 0));
    assertEquals(2L << 30, c.getBytes("d", 0));
    assertEquals(3L << 40, c.getBytes("e", 0));
    assertEquals(7, c.getBytes("absent", 7));
  }

  @Test
  void getBytes_overflowOrGarbage_isAnErrorQuotingKeyAndValue() {
    MemoConfig c = MemoConfig.of("builder", Map.of("memo.x", "99999999999TiB"));
    var e = assertThrows(MemoConfigurationException.class, () -> c.getBytes("memo.x", 0));
    assertEquals(
        "memo.x is \"99999999999TiB\" (from builder) but must be a size in bytes such as 1048576,"
            + " 512KiB, 64MiB or 2GiB",
        e.getMessage());
  }

  @Test
  void getDuration_acceptsShortFormsAndIso() {
    MemoConfig c =
        MemoConfig.of(
            Map.of("a", "500ms", "b", "30s", "c", "15m", "d", "12h", "e", "7d", "f", "PT1H30M"));
    assertEquals(Duration.ofMillis(500), c.getDuration("a", null));
    assertEquals(Duration.ofSeconds(30), c.getDuration("b", null));
    assertEquals(Duration.ofMinutes(15), c.getDuration("c", null));
    assertEquals(Duration.ofHours(12), c.getDuration("d", null));
    assertEquals(Duration.ofDays(7), c.getDuration("e", null));
    assertEquals(Duration.ofMinutes(90), c.getDuration("f", null));
  }

  @Test
  void getDuration_garbage_isAnError() {
    MemoConfig c = MemoConfig.of(Map.of("memo.ttl", "soon"));
    var e = assertThrows(MemoConfigurationException.class, () -> c.getDuration("memo.ttl", null));
    assertEquals(
        "memo.ttl is \"soon\" (from configuration map) but must be a duration such as 500ms, 30s,"
            + " 15m, 12h, 7d or PT1H30M",
        e.getMessage());
  }

  @Test
  void getInt_garbage_isAnErrorWithFullKeyOfScopedView() {
    MemoConfig c =
        MemoConfig.of(Map.of("memo.serde.java-gzip.level", "fast")).scoped("memo.serde.java-gzip");
    var e = assertThrows(MemoConfigurationException.class, () -> c.getInt("level", 6));
    assertEquals(
        "memo.serde.java-gzip.level is \"fast\" (from configuration map) but must be a whole number"
            + " such as 3 or -1",
        e.getMessage());
  }

  @Test
  void scoped_readsRelativeKeysAndRootReachesTheRest() {
    MemoConfig root =
        MemoConfig.of(Map.of("memo.store.directory.path", "/tmp/x", "memo.serde", "java"));
    MemoConfig dir = root.scoped("memo.store").scoped("directory");
    assertEquals(Path.of("/tmp/x"), dir.getPath("path", null));
    assertEquals("memo.store.directory.path", dir.key("path"));
    assertEquals("java", dir.root().get("memo.serde").orElseThrow());
  }

  @Test
  void withFallback_firstSourceWins_blankValuesFallThrough() {
    Properties p = new Properties();
    p.setProperty("memo.a", "  ");
    p.setProperty("memo.b", "sys");
    MemoConfig c =
        MemoConfig.ofProperties("system property", p)
            .withFallback(MemoConfig.ofEnvironment(Map.of("MEMO_A", "env", "MEMO_B", "env")));
    assertEquals("env", c.get("memo.a").orElseThrow());
    assertEquals("sys", c.get("memo.b").orElseThrow());
  }

  @Test
  void ofProperties_isLive() {
    Properties p = new Properties();
    MemoConfig c = MemoConfig.ofProperties("system property", p);
    assertTrue(c.get("memo.a").isEmpty());
    p.setProperty("memo.a", "1");
    assertEquals("1", c.get("memo.a").orElseThrow());
  }

  @Test
  void getBoolean_andChoice_andList() {
    MemoConfig c = MemoConfig.of(Map.of("t", "TRUE", "f", "false", "m", "Copy", "l", " a, b ,,c "));
    assertTrue(c.getBoolean("t", false));
    assertEquals(false, c.getBoolean("f", true));
    assertEquals("copy", c.getChoice("m", "strict", "strict", "copy"));
    assertEquals(List.of("a", "b", "c"), c.getList("l"));
    var e = assertThrows(MemoConfigurationException.class, () -> c.getChoice("m", "x", "strict"));
    assertEquals(
        "m is \"Copy\" (from configuration map) but must be one of strict", e.getMessage());
  }

  @Test
  void environmentName_upperCaseWithUnderscores() {
    assertEquals(
        "MEMO_SERDE_JAVA_GZIP_LEVEL", MemoConfig.environmentName("memo.serde.java-gzip.level"));
  }

  @Test
  void invalid_buildsTheSameMessageForCallerChecks() {
    MemoConfig c =
        MemoConfig.of("builder", Map.of("memo.serde.zstd.level", "40")).scoped("memo.serde.zstd");
    assertEquals(
        "memo.serde.zstd.level is \"40\" (from builder) but must be a level from -7 to 22",
        c.invalid("level", "a level from -7 to 22").getMessage());
  }
}
