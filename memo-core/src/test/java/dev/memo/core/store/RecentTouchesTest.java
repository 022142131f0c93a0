package dev.memo.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The record of recent touches: recent for one interval, and bounded. */
class RecentTouchesTest {
  private static final long SECOND = 1_000_000_000L;

  private static Path entry(int i) {
    return Path.of("ns", "ab", "e" + i + ".entry");
  }

  @Test
  void recorded_isRecentForTheInterval_thenAbsent() {
    RecentTouches t = new RecentTouches(60 * SECOND, 100);
    long now = 5_000 * SECOND;
    assertFalse(t.recent(entry(1), now));
    t.record(entry(1), now);
    assertTrue(t.recent(entry(1), now));
    assertTrue(t.recent(entry(1), now + 60 * SECOND - 1));
    assertFalse(t.recent(entry(1), now + 60 * SECOND));
    assertFalse(t.recent(entry(2), now));
    t.record(entry(1), now + 60 * SECOND);
    assertTrue(t.recent(entry(1), now + 61 * SECOND), "a new record starts a new interval");
  }

  @Test
  void recent_acrossTheSignOfNanoTime() {
    RecentTouches t = new RecentTouches(60 * SECOND, 100);
    long now = Long.MAX_VALUE - SECOND;
    t.record(entry(1), now);
    assertTrue(t.recent(entry(1), now + 2 * SECOND), "nanoTime may overflow between two calls");
    assertFalse(t.recent(entry(1), now + 61 * SECOND));
  }

  @Test
  void full_dropsTheOldRecordsFirst() {
    RecentTouches t = new RecentTouches(60 * SECOND, 10);
    long now = 0;
    for (int i = 0; i < 7; i++) {
      t.record(entry(i), now);
    }
    for (int i = 7; i < 10; i++) {
      t.record(entry(i), now + 50 * SECOND);
    }
    t.record(entry(10), now + 70 * SECOND);
    assertEquals(4, t.size());
    assertFalse(t.recent(entry(0), now + 70 * SECOND));
    assertTrue(t.recent(entry(9), now + 70 * SECOND));
    assertTrue(t.recent(entry(10), now + 70 * SECOND));
  }

  @Test
  void full_ofRecentRecords_dropsAQuarter_andStaysBounded() {
    RecentTouches t = new RecentTouches(60 * SECOND, 100);
    for (int i = 0; i < 1000; i++) {
      t.record(entry(i), i);
      assertTrue(t.size() <= 100, "size " + t.size() + " after " + i);
      assertTrue(t.recent(entry(i), i));
    }
    assertTrue(t.size() >= 75, "three quarters kept, not all dropped: " + t.size());
    int forgotten = 0;
    for (int i = 0; i < 1000; i++) {
      forgotten += t.recent(entry(i), 1000) ? 0 : 1;
    }
    assertTrue(forgotten >= 900, "forgotten early: the next hit touches again");
  }

  @Test
  void moreEntriesThanTheBound_inRotation_touchOnlyAFractionOfTheHits() {
    int bound = 1000;
    RecentTouches t = new RecentTouches(3600 * SECOND, bound);
    int hits = 20 * (bound + 1);
    int touches = 0;
    for (int i = 0; i < hits; i++) {
      Path e = entry(i % (bound + 1));
      if (!t.recent(e, i)) {
        touches++;
        t.record(e, i);
      }
    }
    // Dropping every record when full made each of these hits touch again (20 020 of 20 020).
    assertTrue(touches < hits / 2, touches + " touches for " + hits + " hits");
  }
}
