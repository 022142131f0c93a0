package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes with eight threads each calling one memoized function on the same arguments,
 * against one directory store, as two runs sharing a store do.
 */
final class ProcessConcurrencyTest {
  private static final int PROCESSES = 2;
  private static final int THREADS = 8;
  private static final int ARGUMENTS = Boolean.getBoolean("memotest.long") ? 2000 : 200;

  @TempDir Path tempDir;

  @Test
  void twoProcesses_eightThreadsEach_resultsRight_eachSignatureComputedAtMostOncePerProcess()
      throws Exception {
    List<Map<Integer, Integer>> counts = runChildren(false);
    for (int n = 0; n < ARGUMENTS; n++) {
      int total = 0;
      for (int p = 0; p < PROCESSES; p++) {
        int count = counts.get(p).getOrDefault(n, 0);
        int argument = n;
        int process = p;
        assertTrue(
            count <= 1,
            () -> "process " + process + " computed " + argument + " " + count + " times");
        total += count;
      }
      assertTrue(total >= 1, "argument " + n + " was computed by neither process");
    }
    assertEquals(allArguments(), CrashTest.checkEveryEntry(tempDir.resolve("store")).values());
  }

  @Test
  void twoProcesses_withClaims_computeEachSignatureOnceAcrossBoth() throws Exception {
    List<Map<Integer, Integer>> counts = runChildren(true);
    Map<Integer, Integer> total = new TreeMap<>();
    counts.forEach(c -> c.forEach((n, count) -> total.merge(n, count, Integer::sum)));
    Map<Integer, Integer> notOnce = new TreeMap<>();
    allArguments()
        .forEach(
            n -> {
              if (total.getOrDefault(n, 0) != 1) {
                notOnce.put(n, total.getOrDefault(n, 0));
              }
            });
    assertEquals(
        Map.of(),
        notOnce,
        "arguments not computed exactly once over both processes, with their counts");
    assertTrue(
        counts.stream().allMatch(c -> !c.isEmpty()),
        () -> "one process computed everything, so the claims were never contended: " + counts);
    assertEquals(allArguments(), CrashTest.checkEveryEntry(tempDir.resolve("store")).values());
  }

  private static TreeSet<Integer> allArguments() {
    TreeSet<Integer> all = new TreeSet<>();
    IntStream.range(0, ARGUMENTS).forEach(all::add);
    return all;
  }

  /**
   * Starts the processes, lets them go at once, and returns how often each computed each argument,
   * after checking that each saw only right results and exited normally.
   */
  private List<Map<Integer, Integer>> runChildren(boolean claims) throws Exception {
    System.out.println(
        "ProcessConcurrencyTest: "
            + PROCESSES
            + " processes x "
            + THREADS
            + " threads x "
            + ARGUMENTS
            + " arguments, claims "
            + (claims ? "on" : "off"));
    Path root = tempDir.resolve("store");
    List<ChildJvm> children = new ArrayList<>();
    try {
      for (int p = 0; p < PROCESSES; p++) {
        children.add(
            ChildJvm.start(
                tempDir.resolve("child-" + p + ".err"),
                "concurrent",
                root.toString(),
                Integer.toString(THREADS),
                Integer.toString(ARGUMENTS),
                Integer.toString(p),
                Boolean.toString(claims)));
      }
      for (ChildJvm child : children) {
        assertEquals("ready", child.readLine());
      }
      for (ChildJvm child : children) {
        child.send("go");
      }
      List<Map<Integer, Integer>> counts = new ArrayList<>();
      for (ChildJvm child : children) {
        Map<Integer, Integer> computed = new TreeMap<>();
        for (String line = child.readLine(); !line.equals("done"); line = child.readLine()) {
          String[] words = line.split(" ");
          switch (words[0]) {
            case "computed" -> computed.put(Integer.parseInt(words[1]), Integer.parseInt(words[2]));
            case "mismatches" -> assertEquals("0", words[1], "results that were not right");
            default -> throw new AssertionError("unexpected line from the child: " + line);
          }
        }
        assertTrue(child.process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.process.exitValue(), child::errors);
        counts.add(computed);
      }
      return counts;
    } finally {
      for (ChildJvm child : children) {
        child.close();
      }
    }
  }
}
