package dev.memo.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.core.fakes.Fixtures;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static final ClassLoader PROPS = Fixtures.selection("props");

  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  @Test
  void precedence_builderOverSystemPropertyOverEnvironmentOverPropertiesFile() {
    Map<String, String> env = Map.of("MEMO_STORE", "from-env", "MEMO_SERDE", "from-env");
    Properties sys =
        props("memo.store", "from-sys", "memo.serde", "from-sys", "memo.signer", "from-sys");
    MemoConfig all = ConfigLoader.load(Map.of("memo.store", "from-builder"), PROPS, env, sys);
    assertEquals("from-builder", all.get("memo.store").orElseThrow());
    assertEquals("from-sys", all.get("memo.serde").orElseThrow());
    MemoConfig noSys = ConfigLoader.load(Map.of(), PROPS, env, props());
    assertEquals("from-env", noSys.get("memo.store").orElseThrow());
    MemoConfig fileOnly = ConfigLoader.load(Map.of(), PROPS, Map.of(), props());
    assertEquals("from-properties", fileOnly.get("memo.store").orElseThrow());
    assertEquals("from-properties", fileOnly.get("memo.store.directory.path").orElseThrow());
    MemoConfig none = ConfigLoader.load(Map.of(), Fixtures.selection("empty"), Map.of(), props());
    assertEquals("fallback", none.getString("memo.store", "fallback"));
  }

  @Test
  void environmentName_dotsAndDashesBecomeUnderscores() {
    var env = Map.of("MEMO_STORE_DIRECTORY_MAX_BYTES", "2GiB");
    MemoConfig c = ConfigLoader.load(Map.of(), PROPS, env, props());
    assertEquals(2L << 30, c.getBytes("memo.store.directory.max-bytes", 0));
  }

  @Test
  void badValue_quotesFullKeyRawValueAndSource() {
    MemoConfig c =
        ConfigLoader.load(
            Map.of(),
            PROPS,
            Map.of("MEMO_STORE_DIRECTORY_MAX_BYTES", "12XB"),
            props("memo.enabled", "yes"));
    var e =
        assertThrows(
            MemoConfigurationException.class,
            () -> c.scoped("memo.store.directory").getBytes("max-bytes", 0));
    assertEquals(
        "memo.store.directory.max-bytes is \"12XB\" (from environment variable"
            + " MEMO_STORE_DIRECTORY_MAX_BYTES) but must be a size in bytes such as 1048576, 512KiB,"
            + " 64MiB or 2GiB",
        e.getMessage());
    var e2 =
        assertThrows(MemoConfigurationException.class, () -> c.getBoolean("memo.enabled", true));
    assertEquals(
        "memo.enabled is \"yes\" (from system property) but must be true or false",
        e2.getMessage());
  }

  @Test
  void badValue_fromPropertiesFile_namesTheFile() {
    MemoConfig c = ConfigLoader.load(Map.of(), PROPS, Map.of(), props());
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class,
            () -> c.scoped("memo.x").getChoice("level", "1", "1", "2"));
    String expectedStart = "memo.x.level is \"7\" (from memo.properties (";
    assertEquals(expectedStart, e.getMessage().substring(0, expectedStart.length()));
    assertEquals(
        true,
        e.getMessage().endsWith("selection/props/memo.properties)) but must be one of 1, 2"),
        e.getMessage());
  }
}
