package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The preload thread's list of classes, and that a JVM starts it once. */
class PreloadTest {
  @Test
  void everyNameIsAClassOfMemo() {
    List<String> missing = new ArrayList<>();
    for (String name : Preload.CLASSES) {
      try {
        Class.forName(name, false, Preload.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        missing.add(name);
      }
    }
    assertEquals(List.of(), missing, "renamed or removed: update Preload.CLASSES");
  }

  @Test
  void onlyTheFirstMemoizerOfAJvmStartsIt() {
    try (Memo memo = Memo.builder().store("memory").build()) {
      assertFalse(Preload.startOnce(), "a second start after a memoizer was built");
    }
  }

  @Test
  void runsToItsEndOnTheCallersThread() {
    new Preload().run(); // what the thread does, run here: nothing it meets may escape
  }
}
