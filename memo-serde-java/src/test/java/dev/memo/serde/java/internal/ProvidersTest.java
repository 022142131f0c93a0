package dev.memo.serde.java.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.SerdeException;
import dev.memo.serde.java.fixture.Plain;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class ProvidersTest {
  private static Serde gzip(Map<String, String> config) {
    return new GzipJavaSerdeProvider().create(MemoConfig.of(config).scoped("memo.serde.java-gzip"));
  }

  private static Serde plain(Map<String, String> config) {
    return new JavaSerdeProvider().create(MemoConfig.of(config).scoped("memo.serde.java"));
  }

  private static byte[] write(Serde serde, Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    serde.write(value, out);
    return out.toByteArray();
  }

  /** Text-like data that compresses well but not trivially. */
  private static List<String> redundant() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      lines.add("row " + (i % 97) + " of the table, value " + (i * 31 % 1013));
    }
    return lines;
  }

  @Test
  void serviceLoader_findsBothProvidersWithTheirPriorities() {
    Map<String, Integer> priorities = new TreeMap<>();
    for (SerdeProvider provider : ServiceLoader.load(SerdeProvider.class)) {
      priorities.put(provider.name(), provider.priority());
    }

    assertEquals(Map.of("java", -100, "java-gzip", -200), priorities);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "10", "-1", "fast", "6.5"})
  void create_gzipLevelInvalid_throwsQuotingKeyAndValue(String level) {
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class,
            () -> gzip(Map.of("memo.serde.java-gzip.level", level)));

    assertEquals(
        "memo.serde.java-gzip.level is \""
            + level
            + "\" (from configuration map) but"
            + " must be a whole number from 1 (fastest) to 9 (smallest)",
        e.getMessage());
  }

  @Test
  void create_filterOptionInvalid_throwsForBothSerdes() {
    Map<String, String> config = Map.of("memo.serde.java.max-depth", "none");
    String expected =
        "memo.serde.java.max-depth is \"none\" (from configuration map) but must be"
            + " a whole number from 1 to 9223372036854775807";

    assertEquals(
        expected, assertThrows(MemoConfigurationException.class, () -> plain(config)).getMessage());
    assertEquals(
        expected, assertThrows(MemoConfigurationException.class, () -> gzip(config)).getMessage());
  }

  @Test
  void create_gzip_sharesTheAllowListOfJava() throws IOException {
    Serde serde = gzip(Map.of("memo.serde.java.allow", "dev.memo.serde.java.fixture.*"));
    List<Plain> value = new ArrayList<>(List.of(new Plain(3)));

    assertEquals(value, serde.read(new ByteArrayInputStream(write(serde, value))));
    assertThrows(SerdeException.class, () -> write(gzip(Map.of()), value));
  }

  @Test
  void write_gzip_isGzipAndSmallerThanPlainForRedundantData() throws IOException {
    byte[] compressed = write(gzip(Map.of()), redundant());
    byte[] uncompressed = write(plain(Map.of()), redundant());

    assertEquals(0x1f, compressed[0] & 0xff);
    assertEquals(0x8b, compressed[1] & 0xff);
    assertTrue(
        compressed.length * 4 < uncompressed.length,
        "gzip " + compressed.length + " bytes, plain " + uncompressed.length + " bytes");
  }

  @Test
  void write_gzipLevel_changesTheOutput() throws IOException {
    byte[] fastest = write(gzip(Map.of("memo.serde.java-gzip.level", "1")), redundant());
    byte[] smallest = write(gzip(Map.of("memo.serde.java-gzip.level", "9")), redundant());

    assertFalse(java.util.Arrays.equals(fastest, smallest));
    assertTrue(
        smallest.length < fastest.length,
        "level 9: " + smallest.length + " bytes, level 1: " + fastest.length + " bytes");
  }

  @Test
  void write_gzipWithoutLevel_usesLevelSix() throws IOException {
    assertArrayEquals(
        write(gzip(Map.of("memo.serde.java-gzip.level", "6")), redundant()),
        write(gzip(Map.of()), redundant()));
    assertFalse(
        java.util.Arrays.equals(
            write(gzip(Map.of("memo.serde.java-gzip.level", "5")), redundant()),
            write(gzip(Map.of()), redundant())),
        "level 5 would be indistinguishable");
  }

  @Test
  void write_gzip_leavesModificationTimeZeroSoEqualValuesGiveEqualBytes() throws IOException {
    byte[] payload = write(gzip(Map.of()), "value");

    // MTIME, bytes 4 to 7 of the gzip header
    assertArrayEquals(new byte[4], java.util.Arrays.copyOfRange(payload, 4, 8));
  }
}
