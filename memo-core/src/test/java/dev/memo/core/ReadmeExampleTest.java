package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memo.MemoScope;
import dev.memo.Memoize;
import dev.memo.NotSigned;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The annotated-interface example of README.md, which copies this code. */
class ReadmeExampleTest {
  @NotSigned static final AtomicInteger SQUARES = new AtomicInteger();

  // README begin
  interface Maps {
    @Memoize(name = "squared", tags = "disk") // "disk": kept in the store, reused by the next run
    double[] squared(double[] map);

    default double rms(double[] map) { // two computations need the squares...
      double sum = 0;
      for (double v : squared(map)) {
        sum += v;
      }
      return Math.sqrt(sum / map.length);
    }

    default double energy(double[] map) { // ...which memo computes once
      double sum = 0;
      for (double v : squared(map)) {
        sum += v;
      }
      return sum;
    }
  }

  static final class MapsImpl implements Maps {
    @Override
    public double[] squared(double[] map) {
      SQUARES.incrementAndGet();
      double[] out = new double[map.length];
      for (int i = 0; i < map.length; i++) {
        out[i] = map[i] * map[i];
      }
      return out;
    }
  }

  // README end

  @TempDir Path dir;

  @Test
  void readmeExample_computesTheSharedResultOnce() {
    SQUARES.set(0);
    double[] map = {1, 2, 3, 4};
    try (Memo memo =
        MemoTest.isolated().config("memo.store.directory.path", dir.toString()).build()) {
      // README use begin
      Maps maps = memo.proxy(Maps.class, new MapsImpl());
      double rms = maps.rms(map); // computes squared(map)
      double energy = maps.energy(map); // reuses it
      double[] squares = memo.result("squared", map); // by name, wherever memo is at hand
      try (MemoScope off = memo.suspend()) {
        maps.squared(map); // just runs, in this thread
      }
      try (MemoScope trial = memo.storingIn(dir.resolve("trial"))) {
        maps.rms(map); // computed and kept under trial/
      }
      // README use end
      assertEquals(Math.sqrt(7.5), rms);
      assertEquals(30.0, energy);
      assertArrayEquals(new double[] {1, 4, 9, 16}, squares);
      assertEquals(3, SQUARES.get());
    }
  }
}
