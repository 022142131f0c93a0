package dev.memo.core.code;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The code cache key's Java version text is {@link Runtime.Version#toString()}'s, built by hand.
 */
class JavaVersionTextTest {
  @Test
  void javaVersion_isTheVersionsOwnText() {
    for (String v :
        List.of(
            "17",
            "17.0.9",
            "17.0.9+9",
            "17.0.9+9-LTS",
            "21-ea",
            "21-ea+3",
            "21-ea+3-opt",
            "17+-custom",
            "21-ea-custom",
            "17.0.1.2.3+12")) {
      Runtime.Version version = Runtime.Version.parse(v);
      assertEquals(version.toString(), CodeCache.javaVersion(version), v);
    }
    assertEquals(Runtime.version().toString(), CodeCache.javaVersion(Runtime.version()));
  }
}
