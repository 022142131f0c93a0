package dev.memo.core.code;

import static dev.memo.core.fakes.TestCompiler.compile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real new processes ({@link CodeCacheChild}) against one directory store: the first walks the code
 * and keeps it under the store's {@code .code} folder; the second, whose code did not change, hits
 * without loading a single ASM class, as {@code -Xlog:class+load} shows.
 */
class CodeCacheProcessTest {
  @TempDir Path tmp;

  private static final String CALC =
      """
      package app;

      import dev.memo.MemoFunction;

      public class Calc {
        public static MemoFunction<Integer, Integer> function() {
          return Calc::compute;
        }

        static Integer compute(Integer x) {
          return x * 2 + Util.offset();
        }
      }
      """;

  private static final String UTIL =
      """
      package app;

      final class Util {
        static int offset() {
          return 100;
        }
      }
      """;

  /** memo's ASM, as a class-load log names it (the JDK's own copy is jdk.internal.org...). */
  private static final String ASM = "] org.objectweb.asm.";

  /** One run: what it printed, and the classes it loaded. */
  private record Run(List<String> out, String classLog, String err) {}

  private Run run(Path store, Path classes, String name) throws IOException, InterruptedException {
    Path log = tmp.resolve(name + ".classes");
    Path err = tmp.resolve(name + ".err");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "-Xlog:class+load=info:file=" + log,
                "-cp",
                System.getProperty("java.class.path"),
                CodeCacheChild.class.getName(),
                store.toString(),
                classes.toString())
            .redirectError(err.toFile())
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out + Files.readString(err));
    return new Run(out.lines().toList(), Files.readString(log), Files.readString(err));
  }

  @Test
  void newProcess_withUnchangedCode_hitsWithoutLoadingAsm() throws Exception {
    Path classes = compile(tmp.resolve("classes"), List.of(), List.of(), CALC, UTIL);
    Path store = tmp.resolve("store");

    Run first = run(store, classes, "first");
    assertEquals(List.of("106", "miss"), first.out(), first.err());
    assertTrue(first.classLog().contains(ASM), "the first run walks with ASM");
    assertTrue(Files.isDirectory(store.resolve(".code")));

    Run second = run(store, classes, "second");
    assertEquals(List.of("106", "hit"), second.out(), second.err());
    assertFalse(
        second.classLog().contains(ASM),
        "ASM loaded on a hit of the kept walk:\n"
            + second.classLog().lines().filter(l -> l.contains(ASM)).toList());
    assertEquals("", second.err());
  }

  @Test
  void newProcess_afterReachedMethodChanged_recomputes() throws Exception {
    Path classes = compile(tmp.resolve("classes"), List.of(), List.of(), CALC, UTIL);
    Path store = tmp.resolve("store");
    assertEquals(List.of("106", "miss"), run(store, classes, "first").out());

    compile(tmp.resolve("classes"), List.of(), List.of(), UTIL.replace("100", "200"));
    Run second = run(store, classes, "second");
    assertEquals(List.of("206", "miss"), second.out(), second.err());
    assertTrue(second.classLog().contains(ASM), "the changed code is walked");
  }
}
