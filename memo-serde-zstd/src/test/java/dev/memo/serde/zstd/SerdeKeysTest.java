package dev.memo.serde.zstd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memo.MemoConfigurationException;
import dev.memo.core.Memo;
import dev.memo.spi.SerdeProvider;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The Java-family serdes list the keys they read, so that a misspelling of one is reported. */
final class SerdeKeysTest {
  private static final Set<String> FILTER =
      Set.of(
          "memo.serde.java.allow",
          "memo.serde.java.max-depth",
          "memo.serde.java.max-refs",
          "memo.serde.java.max-array-length",
          "memo.serde.java.max-payload-bytes");

  @Test
  void configKeys_ofEachSerde_areItsOwnAndTheFilters() {
    Map<String, Set<String>> keys = new TreeMap<>();
    for (SerdeProvider p : ServiceLoader.load(SerdeProvider.class)) {
      keys.put(p.name(), p.configKeys().orElseThrow());
    }
    assertEquals(
        Map.of(
            "java", FILTER,
            "java-gzip", union(FILTER, "memo.serde.java-gzip.level"),
            "zstd", union(FILTER, "memo.serde.zstd.level", "memo.serde.zstd.min-size")),
        keys);
  }

  private static Set<String> union(Set<String> a, String... more) {
    Set<String> all = new java.util.HashSet<>(a);
    all.addAll(Set.of(more));
    return all;
  }

  @Test
  void build_misspelledSerdeKeys_nameTheClosestKeys() {
    var e =
        assertThrows(
            MemoConfigurationException.class,
            () ->
                Memo.builder()
                    .store("memory")
                    .config("memo.serde.zstd.levle", "5")
                    .config("memo.serde.java.max-array-lenght", "10")
                    .build());
    assertEquals(
        "key \"memo.serde.java.max-array-lenght\" (from builder) is not a key memo or its"
            + " providers read; did you mean memo.serde.java.max-array-length? key"
            + " \"memo.serde.zstd.levle\" (from builder) is not a key memo or its providers read; did"
            + " you mean memo.serde.zstd.level? Fix or remove them, or set memo.config.unknown=warn to"
            + " be warned instead.",
        e.getMessage());
  }
}
