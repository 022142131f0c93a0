package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfigurationException;
import dev.memo.Memoize;
import dev.memo.NotSigned;
import dev.memo.SignatureException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyTest {
  @NotSigned static final AtomicInteger SQUARES = new AtomicInteger();
  @NotSigned static final AtomicInteger SCALES = new AtomicInteger();
  @NotSigned static final IllegalStateException BOOM = new IllegalStateException("boom");

  @TempDir Path dir;

  @BeforeEach
  void reset() {
    SQUARES.set(0);
    SCALES.set(0);
  }

  /** The seed's shape: two computations that each ask for the squares of a large map. */
  interface Maps {
    @Memoize(name = "squared")
    double[] squared(double[] map);

    @Memoize(name = "squared-on-disk", tags = "disk")
    double[] squaredOnDisk(double[] map);

    /** Two computations sharing the temporary result, through the proxy. */
    default double rms(double[] map) {
      double sum = 0;
      for (double v : squared(map)) {
        sum += v;
      }
      return Math.sqrt(sum / map.length);
    }

    default double energy(double[] map) {
      double sum = 0;
      for (double v : squared(map)) {
        sum += v;
      }
      return sum;
    }

    default double rmsOnDisk(double[] map) {
      double sum = 0;
      for (double v : squaredOnDisk(map)) {
        sum += v;
      }
      return Math.sqrt(sum / map.length);
    }

    default double energyOnDisk(double[] map) {
      double sum = 0;
      for (double v : squaredOnDisk(map)) {
        sum += v;
      }
      return sum;
    }

    @Memoize(name = "scaled", ignoreParameters = 1)
    List<Double> scaled(double x, String label);

    @Memoize(name = "fails")
    int fails(int x);

    String plain(String s);
  }

  static final class MapsImpl implements Maps {
    double factor = 2;
    @NotSigned int plainCalls;
    transient String note = "not signed";

    @Override
    public double[] squared(double[] map) {
      SQUARES.incrementAndGet();
      double[] out = new double[map.length];
      for (int i = 0; i < map.length; i++) {
        out[i] = map[i] * map[i];
      }
      return out;
    }

    @Override
    public double[] squaredOnDisk(double[] map) {
      return squared(map);
    }

    @Override
    public List<Double> scaled(double x, String label) {
      SCALES.incrementAndGet();
      return List.of(x * factor);
    }

    @Override
    public int fails(int x) {
      throw BOOM;
    }

    @Override
    public String plain(String s) {
      plainCalls++;
      return s + plainCalls;
    }
  }

  private Memo memo() {
    return MemoTest.isolated().config("memo.store.directory.path", dir.toString()).build();
  }

  private static final double[] MAP = {1, 2, 3, 4};

  @Test
  void twoComputationsSharingAResult_computeItOnce() {
    try (Memo memo = memo()) {
      Maps maps = memo.proxy(Maps.class, new MapsImpl());
      assertEquals(Math.sqrt(30 / 4.0), maps.rms(MAP));
      assertEquals(30.0, maps.energy(MAP));
      assertEquals(1, SQUARES.get());
    }
  }

  @Test
  void sharedResultTaggedDisk_isComputedOnceAcrossRuns() {
    try (Memo first = memo()) {
      assertEquals(30.0, first.proxy(Maps.class, new MapsImpl()).energyOnDisk(MAP));
    }
    try (Memo second = memo()) {
      Maps maps = second.proxy(Maps.class, new MapsImpl());
      assertEquals(Math.sqrt(30 / 4.0), maps.rmsOnDisk(MAP));
      assertEquals(30.0, maps.energyOnDisk(MAP));
    }
    assertEquals(1, SQUARES.get());
  }

  @Test
  void sharedResultWithoutTag_isComputedAgainInTheNextRun() {
    try (Memo first = memo()) {
      Maps maps = first.proxy(Maps.class, new MapsImpl());
      maps.rms(MAP);
      maps.energy(MAP);
    }
    try (Memo second = memo()) {
      Maps maps = second.proxy(Maps.class, new MapsImpl());
      maps.rms(MAP);
      maps.energy(MAP);
    }
    assertEquals(2, SQUARES.get());
  }

  @Test
  void result_byNameFromTheContext_reusesTheProxysEntry() {
    try (Memo memo = memo()) {
      Maps maps = memo.proxy(Maps.class, new MapsImpl());
      double[] viaProxy = maps.squared(MAP);
      double[] viaName = memo.result("squared", (Object) MAP);
      assertArrayEquals(viaProxy, viaName);
      assertEquals(1, SQUARES.get());
    }
  }

  @Test
  void result_unknownName_listsTheKnownNames() {
    try (Memo memo = memo()) {
      memo.proxy(Maps.class, new MapsImpl());
      var e = assertThrows(IllegalArgumentException.class, () -> memo.result("squares", 1));
      assertEquals(
          "no memoized result is named \"squares\" (known: fails, scaled, squared,"
              + " squared-on-disk); name results with @Memoize(name = ...) on an interface passed to"
              + " proxy, or with FunctionOptions.named, before asking for them",
          e.getMessage());
    }
  }

  @Test
  void result_wrongNumberOfArguments_isAnError() {
    try (Memo memo = memo()) {
      memo.proxy(Maps.class, new MapsImpl());
      var e = assertThrows(IllegalArgumentException.class, () -> memo.result("scaled", 1.0));
      assertEquals("result \"scaled\" takes 2 arguments but was asked for with 1", e.getMessage());
    }
  }

  @Test
  void ignoredParameter_doesNotCount_andSignedFieldDoes() {
    try (Memo memo = memo()) {
      MapsImpl impl = new MapsImpl();
      Maps maps = memo.proxy(Maps.class, impl);
      assertEquals(List.of(6.0), maps.scaled(3, "a"));
      assertEquals(List.of(6.0), maps.scaled(3, "b"));
      assertEquals(1, SCALES.get());
      impl.factor = 3; // read at every call: a changed field is a new signature
      assertEquals(List.of(9.0), maps.scaled(3, "a"));
      assertEquals(2, SCALES.get());
      impl.note = "changed"; // transient: not signed
      impl.plainCalls = 42; // @NotSigned
      assertEquals(List.of(9.0), maps.scaled(3, "a"));
      assertEquals(2, SCALES.get());
    }
  }

  @Test
  void unannotatedMethod_isCalledStraightThrough() {
    try (Memo memo = memo()) {
      Maps maps = memo.proxy(Maps.class, new MapsImpl());
      assertEquals("x1", maps.plain("x"));
      assertEquals("x2", maps.plain("x"));
    }
  }

  @Test
  void exceptionOfTheImplementation_propagatesUnwrapped() {
    try (Memo memo = memo()) {
      Maps maps = memo.proxy(Maps.class, new MapsImpl());
      assertSame(BOOM, assertThrows(IllegalStateException.class, () -> maps.fails(1)));
    }
  }

  @Test
  void objectMethods_areThoseOfTheProxy() {
    try (Memo memo = memo()) {
      MapsImpl impl = new MapsImpl();
      Maps a = memo.proxy(Maps.class, impl);
      Maps b = memo.proxy(Maps.class, impl);
      assertEquals(a, a);
      assertNotEquals(a, b);
      assertEquals(System.identityHashCode(a), a.hashCode());
      assertTrue(a.toString().startsWith("memoized " + Maps.class.getName() + " over "));
    }
  }

  @Test
  void proxy_ofAClass_isAnError() {
    try (Memo memo = memo()) {
      var e =
          assertThrows(
              IllegalArgumentException.class, () -> memo.proxy(MapsImpl.class, new MapsImpl()));
      assertEquals(
          "proxy needs an interface, but dev.memo.core.ProxyTest$MapsImpl is a class;"
              + " declare the memoized methods in an interface and pass it",
          e.getMessage());
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  @Test
  void proxy_implementationOfAnotherInterface_isAnError() {
    try (Memo memo = memo()) {
      Class raw = Runnable.class;
      Object impl = new MapsImpl();
      var e = assertThrows(IllegalArgumentException.class, () -> memo.proxy(raw, impl));
      assertEquals(
          "proxy of java.lang.Runnable was given an instance of"
              + " dev.memo.core.ProxyTest$MapsImpl, which does not implement it; pass an"
              + " implementation of java.lang.Runnable",
          e.getMessage());
    }
  }

  interface Sink {
    @Memoize
    void accept(int x);
  }

  @Test
  void memoizedVoidMethod_isAnError() {
    try (Memo memo = memo()) {
      var e = assertThrows(MemoConfigurationException.class, () -> memo.proxy(Sink.class, x -> {}));
      assertEquals(
          "@Memoize method dev.memo.core.ProxyTest$Sink.accept(int) returns void, so"
              + " there is no result to memoize; return the result, or remove @Memoize",
          e.getMessage());
    }
  }

  interface Ignores {
    @Memoize(ignoreParameters = 1)
    int f(int x);
  }

  static final class IgnoresImpl implements Ignores {
    @Override
    public int f(int x) {
      return x;
    }
  }

  @Test
  void ignoredParameterOutOfRange_isAnError() {
    try (Memo memo = memo()) {
      var e =
          assertThrows(
              MemoConfigurationException.class, () -> memo.proxy(Ignores.class, new IgnoresImpl()));
      assertEquals(
          "@Memoize method dev.memo.core.ProxyTest$Ignores.f(int) ignores parameter 1"
              + " but has 1 parameter (positions count from 0); fix ignoreParameters",
          e.getMessage());
    }
  }

  interface Plain {
    @Memoize(name = "plain-f")
    int f(int x);
  }

  static final class UnsignablePlain implements Plain {
    final Object lock = new Object();

    @Override
    public int f(int x) {
      synchronized (lock) {
        return x;
      }
    }
  }

  @Test
  void fieldMemoCannotSign_isAnErrorAtProxyTimeNamingTheFieldAndTheFixes() {
    try (Memo memo = memo()) {
      var e =
          assertThrows(
              SignatureException.class, () -> memo.proxy(Plain.class, new UnsignablePlain()));
      assertEquals(
          "cannot sign field UnsignablePlain.lock of \"plain-f\": the value has type"
              + " java.lang.Object, which memo cannot sign; make it a record or implement"
              + " dev.memo.Signable, register a dev.memo.spi.TypeSigner for it, or mark the field"
              + " @dev.memo.NotSigned or transient if its value cannot change a result",
          e.getMessage());
    }
  }

  @Test
  void memoizationOff_proxyJustCalls() {
    try (Memo memo = MemoTest.isolated().config("memo.enabled", "false").build()) {
      Maps maps = memo.proxy(Maps.class, new MapsImpl());
      maps.rms(MAP);
      maps.energy(MAP);
      assertEquals(2, SQUARES.get());
    }
  }
}
