package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.FunctionOptions;
import dev.memo.MemoConfigurationException;
import dev.memo.core.fakes.LogCapture;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration is checked when a memoizer is built: a key nobody reads, from any source, is
 * reported with the closest known key; policy values and the providers they name, empty provider
 * names, a key file that is a folder and a blank storingIn folder fail there too, in words a user
 * can act on.
 */
final class ConfigCheckTest {
  private static final String FIX_IT =
      " Fix or remove it, or set memo.config.unknown=warn to be" + " warned instead.";

  @TempDir Path dir;

  private static Memo.Builder isolated() {
    return MemoTest.isolated().store("memory");
  }

  private static String buildFails(Memo.Builder builder) {
    return assertThrows(MemoConfigurationException.class, builder::build).getMessage();
  }

  // ---- unknown keys, from every source ----

  @Test
  void build_misspelledKeyFromTheBuilder_namesTheClosestKnownKey() {
    assertEquals(
        "key \"memo.integrity.keyfile\" (from builder) is not a key memo or its"
            + " providers read; did you mean memo.integrity.key-file?"
            + FIX_IT,
        buildFails(isolated().config("memo.integrity.keyfile", "/etc/memo.key")));
  }

  @Test
  void build_misspelledKeyFromASystemProperty_namesTheClosestKnownKey() {
    Properties properties = new Properties();
    properties.setProperty("memo.store.directroy.path", "/tmp/x");
    properties.setProperty("user.name", "not memo's");

    assertEquals(
        "key \"memo.store.directroy.path\" (from system property) is not a key memo or"
            + " its providers read; did you mean memo.store.directory.path?"
            + FIX_IT,
        buildFails(isolated().systemProperties(properties)));
  }

  @Test
  void build_misspelledEnvironmentVariable_namesTheClosestVariableAndItsKey() {
    assertEquals(
        "environment variable \"MEMO_INTEGRITY_KEYFILE\" is not a key memo or its"
            + " providers read; did you mean MEMO_INTEGRITY_KEY_FILE (memo.integrity.key-file)?"
            + FIX_IT,
        buildFails(
            isolated()
                .environment(Map.of("MEMO_INTEGRITY_KEYFILE", "/etc/memo.key", "HOME", "/root"))));
  }

  @Test
  void build_misspelledKeyInMemoProperties_namesTheFile() throws IOException {
    Files.writeString(dir.resolve("memo.properties"), "memo.object-tier.max-entires=5\n");
    URL url = dir.resolve("memo.properties").toUri().toURL();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      assertEquals(
          "key \"memo.object-tier.max-entires\" (from memo.properties ("
              + url
              + "))"
              + " is not a key memo or its providers read; did you mean"
              + " memo.object-tier.max-entries?"
              + FIX_IT,
          buildFails(isolated().classLoader(loader)));
    }
  }

  @Test
  void build_misspelledPolicyKey_namesTheKeyForThatTag() {
    assertEquals(
        "key \"memo.policy.disk.tll\" (from builder) is not a key memo or its providers"
            + " read; did you mean memo.policy.disk.ttl?"
            + FIX_IT,
        buildFails(isolated().config("memo.policy.disk.tll", "7d")));
    assertEquals(
        "environment variable \"MEMO_POLICY_FAST_CACHE_OBJECT_TEIR\" is not a key memo"
            + " or its providers read; did you mean MEMO_POLICY_FAST_CACHE_OBJECT_TIER"
            + " (memo.policy.fast-cache.object-tier)?"
            + FIX_IT,
        buildFails(isolated().environment(Map.of("MEMO_POLICY_FAST_CACHE_OBJECT_TEIR", "false"))));
  }

  @Test
  void build_severalUnknownKeys_reportsEachInOneError() {
    assertEquals(
        "key \"memo.enabeld\" (from builder) is not a key memo or its providers read;"
            + " did you mean memo.enabled? key \"memo.something.else\" (from builder) is not a key memo"
            + " or its providers read. Fix or remove them, or set memo.config.unknown=warn to be"
            + " warned instead.",
        buildFails(isolated().config("memo.enabeld", "false").config("memo.something.else", "1")));
  }

  @Test
  void build_keyOfAStoreNotOnTheClassPath_namesTheModuleToAdd() {
    assertEquals(
        "key \"memo.store.redis.uri\" (from builder) is for the store \"redis\", which is"
            + " not on the class path (available: directory, memory, tiered); add dev.memo:memo-store-redis."
            + FIX_IT,
        buildFails(isolated().config("memo.store.redis.uri", "redis://cache:6379")));
    assertEquals(
        "environment variable \"MEMO_SERDE_ACME_LEVEL\" is for the serde \"acme\", which"
            + " is not on the class path (available: test-serial, test-other); add the module that"
            + " provides it."
            + FIX_IT,
        buildFails(isolated().environment(Map.of("MEMO_SERDE_ACME_LEVEL", "3"))));
  }

  @Test
  void build_keysOfAProviderThatListsNone_areAccepted() {
    // The test serdes do not list their keys: memo cannot tell their misspellings.
    try (Memo memo = isolated().config("memo.serde.test-serial.anything", "1").build()) {
      assertEquals("memory", memo.storeName().orElseThrow());
    }
  }

  @Test
  void build_knownKeysOfEveryKind_areAccepted() {
    try (Memo memo =
        isolated()
            .config("memo.store.directory.max-age", "7d")
            .config("memo.store.memory.max-bytes", "1MiB")
            .config("memo.policy.fast-cache.ttl", "1h")
            .config("memo.code.include", "com.example")
            .config("memo.config.unknown", "error")
            .environment(
                Map.of(
                    "MEMO_STORE_DIRECTORY_CLAIM_TIMEOUT",
                    "5s",
                    "MEMO_POLICY_FAST_CACHE_OBJECT_TIER",
                    "false"))
            .build()) {
      assertTrue(memo.enabled());
    }
  }

  @Test
  void build_unknownKeyWithWarn_buildsAndWarnsNamingTheClosestKey() {
    try (LogCapture log = new LogCapture();
        Memo memo =
            isolated()
                .config("memo.config.unknown", "warn")
                .config("memo.integrity.keyfile", "/etc/memo.key")
                .build()) {
      assertTrue(memo.enabled());
      assertEquals(
          List.of(
              "key \"memo.integrity.keyfile\" (from builder) is not a key memo or its"
                  + " providers read; did you mean memo.integrity.key-file? It is ignored."),
          log.records.stream()
              .filter(r -> r.level() == Level.WARNING)
              .map(LogCapture.Entry::message)
              .toList());
    }
  }

  @Test
  void build_unknownKeyWithMemoOff_isStillReported() {
    assertEquals(
        "key \"memo.enable\" (from builder) is not a key memo or its providers read; did"
            + " you mean memo.enabled?"
            + FIX_IT,
        buildFails(isolated().config("memo.enabled", "false").config("memo.enable", "false")));
  }

  @Test
  void build_unknownKeyTenThousandCharactersLong_isQuotedCutAndEscaped() {
    String key = "memo.\u001b[2J" + "x".repeat(10_000);
    assertEquals(
        "key \"memo.\\u001b[2J"
            + "x".repeat(191)
            + "…\" (10009 characters) (from builder)"
            + " is not a key memo or its providers read."
            + FIX_IT,
        buildFails(isolated().config(key, "1")));
  }

  // ---- provider names and policies ----

  @Test
  void build_emptyStoreName_isAnError() {
    assertEquals(
        "memo.store is empty (from builder); name a store provider (available:"
            + " directory, memory, tiered), or remove the key to use the one of highest priority",
        buildFails(MemoTest.isolated().config("memo.store", "")));
    assertEquals(
        "memo.serde is empty (from environment variable MEMO_SERDE); name a serde"
            + " provider (available: test-serial, test-other), or remove the key to use the one of"
            + " highest priority",
        buildFails(isolated().environment(Map.of("MEMO_SERDE", " "))));
  }

  @Test
  void build_policyValueInvalid_failsAtBuildNotAtWrap() {
    assertEquals(
        "memo.policy.disk.ttl is \"forever\" (from builder) but must be a duration such as"
            + " 500ms, 30s, 15m, 12h, 7d or PT1H30M",
        buildFails(isolated().config("memo.policy.disk.ttl", "forever")));
    assertEquals(
        "memo.policy.fast-cache.enabled is \"maybe\" (from environment variable"
            + " MEMO_POLICY_FAST_CACHE_ENABLED) but must be true or false",
        buildFails(isolated().environment(Map.of("MEMO_POLICY_FAST_CACHE_ENABLED", "maybe"))));
    assertEquals(
        "memo.policy.shared.store is \"redis\" but no store provider named \"redis\" is on"
            + " the class path; add dev.memo:memo-store-redis (available: directory, memory, tiered)",
        buildFails(isolated().config("memo.policy.shared.store", "redis")));
  }

  @Test
  void build_valueOfThreeHundredCharacters_isQuotedCut() {
    String value = "y".repeat(150) + "\u001b" + "y".repeat(149);
    assertEquals(
        "memo.enabled is \""
            + "y".repeat(150)
            + "\\u001b"
            + "y".repeat(49)
            + "…\" (300 characters) (from builder)"
            + " but must be true or false",
        buildFails(isolated().config("memo.enabled", value)));
  }

  @Test
  void build_storeNameOfThreeHundredCharacters_isQuotedCut() {
    String name = "a".repeat(300);
    assertEquals(
        "memo.store is \""
            + "a".repeat(200)
            + "…\" (300 characters) but no store provider"
            + " named \""
            + "a".repeat(200)
            + "…\" (300 characters) is on the class path; add the"
            + " module that provides it (available: directory, memory, tiered)",
        buildFails(MemoTest.isolated().config("memo.store", name)));
  }

  @Test
  void build_keyFileIsADirectory_saysSo() {
    assertEquals(
        "memo.integrity.key-file is \""
            + dir
            + "\" (from builder) but must be a readable"
            + " file holding a base64-encoded key of at least 32 bytes; it is a directory, not a file;"
            + " point it at the key file inside, or create one with: head -c 32 /dev/urandom | base64"
            + " > "
            + dir.resolve("memo.key"),
        buildFails(isolated().config("memo.integrity.key-file", dir.toString())));
  }

  // ---- storingIn and named results ----

  @Test
  void storingIn_emptyPath_isAnError() {
    try (Memo memo = isolated().build()) {
      var e = assertThrows(MemoConfigurationException.class, () -> memo.storingIn(Path.of("")));
      assertEquals(
          "storingIn was given an empty path, which would not be a folder of its own;"
              + " give the folder to store in, such as Path.of(\"build/memo\")",
          e.getMessage());
    }
  }

  static Integer plusOne(Integer x) {
    return x + 1;
  }

  static Integer plusTwo(Integer x) {
    return x + 2;
  }

  @Test
  void function_twoFunctionsUnderOneName_warnsNamingBothAndResultFails() {
    try (LogCapture log = new LogCapture();
        Memo memo = isolated().build()) {
      memo.function(FunctionOptions.named("step"), ConfigCheckTest::plusOne);
      memo.function(FunctionOptions.named("step"), ConfigCheckTest::plusOne);
      assertEquals(0, log.count(Level.WARNING), "the same function twice is no conflict");
      assertEquals(2, (Integer) memo.result("step", 1));

      memo.function(FunctionOptions.named("step"), ConfigCheckTest::plusTwo);

      assertEquals(
          List.of(
              "two different functions are wrapped under the name \"step\": "
                  + ConfigCheckTest.class.getName()
                  + ".plusOne and "
                  + ConfigCheckTest.class.getName()
                  + ".plusTwo; memo.result(\"step\") cannot tell them apart; give one of them another"
                  + " name"),
          log.records.stream()
              .filter(r -> r.level() == Level.WARNING)
              .map(LogCapture.Entry::message)
              .toList());
      var e = assertThrows(MemoConfigurationException.class, () -> memo.result("step", 1));
      assertEquals(
          "result \"step\" is ambiguous: two different functions are wrapped under that"
              + " name, "
              + ConfigCheckTest.class.getName()
              + ".plusOne and "
              + ConfigCheckTest.class.getName()
              + ".plusTwo; give one of them another name",
          e.getMessage());
      Function<Integer, Integer> other =
          memo.function(FunctionOptions.named("other"), ConfigCheckTest::plusTwo);
      assertEquals(3, other.apply(1));
    }
  }
}
