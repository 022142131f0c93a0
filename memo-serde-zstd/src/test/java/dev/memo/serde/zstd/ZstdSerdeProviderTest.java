package dev.memo.serde.zstd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.MemoException;
import dev.memo.SerdeException;
import dev.memo.serde.java.AllowListFilter;
import dev.memo.serde.zstd.fixture.Tripwire;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class ZstdSerdeProviderTest {
  private static ZstdSerde zstd(Map<String, String> config) {
    return (ZstdSerde)
        new ZstdSerdeProvider().create(MemoConfig.of(config).scoped("memo.serde.zstd"));
  }

  private static byte[] write(Serde serde, Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    serde.write(value, out);
    return out.toByteArray();
  }

  private static Object read(Serde serde, byte[] payload) throws IOException {
    return serde.read(new ByteArrayInputStream(payload));
  }

  /** Text-like data that compresses well but not trivially, and spans several zstd blocks. */
  private static List<String> redundant() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      lines.add("row " + (i % 97) + " of the table, value " + (i * 31 % 1013));
    }
    return lines;
  }

  // ---- discovery and priority ----

  @Test
  void serviceLoader_findsZstdAboveTheJavaSerdes() {
    Map<String, Integer> priorities = new TreeMap<>();
    for (SerdeProvider provider : ServiceLoader.load(SerdeProvider.class)) {
      priorities.put(provider.name(), provider.priority());
    }

    assertEquals(Map.of("java", -100, "java-gzip", -200, "zstd", -50), priorities);
  }

  // ---- level ----

  @ParameterizedTest
  @ValueSource(strings = {"-131072", "-7", "-1", "1", "3", "19", "22"})
  void create_levelInRange_writesPayloadsItReadsBack(String level) throws IOException {
    ZstdSerde serde = zstd(Map.of("memo.serde.zstd.level", level));

    assertEquals(redundant(), read(serde, write(serde, redundant())));
    assertTrue(serde.toString().startsWith("ZstdSerde{level=" + level + ","), serde.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "23", "-131073", "fast", "3.5", "--1"})
  void create_levelInvalid_throwsQuotingKeyAndValue(String level) {
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class, () -> zstd(Map.of("memo.serde.zstd.level", level)));

    assertEquals(
        "memo.serde.zstd.level is \""
            + level
            + "\" (from configuration map) but must be"
            + " a whole number from -131072 (fastest) to 22 (smallest), not 0; negative levels trade"
            + " ratio for speed",
        e.getMessage());
  }

  @Test
  void write_level_changesTheOutputAndHigherIsSmaller() throws IOException {
    byte[] fast = write(zstd(Map.of("memo.serde.zstd.level", "-5")), redundant());
    byte[] small = write(zstd(Map.of("memo.serde.zstd.level", "19")), redundant());
    byte[] byDefault = write(zstd(Map.of()), redundant());

    assertTrue(small.length < fast.length, "19: " + small.length + ", -5: " + fast.length);
    assertArrayEquals(
        write(zstd(Map.of("memo.serde.zstd.level", "3")), redundant()),
        byDefault,
        "the default is level 3");
  }

  // ---- stored or compressed ----

  @Test
  void write_smallPayload_isStoredUncompressedBehindTheFlag() throws IOException {
    byte[] payload = write(zstd(Map.of()), "short");

    assertEquals(ZstdCompression.STORED, payload[0]);
    assertEquals('m', payload[1], "the fast path's marker follows the flag as it is");
    assertEquals("short", read(zstd(Map.of()), payload));
  }

  @Test
  void write_minSizeRaised_storesLargerPayloadsUncompressed() throws IOException {
    String value = "abc".repeat(300);

    assertEquals(ZstdCompression.ZSTD, write(zstd(Map.of()), value)[0]);
    byte[] stored = write(zstd(Map.of("memo.serde.zstd.min-size", "1KiB")), value);
    assertEquals(ZstdCompression.STORED, stored[0]);
    assertEquals(value, read(zstd(Map.of()), stored));
  }

  @Test
  void create_minSizeAboveOneBlock_throwsQuotingKeyAndValue() {
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class,
            () -> zstd(Map.of("memo.serde.zstd.min-size", "1MiB")));

    assertEquals(
        "memo.serde.zstd.min-size is \"1MiB\" (from configuration map) but must be a"
            + " size from 0 to 128KiB (zstd's block size)",
        e.getMessage());
  }

  @Test
  void write_incompressiblePayload_isStoredUncompressedAndStreamed() throws IOException {
    byte[] random = new byte[1_000_000];
    new Random(7).nextBytes(random);
    ZstdSerde serde = zstd(Map.of());

    byte[] payload = write(serde, random);

    assertEquals(ZstdCompression.STORED, payload[0]);
    assertEquals(1 + 2 + 1 + 4 + random.length, payload.length, "flag, marker, tag, length, data");
    assertArrayEquals(random, (byte[]) read(serde, payload));
  }

  @Test
  void write_redundantPayload_isCompressedIntoOneZstdFrame() throws IOException {
    byte[] payload = write(zstd(Map.of()), redundant());

    assertEquals(ZstdCompression.ZSTD, payload[0]);
    byte[] frame = Arrays.copyOfRange(payload, 1, payload.length);
    assertEquals(frame.length, Zstd.findFrameCompressedSize(frame), "exactly one frame");
    byte[] serialized = write(new JavaOnly(), redundant());
    assertTrue(
        payload.length * 5 < serialized.length,
        "zstd " + payload.length + " bytes, plain " + serialized.length + " bytes");
  }

  /** Plain Java serialization through the same library, for the ratio above. */
  private static final class JavaOnly implements Serde {
    @Override
    public String name() {
      return "java-only";
    }

    @Override
    public void write(Object value, java.io.OutputStream out) throws IOException {
      dev.memo.serde.java.JavaSerialization.write(
          value, out, AllowListFilter.of(MemoConfig.empty()));
    }

    @Override
    public Object read(java.io.InputStream in) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void write_largeCompressibleValue_streamsCompressedBlocksToTheCaller() throws IOException {
    double[] value = new double[4 << 20]; // 32 MiB that compress well
    Arrays.setAll(value, i -> i % 1000 * 0.5);
    int[] writes = new int[1];
    int[] largest = new int[1];
    ByteArrayOutputStream payload =
        new ByteArrayOutputStream() {
          @Override
          public synchronized void write(byte[] b, int off, int len) {
            writes[0]++;
            largest[0] = Math.max(largest[0], len);
            super.write(b, off, len);
          }
        };
    ZstdSerde serde = zstd(Map.of());

    serde.write(value, payload);

    assertEquals(ZstdCompression.ZSTD, payload.toByteArray()[0]);
    // Never the whole (compressed) payload in one piece: at most one block's compressed form.
    assertTrue(
        writes[0] > 2 && largest[0] <= Zstd.compressBound(ZstdCompression.BLOCK),
        "writes: " + writes[0] + ", largest: " + largest[0]);
    assertArrayEquals(value, (double[]) read(serde, payload.toByteArray()));
  }

  @Test
  void read_unknownFlag_throwsSayingThePayloadIsForeign() {
    SerdeException e =
        assertThrows(SerdeException.class, () -> read(zstd(Map.of()), new byte[] {7, 1, 2, 3}));

    assertEquals(
        "payload is corrupt or was not written by this serde (IOException: payload does"
            + " not start with the zstd serde's flag (0 or 1) but with 7)",
        e.getMessage());
  }

  @Test
  void read_bytesAfterTheFrame_throwsSayingSo() throws IOException {
    byte[] payload = write(zstd(Map.of()), redundant());
    byte[] longer = Arrays.copyOf(payload, payload.length + 3);

    SerdeException e = assertThrows(SerdeException.class, () -> read(zstd(Map.of()), longer));

    assertEquals(
        "payload is corrupt or was not written by this serde (IOException: payload holds"
            + " bytes after the end of its zstd frame)",
        e.getMessage());
  }

  // ---- contexts ----

  @Test
  void roundTrips_onOneThread_reuseOneContextOfEachKind() throws IOException {
    ZstdSerde serde = zstd(Map.of());

    for (int i = 0; i < 50; i++) {
      List<String> value = redundant().subList(0, 100 + i);
      assertEquals(value, read(serde, write(serde, new ArrayList<>(value))));
    }

    assertEquals(1, serde.compressorsCreated());
    assertEquals(1, serde.decompressorsCreated());
  }

  @Test
  void roundTrips_failing_stillReturnTheirContexts() throws IOException {
    ZstdSerde serde = zstd(Map.of());
    byte[] payload = write(serde, redundant());
    byte[] truncated = Arrays.copyOf(payload, payload.length / 2);

    for (int i = 0; i < 20; i++) {
      assertThrows(SerdeException.class, () -> read(serde, truncated));
      assertThrows(SerdeException.class, () -> write(serde, List.of(new Object())));
    }

    assertEquals(redundant(), read(serde, payload), "a context reset after a failure");
    assertEquals(1, serde.compressorsCreated());
    assertEquals(1, serde.decompressorsCreated());
  }

  @Test
  void roundTrips_onFourThreads_createAtMostOneContextPerThread() throws Exception {
    ZstdSerde serde = zstd(Map.of());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    List<String> value = new ArrayList<>(redundant().subList(i, 500));
                    assertEquals(value, read(serde, write(serde, value)));
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertTrue(
        serde.compressorsCreated() >= 1 && serde.compressorsCreated() <= 4,
        "compressors: " + serde.compressorsCreated());
    assertTrue(
        serde.decompressorsCreated() >= 1 && serde.decompressorsCreated() <= 4,
        "decompressors: " + serde.decompressorsCreated());
  }

  // ---- the native library ----

  @Test
  void nativeLibraryFailing_throwsNamingThePlatformAndTheFix() {
    MemoException e =
        assertThrows(
            MemoException.class,
            () ->
                NativeLibrary.check(
                    () -> {
                      throw new UnsatisfiedLinkError("no zstd-jni-1.5.7-6 in java.library.path");
                    }));

    assertEquals(
        "the zstd serde cannot load zstd-jni's native library on os.name \""
            + System.getProperty("os.name")
            + "\", os.arch \""
            + System.getProperty("os.arch")
            + "\" (UnsatisfiedLinkError: no zstd-jni-1.5.7-6 in java.library.path); zstd-jni bundles"
            + " it for Linux, macOS, Windows and FreeBSD on the common architectures and unpacks it to"
            + " java.io.tmpdir, which must allow executing files: point -Djava.io.tmpdir at such a"
            + " directory, put a libzstd-jni built for this platform on java.library.path, or choose"
            + " another serde with memo.serde=java-gzip",
        e.getMessage());
  }

  // ---- the allow-list ----

  @Test
  void read_gadgetNotAllowed_isRefusedAndItsReadObjectNeverRuns(@TempDir Path dir)
      throws IOException {
    Path trace = dir.resolve("tripped");
    ObjectInputFilter anything = info -> ObjectInputFilter.Status.ALLOWED;
    ZstdSerde careless = new ZstdSerde(anything, new ZstdCompression(3, 0));
    byte[] payload =
        write(careless, new ArrayList<>(List.of("x".repeat(2000), new Tripwire(trace))));
    assertEquals(ZstdCompression.ZSTD, payload[0], "the gadget travels compressed");

    SerdeException e = assertThrows(SerdeException.class, () -> read(zstd(Map.of()), payload));

    assertEquals(
        "payload names class dev.memo.serde.zstd.fixture.Tripwire, which is not allowed;"
            + " add it or its package to memo.serde.java.allow (for example"
            + " dev.memo.serde.zstd.fixture.*)",
        e.getMessage());
    assertFalse(Files.exists(trace), "the refused class's readObject ran");
    // The control: let through, the tripwire does trip.
    read(zstd(Map.of("memo.serde.java.allow", Tripwire.class.getName())), payload);
    assertTrue(Files.exists(trace));
  }
}
