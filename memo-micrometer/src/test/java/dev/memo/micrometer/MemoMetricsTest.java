package dev.memo.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.core.Memo;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
      assertEquals(1, functionCount("memo.function.load.failures", "square"));
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

  static String cube(int x) {
    return Integer.toString(x * x * x);
  }

  /** Reads every meter, as a registry does when it is scraped or publishes. */
  private void scrape() {
    for (Meter meter : registry.getMeters()) {
      meter.measure().forEach(Measurement::getValue);
    }
  }

  private double functionCount(String name, String function, String... tags) {
    return registry
        .get(name)
        .tags("cache", "squares", "function", function)
        .tags(tags)
        .functionCounter()
        .count();
  }

  private List<String> functionTags() {
    return registry.find("memo.function.puts").functionCounters().stream()
        .map(c -> c.getId().getTag("function"))
        .sorted()
        .toList();
  }

  @Test
  void functionMeters_countEachNamedFunctionsCalls() {
    try (Memo memo = memo("10000")) {
      Function<Integer, String> square = memo.function("square", MemoMetricsTest::square);
      new MemoMetrics(memo, "squares", Tags.empty()).bindTo(registry);
      Function<Integer, String> cube = memo.function("cube", MemoMetricsTest::cube);
      square.apply(2); // miss
      square.apply(2); // object tier hit
      square.apply(3); // miss
      cube.apply(2); // miss
      assertNull(registry.find("memo.function.puts").tag("function", "cube").meter());
      scrape(); // a name wrapped after binding gets its meters at the next read

      assertEquals(1, functionCount("memo.function.gets", "square", "result", "hit"));
      assertEquals(2, functionCount("memo.function.gets", "square", "result", "miss"));
      assertEquals(2, functionCount("memo.function.puts", "square"));
      assertEquals(0, functionCount("memo.function.gets", "cube", "result", "hit"));
      assertEquals(1, functionCount("memo.function.gets", "cube", "result", "miss"));
      assertEquals(1, functionCount("memo.function.puts", "cube"));
      assertEquals(0, functionCount("memo.function.load.failures", "square"));
      assertEquals(0, functionCount("memo.function.store.failures", "square"));
      FunctionTimer compute =
          registry
              .get("memo.function.compute")
              .tags("cache", "squares", "function", "square")
              .functionTimer();
      assertEquals(2, compute.count());
      assertEquals(
          memo.stats("square").computeNanos(), compute.totalTime(TimeUnit.NANOSECONDS), 0.5);
      assertEquals(List.of("cube", "other", "square"), functionTags());
      assertEquals(0, functionCount("memo.function.gets", "other", "result", "miss"));
    }
  }

  @Test
  void functionMeters_beyondTheLimit_countInOther() {
    try (Memo memo = memo("10000")) {
      new MemoMetrics(memo, "squares", Tags.empty(), 2).bindTo(registry);
      List<Function<Integer, String>> functions = new ArrayList<>();
      for (String name : List.of("f1", "f2", "f3", "f4")) {
        functions.add(memo.function(name, MemoMetricsTest::square));
      }
      scrape();
      functions.get(0).apply(1); // f1: miss
      functions.get(2).apply(1); // f3: miss
      functions.get(2).apply(1); // f3: hit
      functions.get(3).apply(1); // f4: miss
      functions.get(3).apply(2); // f4: miss
      Function<Integer, String> f5 = memo.function("f5", MemoMetricsTest::square);
      f5.apply(1); // f5: miss
      scrape();

      assertEquals(List.of("f1", "f2", "other"), functionTags());
      assertEquals(1, functionCount("memo.function.gets", "f1", "result", "miss"));
      assertEquals(0, functionCount("memo.function.gets", "f2", "result", "miss"));
      assertEquals(4, functionCount("memo.function.gets", "other", "result", "miss"));
      assertEquals(1, functionCount("memo.function.gets", "other", "result", "hit"));
      assertEquals(4, functionCount("memo.function.puts", "other"));
      assertEquals(
          4,
          registry.get("memo.function.compute").tag("function", "other").functionTimer().count());
    }
  }

  @Test
  void functionMeters_addUpToTheMemoizersMeters() {
    try (Memo memo = MemoMetrics.monitor(registry, memo("10000"), "squares")) {
      Random random = new Random(17);
      List<Function<Integer, String>> functions = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        functions.add(memo.function("f" + i, MemoMetricsTest::square));
      }
      new MemoMetrics(memo, "limited", Tags.empty(), 3).bindTo(registry);
      for (int i = 0; i < 200; i++) {
        functions.get(random.nextInt(functions.size())).apply(random.nextInt(20));
      }
      scrape();

      for (String cache : List.of("squares", "limited")) {
        for (String result : List.of("hit", "miss")) {
          assertEquals(
              registry
                  .get("cache.gets")
                  .tags("cache", cache, "result", result)
                  .functionCounter()
                  .count(),
              sum(registry.find("memo.function.gets").tags("cache", cache, "result", result)),
              cache + " " + result);
        }
        assertEquals(
            registry.get("cache.puts").tag("cache", cache).functionCounter().count(),
            sum(registry.find("memo.function.puts").tag("cache", cache)),
            cache);
        assertEquals(
            registry.get("memo.compute").tag("cache", cache).functionTimer().count(),
            registry.find("memo.function.compute").tag("cache", cache).functionTimers().stream()
                .mapToDouble(FunctionTimer::count)
                .sum(),
            cache);
      }
      assertEquals(200, memo.stats().requestCount());
      assertEquals(6, registry.find("memo.function.puts").tag("cache", "squares").meters().size());
      assertEquals(4, registry.find("memo.function.puts").tag("cache", "limited").meters().size());
    }
  }

  private static double sum(Search search) {
    return search.functionCounters().stream().mapToDouble(FunctionCounter::count).sum();
  }

  @Test
  void functionMeters_unnamedFunctions_countInTheMemoizersMetersOnly() {
    try (Memo memo = MemoMetrics.monitor(registry, memo("10000"), "squares")) {
      memo.function("square", MemoMetricsTest::square).apply(2);
      memo.function(MemoMetricsTest::cube).apply(2);
      scrape();

      assertEquals(List.of("other", "square"), functionTags());
      assertEquals(2, count("cache.gets", "result", "miss"));
      assertEquals(1, functionCount("memo.function.gets", "square", "result", "miss"));
      assertEquals(0, functionCount("memo.function.gets", "other", "result", "miss"));
    }
  }

  @Test
  void functionMeters_functionNamedOther_countsInOther() {
    try (Memo memo = MemoMetrics.monitor(registry, memo("10000"), "squares")) {
      memo.function("other", MemoMetricsTest::square).apply(2);
      memo.function("square", MemoMetricsTest::square).apply(2);
      scrape();

      assertEquals(List.of("other", "square"), functionTags());
      assertEquals(1, functionCount("memo.function.gets", "other", "result", "miss"));
      assertEquals(1, functionCount("memo.function.gets", "square", "result", "miss"));
    }
  }

  @Test
  void functionMeters_limitZero_everyFunctionInOther() {
    try (Memo memo = memo("10000")) {
      new MemoMetrics(memo, "squares", Tags.empty(), 0).bindTo(registry);
      memo.function("square", MemoMetricsTest::square).apply(2);
      memo.function("cube", MemoMetricsTest::cube).apply(2);
      scrape();

      assertEquals(List.of("other"), functionTags());
      assertEquals(2, functionCount("memo.function.gets", "other", "result", "miss"));
    }
  }

  @Test
  void functionLimit_negative_refused() {
    try (Memo memo = memo("0")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new MemoMetrics(memo, "squares", Tags.empty(), -1));
      assertEquals(
          "functionLimit is -1; give 0 or more (0 counts every function under function=other)",
          e.getMessage());
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
