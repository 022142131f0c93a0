package dev.memo.core;

import static dev.memo.core.fakes.TestCompiler.compile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An environment variable read by a constant name is part of the environment: a change recomputes,
 * a change of another variable reuses. Each run is a child JVM, since a JVM cannot change its own
 * environment.
 */
class EnvironmentVariableTest {
  @TempDir Path tmp;

  private static final String WORK =
      """
      package t;

      import dev.memo.MemoFunction;

      public class Work {
        public static MemoFunction<Integer, Object> function() {
          return Work::compute;
        }

        static Object compute(Integer n) {
          return System.getenv("CASE_SCALE") + n;
        }
      }
      """;

  private String run(Path classes, Map<String, String> env) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                EnvironmentVariableChild.class.getName(),
                tmp.resolve("store").toString(),
                classes.toString())
            .redirectError(tmp.resolve("stderr").toFile());
    pb.environment().remove("CASE_SCALE");
    pb.environment().remove("CASE_OTHER");
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "child JVM did not end");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.exitValue(), out + Files.readString(tmp.resolve("stderr")));
    return out;
  }

  @Test
  void apply_afterEnvironmentVariableChanged_recomputes_andAfterAnotherChanged_reuses()
      throws Exception {
    Path classes = compile(tmp.resolve("classes"), List.of(), List.of(), WORK);
    assertEquals("miss 23 []", run(classes, Map.of("CASE_SCALE", "2")));
    assertEquals(
        "miss 53 [environment variable CASE_SCALE]", run(classes, Map.of("CASE_SCALE", "5")));
    assertEquals("hit 53 []", run(classes, Map.of("CASE_SCALE", "5", "CASE_OTHER", "x")));
  }
}
