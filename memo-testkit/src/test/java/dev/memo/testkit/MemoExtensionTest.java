package dev.memo.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.memo.MemoConfigurationException;
import dev.memo.Memoizer;
import dev.memo.core.Memo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.AssertionFailedError;

/**
 * {@link MemoExtension}, {@link MemoTest} and {@link MemoAssertions}: each case is a test class run
 * by the JUnit engine inside the test, so that a failing assertion is seen to fail.
 */
final class MemoExtensionTest {
  static final AtomicInteger CALLS = new AtomicInteger();
  static final List<Path> FOLDERS = new ArrayList<>();

  static String greet(String name) {
    CALLS.incrementAndGet();
    return "hello " + name;
  }

  /** Runs a case class and returns the events of its tests. */
  private static Events run(Class<?> caseClass) {
    CALLS.set(0);
    return EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(caseClass))
        .execute()
        .testEvents();
  }

  private static Throwable onlyFailure(Events events) {
    List<Event> failed = events.failed().list();
    assertEquals(1, failed.size(), () -> failed.toString());
    return failed
        .get(0)
        .getPayload(org.junit.platform.engine.TestExecutionResult.class)
        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
        .orElseThrow();
  }

  private static Set<Path> memoFolders() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("memo-test-"))
          .collect(Collectors.toSet());
    }
  }

  // ---------------------------------------------------------------- cases

  @ExtendWith(MemoExtension.class)
  static final class TwoTests {
    @Test
    void first(Memo memo) throws IOException {
      FOLDERS.addAll(memoFolders());
      Function<String, String> f = memo.function("greet", MemoExtensionTest::greet);
      assertEquals("hello a", f.apply("a"));
      assertEquals("hello a", f.apply("a"));
      MemoAssertions.assertComputed(memo, 1);
      MemoAssertions.assertReused(memo, 1);
    }

    @Test
    void second(Memoizer memoizer, Memo memo) {
      assertSame(memo, memoizer);
      Function<String, String> f = memo.function("greet", MemoExtensionTest::greet);
      f.apply("a");
      MemoAssertions.assertComputed(memo, 1);
      MemoAssertions.assertReused(memo, 0);
    }
  }

  static final class WrongComputed {
    @Test
    @MemoTest
    void test(Memo memo) {
      Function<String, String> f = memo.function("greet", MemoExtensionTest::greet);
      f.apply("a");
      f.apply("a");
      MemoAssertions.assertComputed(memo, 2);
    }
  }

  static final class WrongReused {
    @Test
    @MemoTest
    void test(Memo memo) {
      memo.function("greet", MemoExtensionTest::greet).apply("a");
      MemoAssertions.assertReused(memo, 1);
    }
  }

  @MemoTest(lifecycle = MemoTest.Lifecycle.PER_CLASS)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static final class SharedStore {
    @BeforeEach
    void warm(Memo memo) {
      memo.function("greet", MemoExtensionTest::greet).apply("warm");
    }

    @Test
    @Order(1)
    void first(Memo memo) {
      memo.function("greet", MemoExtensionTest::greet).apply("a");
      MemoAssertions.assertComputed(memo, 1);
      MemoAssertions.assertReused(memo, 0);
    }

    @Test
    @Order(2)
    void second(Memo memo) {
      memo.function("greet", MemoExtensionTest::greet).apply("a");
      MemoAssertions.assertComputed(memo, 0);
      MemoAssertions.assertReused(memo, 1);
    }
  }

  static final class Off {
    @Test
    @MemoTest(enabled = false)
    void runsEveryCall(Memo memo) {
      Function<String, String> f = memo.function("greet", MemoExtensionTest::greet);
      assertEquals("hello a", f.apply("a"));
      assertEquals("hello a", f.apply("a"));
      assertEquals(2, CALLS.get());
      assertFalse(memo.enabled());
    }

    @Test
    @MemoTest(enabled = false)
    void countsNothing(Memo memo) {
      memo.function("greet", MemoExtensionTest::greet).apply("a");
      MemoAssertions.assertComputed(memo, 1);
    }
  }

  static final class Configured {
    @Test
    @MemoTest(config = {"memo.serde = testkit-utf8", "memo.signer=sha256"})
    void test(Memo memo) {
      assertEquals(Optional.of("testkit-utf8"), memo.serdeName());
      assertEquals(Optional.of("sha256"), memo.signerName());
      assertEquals(Optional.of("directory"), memo.storeName());
    }
  }

  static final class Malformed {
    @Test
    @MemoTest(config = "memo.serde")
    void test(Memo memo) {}
  }

  static final class NotAMemoKey {
    @Test
    @MemoTest(config = "serde=java")
    void test(Memo memo) {}
  }

  static final class SetsTheStore {
    @Test
    @MemoTest(config = "memo.store=memory")
    void test(Memo memo) {}
  }

  // ---------------------------------------------------------------- tests

  @Test
  void eachTest_getsAMemoOnAnEmptyStore_andCountsItsOwnCalls() throws IOException {
    Set<Path> before = memoFolders();
    FOLDERS.clear();
    Events events = run(TwoTests.class);
    events.assertStatistics(s -> s.started(2).succeeded(2).failed(0));
    assertEquals(2, CALLS.get());
    FOLDERS.removeAll(before);
    assertFalse(FOLDERS.isEmpty(), "the test saw its store's folder");
    for (Path folder : FOLDERS) {
      assertFalse(Files.exists(folder), folder + " deleted after the test");
    }
  }

  @Test
  void assertComputed_wrongCount_failsSayingWhatWasComputedAndReused() {
    Throwable t = onlyFailure(run(WrongComputed.class));
    assertTrue(t instanceof AssertionFailedError, t.toString());
    assertEquals("expected 2 calls computed, but the test computed 1 and reused 1", t.getMessage());
  }

  @Test
  void assertReused_wrongCount_failsSayingWhatWasComputedAndReused() {
    Throwable t = onlyFailure(run(WrongReused.class));
    assertEquals("expected 1 call reused, but the test computed 1 and reused 0", t.getMessage());
  }

  @Test
  void perClass_testsShareTheStore_andCountFromTheirOwnStart() {
    run(SharedStore.class).assertStatistics(s -> s.started(2).succeeded(2));
    assertEquals(2, CALLS.get(), "warm and a, each once");
  }

  @Test
  void disabled_runsEveryCall_andRefusesToCount() {
    Events events = run(Off.class);
    events.assertStatistics(s -> s.started(2).succeeded(1).failed(1));
    assertEquals(
        "memoization is off for this memo (memo.enabled=false, as @MemoTest(enabled ="
            + " false) sets it): it runs every call and counts none; assert on what the function"
            + " itself counted instead",
        onlyFailure(events).getMessage());
  }

  @Test
  void config_isApplied() {
    run(Configured.class).assertStatistics(s -> s.started(1).succeeded(1));
  }

  private static String configError(Class<?> caseClass) {
    Throwable t = onlyFailure(run(caseClass));
    assertTrue(t instanceof ParameterResolutionException, t.toString());
    assertTrue(t.getCause() instanceof MemoConfigurationException, t.toString());
    return t.getCause().getMessage();
  }

  @Test
  void config_entryWithoutEquals_failsNamingIt() {
    assertEquals(
        "@MemoTest config entry \"memo.serde\" on "
            + Malformed.class.getName()
            + ".test() is not key=value; write it as, for example, \"memo.serde=java\"",
        configError(Malformed.class));
  }

  @Test
  void config_keyOutsideMemo_failsNamingIt() {
    assertEquals(
        "@MemoTest config entry \"serde=java\" on "
            + NotAMemoKey.class.getName()
            + ".test() has the key \"serde\", which does not start with \"memo.\"; memo's keys do,"
            + " such as \"memo.serde\"",
        configError(NotAMemoKey.class));
  }

  @Test
  void config_settingTheStore_failsSayingWhy() {
    assertEquals(
        "@MemoTest config entry \"memo.store=memory\" on "
            + SetsTheStore.class.getName()
            + ".test() sets the store, which is always a directory store in a temporary folder of the"
            + " test's own; remove the entry",
        configError(SetsTheStore.class));
  }
}
