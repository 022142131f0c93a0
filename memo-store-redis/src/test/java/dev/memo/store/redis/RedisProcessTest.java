package dev.memo.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Processes sharing one Redis, as the machines of a cluster do: each runs a real memoizer on the
 * redis store with claims on and an integrity key, eight threads calling one function on the same
 * arguments. With {@code -Dmemotest.long=true} the arguments are ten times as many.
 */
final class RedisProcessTest {
  private static final int THREADS = 8;
  private static final int ARGUMENTS = Boolean.getBoolean("memotest.long") ? 2000 : 200;
  private static final long OUTAGE_MILLIS = 5_000;

  @TempDir Path tempDir;
  private final List<Child> children = new ArrayList<>();
  private RedisServer server;

  @AfterEach
  void stop() {
    children.forEach(Child::close);
    if (server != null) {
      server.close();
    }
  }

  @Test
  void fourProcesses_withClaims_computeEachArgumentOnceInTotal_everyValueRight() throws Exception {
    server = RedisServer.start();
    List<Child> running = startConcurrent(4);
    go(running);
    Map<Integer, Integer> total = finish(running, 60);
    assertEquals(Map.of(), notOnce(total), "arguments not computed exactly once in total");
    assertTrue(
        running.stream().filter(c -> !c.computed.isEmpty()).count() > 1,
        "one process computed everything, so the claims were never contended");
  }

  @Test
  void processKilledHoldingClaims_itsArgumentsAreComputedByAnotherAfterTheClaimsExpire()
      throws Exception {
    server = RedisServer.start();
    Child holder = start("hold", Integer.toString(THREADS));
    for (int i = 0; i < THREADS; i++) {
      String line = holder.readLine();
      assertTrue(line.startsWith("computing "), line);
    }
    long killed = System.nanoTime();
    holder.process.destroyForcibly(); // SIGKILL: no claim is released
    assertTrue(holder.process.waitFor(10, TimeUnit.SECONDS));
    List<Child> running = startConcurrent(3);
    go(running);
    Map<Integer, Integer> total = finish(running, 60);
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killed);
    assertEquals(Map.of(), notOnce(total), "arguments not computed exactly once in total");
    assertTrue(seconds < 30, "the claims of the killed process held the others " + seconds + " s");
  }

  @Test
  void redisKilledAndRestartedMidRun_noWrongValue_noCallLongerThanTheTimeouts() throws Exception {
    server = RedisServer.start();
    List<Child> running = startConcurrent(4);
    go(running);
    Thread.sleep(500);
    long killedAt = System.currentTimeMillis();
    server.kill();
    Thread.sleep(OUTAGE_MILLIS);
    server.restart();
    long outage = System.currentTimeMillis() - killedAt;
    System.out.println(
        "RedisProcessTest: Redis killed at "
            + killedAt
            + ", answering again "
            + outage
            + " ms later");
    Map<Integer, Integer> total = finish(running, 90);
    for (int n = 0; n < ARGUMENTS; n++) {
      assertTrue(total.getOrDefault(n, 0) >= 1, "argument " + n + " was never computed");
    }
    for (Child c : running) {
      System.out.println(
          "RedisProcessTest: slowest call " + c.slowest + " ms, from " + c.slowestAt);
    }
    for (Child c : running) {
      // A call waits at most the 1 s timeout, or a claim held elsewhere until it is released or
      // expires (2 s), then computes: it never waits for Redis to come back. (Not a tighter
      // bound: on a loaded machine a call of 32 threads on 2 cores can stall for seconds.)
      assertTrue(
          c.slowest < outage,
          "a call took "
              + c.slowest
              + " ms, as long as Redis was"
              + " away ("
              + outage
              + " ms): it waited for Redis instead of computing");
    }
  }

  // ---------------------------------------------------------------- children

  private List<Child> startConcurrent(int processes) throws IOException {
    List<Child> started = new ArrayList<>();
    long seed = new Random().nextLong();
    System.out.println(
        "RedisProcessTest: "
            + processes
            + " processes x "
            + THREADS
            + " threads x "
            + ARGUMENTS
            + " arguments, seed "
            + seed);
    for (int p = 0; p < processes; p++) {
      started.add(
          start(
              "concurrent",
              Integer.toString(THREADS),
              Integer.toString(ARGUMENTS),
              Long.toString(seed + p)));
    }
    for (Child c : started) {
      assertEquals("ready", c.readLine());
    }
    return started;
  }

  private static void go(List<Child> running) throws IOException {
    for (Child c : running) {
      c.process.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
      c.process.getOutputStream().flush();
    }
  }

  /** Reads each child's report, checks it saw only right values, and sums what they computed. */
  private static Map<Integer, Integer> finish(List<Child> running, int seconds) throws Exception {
    Map<Integer, Integer> total = new TreeMap<>();
    for (Child c : running) {
      for (String line = c.readLine(); !line.equals("done"); line = c.readLine()) {
        String[] words = line.split(" ");
        switch (words[0]) {
          case "computed" -> c.computed.put(Integer.parseInt(words[1]), Integer.parseInt(words[2]));
          case "mismatches" -> assertEquals("0", words[1], "values that were not right");
          case "slowest" -> {
            c.slowest = Long.parseLong(words[1]);
            c.slowestAt = Long.parseLong(words[2]);
          }
          default -> throw new AssertionError("unexpected line from the child: " + line);
        }
      }
      assertTrue(c.process.waitFor(seconds, TimeUnit.SECONDS));
      assertEquals(0, c.process.exitValue(), c::errors);
      c.computed.forEach((n, count) -> total.merge(n, count, Integer::sum));
    }
    return total;
  }

  private static Map<Integer, Integer> notOnce(Map<Integer, Integer> total) {
    Map<Integer, Integer> notOnce = new TreeMap<>();
    for (int n = 0; n < ARGUMENTS; n++) {
      if (total.getOrDefault(n, 0) != 1) {
        notOnce.put(n, total.getOrDefault(n, 0));
      }
    }
    return notOnce;
  }

  private Child start(String mode, String... args) throws IOException {
    Path keyFile = tempDir.resolve("memo.key");
    if (!Files.exists(keyFile)) {
      byte[] key = new byte[32];
      new Random(1).nextBytes(key);
      Files.writeString(keyFile, Base64.getEncoder().encodeToString(key));
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                RedisChild.class.getName(),
                mode,
                server.uri(),
                "process-test:",
                keyFile.toString()));
    command.addAll(List.of(args));
    Path errors = tempDir.resolve("child-" + children.size() + ".err");
    Child c = new Child(new ProcessBuilder(command).redirectError(errors.toFile()).start(), errors);
    children.add(c);
    return c;
  }

  private static final class Child implements AutoCloseable {
    final Process process;
    final BufferedReader out;
    final Path errors;
    final Map<Integer, Integer> computed = new TreeMap<>();
    long slowest;
    long slowestAt;

    Child(Process process, Path errors) {
      this.process = process;
      this.out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.errors = errors;
    }

    String readLine() throws IOException {
      String line = out.readLine();
      if (line == null) {
        throw new AssertionError("child JVM ended early; stderr:\n" + errors());
      }
      return line;
    }

    String errors() {
      try {
        return Files.readString(errors);
      } catch (IOException e) {
        return "(cannot read " + errors + ")";
      }
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }
}
