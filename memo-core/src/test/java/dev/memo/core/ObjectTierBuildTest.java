package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.memo.FunctionOptions;
import dev.memo.MemoConfig;
import dev.memo.Signature;
import dev.memo.core.fakes.LogCapture;
import dev.memo.core.fakes.MapStore;
import dev.memo.core.fakes.SerialSerdeProvider.SerialSerde;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The object tier while its cache is being built on another thread, and when that fails. */
class ObjectTierBuildTest {
  private final MapStore store = new MapStore();
  private final Route route =
      new Route("test", true, store, new SerialSerde("test-serial"), null, 0, true);

  /** Holds the build of the cache until the test runs it. */
  private static final class HeldBuild implements Executor {
    final List<Runnable> held = new ArrayList<>();

    @Override
    public void execute(Runnable build) {
      held.add(build);
    }

    void run() {
      assertEquals(1, held.size(), "one build per tier");
      held.get(0).run();
    }
  }

  private static Signature key(int i) {
    byte[] b = new byte[32];
    b[0] = (byte) i;
    return Signature.of(b);
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  @Test
  void notYetBuilt_resultsAreHandedOutImmutable_keptMeanwhile_andMovedIntoTheCache() {
    HeldBuild build = new HeldBuild();
    ObjectTier tier = new ObjectTier(MemoConfig.empty(), build, null);
    assertSame(ObjectTier.ABSENT, tier.find(route, key(1), "f"));
    List<Integer> computed = new ArrayList<>(List.of(1, 2));
    Object first = tier.admit(route, key(1), "f", computed, false, 10, now());
    assertThrows(UnsupportedOperationException.class, () -> ((List<?>) first).add(null));
    assertSame(first, tier.find(route, key(1), "f"), "kept before the cache is built");
    int[] array = {1, 2};
    int[] handedOut = (int[]) tier.admit(route, key(2), "f", array, false, 10, now());
    int[] again = (int[]) tier.find(route, key(2), "f");
    assertNotSame(array, handedOut);
    assertNotSame(handedOut, again);
    assertFalse(tier.built());
    assertEquals(2, tier.size());

    build.run();

    assertTrue(tier.built());
    assertSame(first, tier.find(route, key(1), "f"), "moved into the cache");
    assertArrayEquals(new int[] {1, 2}, (int[]) tier.find(route, key(2), "f"));
    Object third = tier.admit(route, key(3), "f", List.of(3), false, 10, now());
    assertSame(third, tier.find(route, key(3), "f"));
    assertEquals(3, tier.size());
  }

  @Test
  void notYetBuilt_keepsAtMostMaxEarly_andNoMoreThanTheByteBound() {
    HeldBuild build = new HeldBuild();
    ObjectTier tier = new ObjectTier(MemoConfig.empty(), build, null);
    for (int i = 0; i < ObjectTier.MAX_EARLY + 20; i++) {
      tier.admit(route, key(i), "f", List.of(i), false, 10, now());
    }
    assertEquals(ObjectTier.MAX_EARLY, tier.size());
    HeldBuild small = new HeldBuild();
    ObjectTier bytes =
        new ObjectTier(
            MemoConfig.of(Map.of(MemoConfig.OBJECT_TIER_MAX_BYTES, "2500")), small, null);
    for (int i = 0; i < 5; i++) {
      bytes.admit(route, key(i), "f", List.of(i), false, 1000, now());
    }
    assertEquals(2, bytes.size());
  }

  @Test
  void forgetDuringBuild_theForgottenResultsAreNeverHandedOutAgain() {
    HeldBuild build = new HeldBuild();
    ObjectTier tier = new ObjectTier(MemoConfig.empty(), build, null);
    MapStore other = new MapStore();
    Route otherRoute = new Route("other", true, other, route.serde, null, 0, true);
    tier.admit(route, key(1), "f", List.of(1), false, 10, now());
    tier.admit(route, key(2), "f", List.of(2), false, 10, now());
    tier.admit(route, key(3), "g", List.of(3), false, 10, now());
    tier.admit(route, key(4), "h", List.of(4), false, 10, now());
    tier.admit(otherRoute, key(5), "f", List.of(5), false, 10, now());

    tier.forget(store, "f", key(1));
    tier.forget(store, "g");
    tier.forget(other);
    build.run();

    assertSame(ObjectTier.ABSENT, tier.find(route, key(1), "f"));
    assertSame(ObjectTier.ABSENT, tier.find(route, key(3), "g"));
    assertSame(ObjectTier.ABSENT, tier.find(otherRoute, key(5), "f"));
    assertEquals(List.of(2), tier.find(route, key(2), "f"));
    assertEquals(List.of(4), tier.find(route, key(4), "h"));
    tier.forget(store, "h", key(4));
    assertSame(ObjectTier.ABSENT, tier.find(route, key(4), "h"));
  }

  @Test
  void forgetRacingThePublication_theForgottenResultIsNeverHandedOutAgain() throws Exception {
    for (int round = 0; round < 300; round++) {
      HeldBuild build = new HeldBuild();
      ObjectTier tier = new ObjectTier(MemoConfig.empty(), build, null);
      tier.admit(route, key(1), "f", List.of(1), false, 10, now());
      tier.admit(route, key(2), "f", List.of(2), false, 10, now());
      Thread builder = new Thread(build::run);
      builder.start();
      tier.forget(store, "f", key(1));
      tier.forget(store, "f");
      builder.join();
      assertTrue(tier.built());
      assertSame(ObjectTier.ABSENT, tier.find(route, key(1), "f"), "round " + round);
      assertSame(ObjectTier.ABSENT, tier.find(route, key(2), "f"), "round " + round);
      assertEquals(0, tier.size());
    }
  }

  @Test
  void expiredWhileNotYetBuilt_isAMiss() {
    ObjectTier tier = new ObjectTier(MemoConfig.empty(), new HeldBuild(), null);
    Route ttl = new Route("ttl", true, store, route.serde, null, 1000, true);
    tier.admit(ttl, key(1), "f", List.of(1), false, 10, now() - 5000);
    assertSame(ObjectTier.ABSENT, tier.find(ttl, key(1), "f"));
    assertEquals(0, tier.size());
  }

  @Test
  void closedDuringBuild_theCacheIsNeverPublished_andNothingIsKept() {
    HeldBuild build = new HeldBuild();
    ObjectTier tier = new ObjectTier(MemoConfig.empty(), build, null);
    tier.admit(route, key(1), "f", List.of(1), false, 10, now());
    tier.clear();
    build.run();
    assertFalse(tier.built());
    assertSame(ObjectTier.ABSENT, tier.find(route, key(1), "f"));
    assertEquals(List.of(2), tier.admit(route, key(2), "f", List.of(2), false, 10, now()));
    assertSame(ObjectTier.ABSENT, tier.find(route, key(2), "f"));
  }

  @Test
  void buildFails_tierIsOff_withAWarning_andResultsAreStillHandedOutImmutable() {
    HeldBuild build = new HeldBuild();
    ObjectTier tier =
        new ObjectTier(
            MemoConfig.empty(),
            build,
            () -> {
              throw new NoClassDefFoundError("com/github/benmanes/caffeine/cache/SSMW");
            });
    tier.admit(route, key(1), "f", List.of(1), false, 10, now());
    try (LogCapture log = new LogCapture()) {
      build.run();
      assertEquals(
          List.of(
              new LogCapture.Entry(
                  Level.WARNING,
                  "cannot build the object tier, results are not kept as objects and every hit"
                      + " reads its store: java.lang.NoClassDefFoundError:"
                      + " com/github/benmanes/caffeine/cache/SSMW; check that"
                      + " com.github.ben-manes.caffeine:caffeine is on the class path, or set"
                      + " memo.object-tier.max-entries=0")),
          log.records);
    }
    assertFalse(tier.built());
    assertSame(ObjectTier.ABSENT, tier.find(route, key(1), "f"), "dropped with the tier");
    Object handedOut = tier.admit(route, key(2), "f", new ArrayList<>(List.of(2)), false, 10, 0);
    assertThrows(UnsupportedOperationException.class, () -> ((List<?>) handedOut).clear());
    assertSame(ObjectTier.ABSENT, tier.find(route, key(2), "f"));
    assertEquals(0, tier.size());
  }

  @Test
  void noThreadToBeHad_theCacheIsBuiltOnTheCallersThread() {
    ObjectTier tier =
        new ObjectTier(
            MemoConfig.empty(),
            build -> {
              throw new OutOfMemoryError("unable to create native thread");
            },
            null);
    assertTrue(tier.built());
  }

  @Test
  void tierOff_buildsNothing() {
    Executor none =
        build -> {
          throw new AssertionError("a build was started with the tier off");
        };
    ObjectTier off =
        new ObjectTier(MemoConfig.of(Map.of(MemoConfig.OBJECT_TIER_MAX_ENTRIES, "0")), none, null);
    off.admit(route, key(1), "f", List.of(1), false, 10, now());
    assertSame(ObjectTier.ABSENT, off.find(route, key(1), "f"));
    assertFalse(off.built());
    new ObjectTier(MemoConfig.of(Map.of(MemoConfig.OBJECT_TIER_MAX_BYTES, "0")), none, null);
  }

  @Test
  void defaultBuild_isPublishedByADaemonThread_thenLaterTiersBuildAtOnce()
      throws InterruptedException {
    ObjectTier.resetBuiltOnce();
    ObjectTier tier =
        new ObjectTier(
            MemoConfig.empty(),
            null,
            () -> {
              assertTrue(Thread.currentThread().isDaemon());
              assertEquals("memo-object-tier", Thread.currentThread().getName());
              return Caffeine.newBuilder();
            });
    for (int i = 0; i < 1000 && !tier.built(); i++) {
      Thread.sleep(10);
    }
    assertTrue(tier.built());
    // Caffeine's classes are loaded now: a thread per memoizer would cost more than the build.
    Thread caller = Thread.currentThread();
    ObjectTier later =
        new ObjectTier(
            MemoConfig.empty(),
            null,
            () -> {
              assertSame(caller, Thread.currentThread());
              return Caffeine.newBuilder();
            });
    assertTrue(later.built(), "built before the constructor returned");
  }

  @Test
  void newMemoizer_secondCallIsATierHit_whetherOrNotTheCacheIsBuilt() {
    try (Memo memo = MemoTest.isolated().store(store).build()) {
      Function<Integer, List<Integer>> f =
          memo.function(FunctionOptions.named("f"), x -> List.of(x, x));
      List<Integer> first = f.apply(1);
      assertSame(first, f.apply(1));
      assertEquals(1, memo.stats().tierHitCount());
      assertEquals(1, memo.stats().missCount());
    }
  }
}
