package dev.memo.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.core.Memo;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Binds real memoizers on directory stores to a {@link SimpleMeterRegistry} and reads the meters.
 */
final class MemoMetricsTest {
  @TempDir Path tempDir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  static String square(int x) {
    return Integer.toString(x * x);
  }

  private Memo memo(String objectTierEntries) {
    return Memo.builder()
        .config("memo.object-tier.max-entries", objectTierEntries)
        .config("memo.store.directory.path", tempDir.resolve("store").toString())
        .build();
  }

  private double count(String name, String... tags) {
    return registry.get(name).tags("cache", "squares").tags(tags).functionCounter().count();
  }

  @Test
  void meters_countRealCalls() {
    try (Memo memo = MemoMetrics.monitor(registry, memo("10000"), "squares", "app", "test")) {
      Function<Integer, String> f = memo.function("square", MemoMetricsTest::square);
      f.apply(2); // miss, written
      f.apply(2); // object tier hit
      f.apply(3); // miss, written

      assertEquals(1, count("cache.gets", "result", "hit"));
      assertEquals(2, count("cache.gets", "result", "miss"));
      assertEquals(2, count("cache.puts"));
      assertEquals(1, count("memo.tier.hits"));
      assertEquals(0, count("memo.load.failures"));
      assertEquals(0, count("memo.store.failures"));
      assertEquals(0, count("memo.bytes.read"));
      assertEquals(memo.stats().bytesWritten(), count("memo.bytes.written"));
      assertTrue(count("memo.bytes.written") > 0);
      FunctionTimer compute =
          registry.get("memo.compute").tags("cache", "squares", "app", "test").functionTimer();
      assertEquals(2, compute.count());
      assertEquals(memo.stats().computeNanos(), compute.totalTime(TimeUnit.NANOSECONDS), 0.5);
      FunctionCounter written = registry.get("memo.bytes.written").functionCounter();
      assertEquals("bytes", written.getId().getBaseUnit());
      assertEquals("test", written.getId().getTag("app"));
    }
  }

  @Test
  void meters_countStoreHitsAndBrokenEntries() throws IOException {
    try (Memo first = memo("0")) {
      first.function("square", MemoMetricsTest::square).apply(4);
    }
    try (Memo memo = MemoMetrics.monitor(registry, memo("0"), "squares")) {
      Function<Integer, String> f = memo.function("square", MemoMetricsTest::square);
      assertEquals("16", f.apply(4)); // read from the store
      assertEquals(1, count("cache.gets", "result", "hit"));
      assertEquals(0, count("memo.tier.hits"));
      assertEquals(memo.stats().bytesRead(), count("memo.bytes.read"));
      assertTrue(count("memo.bytes.read") > 0);

      corruptEntries();
      assertEquals("16", f.apply(4)); // broken: computed again
      assertEquals(1, count("memo.load.failures"));
      assertEquals(1, count("cache.gets", "result", "miss"));
      assertEquals(1, count("cache.puts"));
    }
  }

  @Test
  void sizeAndEvictions_notReported() {
    try (Memo memo = MemoMetrics.monitor(registry, memo("10000"), "squares")) {
      assertNull(registry.find("cache.size").meter());
      assertNull(registry.find("cache.evictions").meter());
      assertEquals(0, count("cache.puts"));
    }
  }

  @Test
  void monitor_nullName_refused() {
    try (Memo memo = memo("0")) {
      NullPointerException e =
          assertThrows(NullPointerException.class, () -> new MemoMetrics(memo, null, Tags.empty()));
      assertEquals("cacheName", e.getMessage());
    }
  }

  private void corruptEntries() throws IOException {
    try (Stream<Path> files = Files.walk(tempDir.resolve("store"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".entry")).toList()) {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
      }
    }
  }
}
