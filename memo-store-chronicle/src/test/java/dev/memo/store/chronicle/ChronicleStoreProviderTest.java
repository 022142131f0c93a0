package dev.memo.store.chronicle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider's options, its check of the JVM's flags, and the absence of network traffic. */
final class ChronicleStoreProviderTest {
  /**
   * Classes without which a JVM opens no TCP or UDP socket and resolves no host name: every socket
   * in Java 17 is one of these (or is built on them), and a lookup goes through InetAddress.
   */
  static final Set<String> NETWORK_CLASSES =
      Set.of(
          "java.net.InetAddress",
          "java.net.Socket",
          "java.net.ServerSocket",
          "java.net.DatagramSocket",
          "sun.nio.ch.NioSocketImpl",
          "sun.nio.ch.SocketChannelImpl",
          "sun.nio.ch.ServerSocketChannelImpl",
          "sun.nio.ch.DatagramChannelImpl",
          "sun.net.www.protocol.http.HttpURLConnection",
          "java.net.http.HttpClient");

  private static final Pattern LOADED = Pattern.compile("\\[class,load\\] (\\S+) source");

  @TempDir Path dir;

  private static Options options(Map<String, String> values) {
    return ChronicleStoreProvider.options(
        MemoConfig.of("test", values).scoped("memo.store.chronicle"));
  }

  @Test
  void options_unset_areTheDocumentedDefaults() {
    assertEquals(
        new Options(
            Path.of(".memo-chronicle").toAbsolutePath().normalize(),
            10_000,
            1024,
            16 * 1024,
            1L << 30,
            1_000_000),
        options(Map.of()));
  }

  @Test
  void options_set_areRead() {
    Options o =
        options(
            Map.of(
                "memo.store.chronicle.path", dir.toString(),
                "memo.store.chronicle.entries", "500",
                "memo.store.chronicle.average-value-size", "2KiB",
                "memo.store.chronicle.max-inline-bytes", "64KiB",
                "memo.store.chronicle.max-bytes", "10MiB",
                "memo.store.chronicle.max-entries", "999"));
    assertEquals(new Options(dir, 500, 2048, 65_536, 10L << 20, 999), o);
  }

  @Test
  void options_outOfRange_failQuotingKeyValueAndWhatIsValid() {
    assertEquals(
        "memo.store.chronicle.entries is \"0\" (from test) but must be a whole number of at least 1,"
            + " such as 10000",
        assertThrows(
                MemoConfigurationException.class,
                () -> options(Map.of("memo.store.chronicle.entries", "0")))
            .getMessage());
    assertEquals(
        "memo.store.chronicle.max-inline-bytes is \"2MiB\" (from test) but must be a size from 1"
            + " byte to 1MiB, such as 16KiB",
        assertThrows(
                MemoConfigurationException.class,
                () -> options(Map.of("memo.store.chronicle.max-inline-bytes", "2MiB")))
            .getMessage());
    assertEquals(
        "memo.store.chronicle.max-bytes is \"lots\" (from test) but must be a size in bytes such as"
            + " 1048576, 512KiB, 64MiB or 2GiB",
        assertThrows(
                MemoConfigurationException.class,
                () -> options(Map.of("memo.store.chronicle.max-bytes", "lots")))
            .getMessage());
  }

  @Test
  void jvmFlags_givenByTheBuild_areAllThatChronicleNeeds() {
    assertEquals(List.of(), JvmAccess.missingFlags());
  }

  @Test
  void create_withoutChronicleFlags_failsListingThemBeforeChronicleStarts() throws Exception {
    Path log = dir.resolve("probe.log");
    Process p =
        ChildJvm.start(log, List.of(), StoreProbe.class, "create", dir.resolve("s").toString());
    String out = ChildJvm.finish(p, log);
    assertTrue(
        out.contains(
            "dev.memo.StoreException: the chronicle store needs JVM flags that are"
                + " missing: --add-opens=java.base/java.lang=ALL-UNNAMED"
                + " --add-opens=java.base/java.lang.reflect=ALL-UNNAMED"
                + " --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"
                + " --add-exports=java.base/sun.nio.ch=ALL-UNNAMED"
                + " --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED; start java with them"
                + " (Chronicle Map uses JDK internals on Java 17 and later; see memo's README, section"
                + " \"chronicle store\"), or choose another store with memo.store=directory\n"),
        out);
    assertFalse(out.contains("ExceptionInInitializerError"), out);
    assertFalse(Files.exists(dir.resolve("s")), "nothing was created");
  }

  @Test
  void create_missingOneFlag_namesJustThatOne() throws Exception {
    List<String> flags = new ArrayList<>(ChildJvm.chronicleFlags());
    assertTrue(flags.remove("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"), flags::toString);
    Path log = dir.resolve("probe.log");
    Process p = ChildJvm.start(log, flags, StoreProbe.class, "create", dir.resolve("s").toString());
    String out = ChildJvm.finish(p, log);
    assertTrue(out.contains("missing: --add-exports=java.base/sun.nio.ch=ALL-UNNAMED; start"), out);
  }

  @Test
  void store_inUse_loadsNoNetworkClass() throws Exception {
    Set<String> loaded = loadedClasses("use", dir.resolve("s").toString());
    assertTrue(
        loaded.contains("net.openhft.chronicle.map.ChronicleMapBuilder"),
        "the probe ran Chronicle Map");
    assertEquals(
        Set.of(), loaded.stream().filter(NETWORK_CLASSES::contains).collect(Collectors.toSet()));
  }

  @Test
  void networkCheck_aProgramOpeningASocket_isCaught() throws Exception {
    Set<String> loaded = loadedClasses("socket");
    assertFalse(
        loaded.stream().noneMatch(NETWORK_CLASSES::contains),
        "the check must see a socket when there is one");
  }

  private Set<String> loadedClasses(String... args) throws IOException, InterruptedException {
    Path classes = dir.resolve("classes.log");
    Path log = dir.resolve("probe.log");
    List<String> options = new ArrayList<>(ChildJvm.chronicleFlags());
    options.add("-Xlog:class+load=info:file=" + classes);
    ChildJvm.finish(ChildJvm.start(log, options, StoreProbe.class, args), log);
    Set<String> loaded = new java.util.HashSet<>();
    for (String line : Files.readAllLines(classes)) {
      Matcher m = LOADED.matcher(line);
      if (m.find()) {
        loaded.add(m.group(1));
      }
    }
    return loaded;
  }

  @Test
  void configKeys_listsEveryOptionTheProviderReads() {
    assertEquals(
        Set.of(
            "memo.store.chronicle.path",
            "memo.store.chronicle.entries",
            "memo.store.chronicle.average-value-size",
            "memo.store.chronicle.max-inline-bytes",
            "memo.store.chronicle.max-bytes",
            "memo.store.chronicle.max-entries"),
        new ChronicleStoreProvider().configKeys().orElseThrow());
  }

  @Test
  void build_misspelledChronicleKey_namesTheClosestKey() {
    var e =
        assertThrows(
            MemoConfigurationException.class,
            () ->
                dev.memo.core.Memo.builder()
                    .config("memo.store.chronicle.max-entires", "5")
                    .build());
    assertEquals(
        "key \"memo.store.chronicle.max-entires\" (from builder) is not a key memo or its"
            + " providers read; did you mean memo.store.chronicle.max-entries? Fix or remove it, or set"
            + " memo.config.unknown=warn to be warned instead.",
        e.getMessage());
  }
}
