package dev.memo.core;

import static dev.memo.core.fakes.TestCompiler.compile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class file rebuilt while the JVM runs: the JVM still runs the class it loaded, so memo must not
 * store that code's result under the signature of the code now on disk.
 */
class RebuiltClassTest {
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
          return Helper.value() + n;
        }
      }
      """;

  private static final String HELPER =
      """
      package t;

      final class Helper {
        static String value() {
          return "%s";
        }
      }
      """;

  @Test
  void function_reachingAClassRebuiltAfterItWasLoaded_computesStoresNothingAndNamesTheClass()
      throws Exception {
    Path classes = compile(tmp.resolve("run"), List.of(), List.of(), WORK, HELPER.formatted("old"));
    Path rebuilt =
        compile(tmp.resolve("rebuilt"), List.of(), List.of(), WORK, HELPER.formatted("new"));
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path") + File.pathSeparator + classes,
                RebuiltClassChild.class.getName(),
                classes.toString(),
                rebuilt.resolve("t/Helper.class").toString())
            .redirectError(tmp.resolve("stderr").toFile())
            .start();
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "child JVM did not end");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out + java.nio.file.Files.readString(tmp.resolve("stderr")));
    List<String> lines = out.lines().toList();
    // The JVM runs the class it loaded: that is the result, computed both times, never stored.
    assertEquals("direct old3", lines.get(0), out);
    assertEquals("memoized old3", lines.get(1), out);
    assertEquals("memoized old3", lines.get(2), out);
    assertEquals("stored 0", lines.get(3), out);
    assertEquals(5, lines.size(), out);
    assertEquals(
        "warning the class file of t.Helper, which t.Work.compute reaches, changed after"
            + " this JVM may have loaded it, so the code that runs may not be the code on disk; its"
            + " results are computed and not stored until the JVM is restarted",
        lines.get(4));
  }
}
