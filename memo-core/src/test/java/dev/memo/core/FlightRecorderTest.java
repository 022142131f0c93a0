package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.NotSigned;
import dev.memo.Signature;
import dev.memo.core.admin.Progress;
import dev.memo.core.admin.StoreAdmin;
import dev.memo.core.fakes.MapStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records real calls and sweeps with the flight recorder and reads the events back from the
 * recording file.
 */
final class FlightRecorderTest {
  @NotSigned static final AtomicInteger RUNS = new AtomicInteger();

  @TempDir Path tempDir;

  static String slowSquare(int x) {
    RUNS.incrementAndGet();
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Integer.toString(x * x);
  }

  private Memo memo(String threshold) {
    return MemoTest.isolated()
        .config("memo.jfr.threshold", threshold)
        .config("memo.store.directory.path", tempDir.resolve("store").toString())
        .build();
  }

  private List<RecordedEvent> record(String eventName, Runnable calls) throws IOException {
    return record(eventName, true, calls);
  }

  private List<RecordedEvent> record(String eventName, boolean enable, Runnable calls)
      throws IOException {
    Path file = tempDir.resolve("calls.jfr");
    try (Recording recording = new Recording()) {
      if (enable) {
        recording.enable(eventName).withThreshold(Duration.ZERO);
      }
      recording.start();
      calls.run();
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events = new ArrayList<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      if (e.getEventType().getName().equals(eventName)) {
        events.add(e);
      }
    }
    return events;
  }

  @Test
  void calls_recorded_withOutcomeAndPhases() throws IOException {
    List<RecordedEvent> events;
    try (Memo memo = memo("0ms")) {
      Function<Integer, String> f = memo.function("jfr-square", FlightRecorderTest::slowSquare);
      events =
          record(
              "dev.memo.Call",
              () -> {
                f.apply(3); // miss
                f.apply(3); // object tier hit
              });
    }
    try (Memo memo = memo("0ms")) {
      Function<Integer, String> f = memo.function("jfr-square", FlightRecorderTest::slowSquare);
      List<RecordedEvent> more =
          record(
              "dev.memo.Call",
              () -> {
                f.apply(3); // store hit: a new memoizer has an empty object tier
                f.apply(4); // miss
              });
      events.addAll(more);
    }
    try (Memo memo = memo("0ms")) {
      corruptEntries();
      Function<Integer, String> f = memo.function("jfr-square", FlightRecorderTest::slowSquare);
      events.addAll(record("dev.memo.Call", () -> f.apply(3))); // broken entry
    }

    List<String> outcomes = events.stream().map(e -> e.getString("outcome")).toList();
    assertEquals(List.of("miss", "tier-hit", "store-hit", "miss", "broken-entry"), outcomes);
    for (RecordedEvent e : events) {
      assertEquals("jfr-square", e.getString("function"));
      assertTrue(e.getLong("signing") > 0, e.toString());
    }
    RecordedEvent miss = events.get(0);
    assertTrue(miss.getLong("computing") >= Duration.ofMillis(5).toNanos(), miss.toString());
    assertTrue(miss.getLong("writing") > 0, miss.toString());
    assertTrue(miss.getLong("reading") > 0, miss.toString());
    RecordedEvent tierHit = events.get(1);
    assertEquals(
        0,
        tierHit.getLong("reading")
            + tierHit.getLong("computing")
            + tierHit.getLong("writing")
            + tierHit.getLong("deserializing"),
        tierHit.toString());
    RecordedEvent storeHit = events.get(2);
    assertTrue(storeHit.getLong("deserializing") > 0, storeHit.toString());
    assertTrue(storeHit.getLong("reading") > 0, storeHit.toString());
    assertEquals(
        0, storeHit.getLong("computing") + storeHit.getLong("writing"), storeHit.toString());
    RecordedEvent broken = events.get(4);
    assertTrue(broken.getLong("computing") >= Duration.ofMillis(5).toNanos(), broken.toString());
    assertTrue(broken.getDuration().toNanos() >= broken.getLong("computing"), broken.toString());
  }

  /**
   * A store whose looks take a while, and which adds up how long the looks took. It coordinates
   * processes (every claim is granted at once), so a leader looks again after taking its claim.
   */
  static final class SlowStore extends MapStore {
    final AtomicInteger looks = new AtomicInteger();
    final AtomicLong lookNanos = new AtomicLong();
    private final String namespace;

    SlowStore(String namespace) {
      this.namespace = namespace;
    }

    @Override
    public java.util.Set<Capability> capabilities() {
      java.util.EnumSet<Capability> all = java.util.EnumSet.of(Capability.CLAIMS);
      all.addAll(super.capabilities());
      return all;
    }

    @Override
    public Optional<Claim> claim(String namespace, Signature key) {
      return Optional.of(
          new Claim() {
            @Override
            public boolean held() {
              return true;
            }

            @Override
            public void close() {}
          });
    }

    @Override
    public Optional<InputStream> get(String namespace, Signature key) {
      long start = System.nanoTime();
      try {
        Thread.sleep(10);
        return super.get(namespace, key);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      } finally {
        if (namespace.equals(this.namespace)) { // not memo's records of misses
          looks.incrementAndGet();
          lookNanos.addAndGet(System.nanoTime() - start);
        }
      }
    }
  }

  @Test
  void miss_everyLookInTheStore_countsInReading() throws IOException {
    SlowStore store = new SlowStore("jfr-slow");
    List<RecordedEvent> events;
    try (Memo memo =
        MemoTest.isolated()
            .store(store)
            .config("memo.jfr.threshold", "0ms")
            .config("memo.object-tier.max-entries", "0")
            .build()) {
      Function<Integer, String> f = memo.function("jfr-slow", FlightRecorderTest::slowSquare);
      events = record("dev.memo.Call", () -> f.apply(3));
    }
    assertEquals(1, events.size(), events.toString());
    RecordedEvent miss = events.get(0);
    assertEquals("miss", miss.getString("outcome"));
    // The first look, and the look after the claim is taken (another process may have stored it).
    assertEquals(2, store.looks.get());
    assertTrue(miss.getLong("reading") >= store.lookNanos.get(), miss.toString());
    assertTrue(miss.getLong("computing") >= Duration.ofMillis(5).toNanos(), miss.toString());
    assertPhasesWithinTheCall(miss);
  }

  @NotSigned static final AtomicReference<Thread> FOLLOWER = new AtomicReference<>();
  @NotSigned static final AtomicReference<CountDownLatch> LEADING = new AtomicReference<>();

  /** Computes once the follower waits for this computation, and a while longer. */
  static String squareOnceFollowed(int x) {
    LEADING.get().countDown();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!waitingForComputation(FOLLOWER.get())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the follower never waited: " + FOLLOWER.get());
      }
      slowSquare(0);
    }
    return slowSquare(x);
  }

  private static boolean waitingForComputation(Thread t) {
    if (t == null || t.getState() != Thread.State.WAITING) {
      return false;
    }
    for (StackTraceElement frame : t.getStackTrace()) {
      if (frame.getClassName().equals(Computations.class.getName() + "$Flight")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void follower_waitingForTheLeadersComputation_countsInWaiting() throws Exception {
    FOLLOWER.set(null);
    LEADING.set(new CountDownLatch(1));
    List<RecordedEvent> events;
    try (Memo memo = memo("0ms")) {
      Function<Integer, String> f =
          memo.function("jfr-followed", FlightRecorderTest::squareOnceFollowed);
      String[] results = new String[2];
      events =
          record(
              "dev.memo.Call",
              () -> {
                Thread leader = new Thread(() -> results[0] = f.apply(11), "jfr-leader");
                Thread follower = new Thread(() -> results[1] = f.apply(11), "jfr-follower");
                try {
                  leader.start();
                  LEADING.get().await();
                  FOLLOWER.set(follower);
                  follower.start();
                  leader.join();
                  follower.join();
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      assertEquals(List.of("121", "121"), List.of(results));
    }
    assertEquals(2, events.size(), events.toString());
    RecordedEvent leader = eventOf(events, "jfr-leader");
    RecordedEvent follower = eventOf(events, "jfr-follower");
    assertEquals(0, leader.getLong("waiting"), leader.toString());
    assertEquals(0, follower.getLong("computing"), follower.toString());
    // The leader computed for at least 5 ms after the follower began to wait.
    assertTrue(follower.getLong("waiting") >= Duration.ofMillis(5).toNanos(), follower.toString());
    assertPhasesWithinTheCall(leader);
    assertPhasesWithinTheCall(follower);
  }

  private static RecordedEvent eventOf(List<RecordedEvent> events, String thread) {
    return events.stream()
        .filter(e -> e.getThread().getJavaName().equals(thread))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no event of " + thread + ": " + events));
  }

  /**
   * The phases are disjoint parts of the call: together they fit in its duration (with a margin for
   * the conversion of the recording's clock to nanoseconds).
   */
  private static void assertPhasesWithinTheCall(RecordedEvent e) {
    long phases =
        e.getLong("signing")
            + e.getLong("reading")
            + e.getLong("deserializing")
            + e.getLong("waiting")
            + e.getLong("computing")
            + e.getLong("writing");
    long duration = e.getDuration().toNanos();
    assertTrue(phases <= duration + duration / 100, phases + " > " + duration + ": " + e);
    assertTrue(e.getLong("reading") >= 0, e.toString());
  }

  @Test
  void calls_belowThreshold_notRecorded() throws IOException {
    try (Memo memo = memo("1h")) {
      Function<Integer, String> f = memo.function("jfr-square", FlightRecorderTest::slowSquare);
      assertEquals(
          List.of(),
          record(
              "dev.memo.Call",
              () -> {
                f.apply(5);
                f.apply(5);
              }));
      assertEquals("25", f.apply(5));
    }
  }

  @Test
  void calls_recordingThatDoesNotEnableTheEvent_recordsNone() throws IOException {
    try (Memo memo = memo("0ms")) {
      Function<Integer, String> f = memo.function("jfr-square", FlightRecorderTest::slowSquare);
      assertEquals(
          List.of(),
          record(
              "dev.memo.Call",
              false,
              () -> {
                f.apply(9);
                f.apply(9);
              }));
    }
  }

  @Test
  void calls_withoutRecording_runAsUsual() {
    RUNS.set(0);
    try (Memo memo = memo("0ms")) {
      Function<Integer, String> f = memo.function("jfr-square", FlightRecorderTest::slowSquare);
      assertEquals("36", f.apply(6));
      assertEquals("36", f.apply(6));
      assertEquals(1, RUNS.get());
    }
  }

  @Test
  void sweep_recorded_withWhatItRemoved() throws IOException {
    Path root = tempDir.resolve("swept");
    List<RecordedEvent> events;
    StoreAdmin.Pruned[] pruned = new StoreAdmin.Pruned[1];
    try (Memo memo =
        MemoTest.isolated().config("memo.store.directory.path", root.toString()).build()) {
      Function<Integer, String> f = memo.function("jfr-square", FlightRecorderTest::slowSquare);
      f.apply(7);
      f.apply(8);
      events =
          record(
              "dev.memo.Sweep",
              () -> {
                try (StoreAdmin admin =
                    StoreAdmin.open(
                        "directory", Map.of("memo.store.directory.path", root.toString()))) {
                  pruned[0] = admin.prune(0, null, Progress.NONE);
                }
              });
    }
    assertEquals(1, events.size(), events.toString());
    RecordedEvent sweep = events.get(0);
    assertEquals(root.toString(), sweep.getString("directory"));
    // The two results and memo's records of the misses.
    assertTrue(pruned[0].removedEntries() >= 2, pruned[0].toString());
    assertEquals(pruned[0].removedEntries(), sweep.getLong("removedEntries"));
    assertEquals(pruned[0].removedBytes(), sweep.getLong("removedBytes"));
    assertTrue(sweep.getLong("removedBytes") > 0, sweep.toString());
    assertEquals(0, sweep.getLong("entries"));
    assertEquals(0, sweep.getLong("bytes"));
  }

  private void corruptEntries() {
    try (Stream<Path> files = Files.walk(tempDir.resolve("store"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".entry")).toList()) {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
