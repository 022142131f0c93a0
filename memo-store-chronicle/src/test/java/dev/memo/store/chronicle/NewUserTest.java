package dev.memo.store.chronicle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * memo as a new user meets this module: memo-core, memo-serde-java and memo-store-chronicle on the
 * class path (and no test kit), {@code Memo.create()} in the program, and {@code
 * -Dmemo.store=chronicle} as the only memo setting; each run a separate JVM.
 */
final class NewUserTest {
  @TempDir Path dir;

  private List<String> run(String... calls) throws Exception {
    return run(List.of(), calls);
  }

  private List<String> run(List<String> jvmOptions, String... calls) throws Exception {
    // The test class path less the test frameworks: what a user's application has.
    String classPath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(
                e ->
                    !e.contains("junit")
                        && !e.contains("opentest4j")
                        && !e.contains("apiguardian")
                        && !e.contains("memo-testkit"))
            .collect(Collectors.joining(File.pathSeparator));
    List<String> options = new ArrayList<>(ChildJvm.chronicleFlags());
    options.add("-Dmemo.store=chronicle");
    options.addAll(jvmOptions);
    Path log = dir.resolve("run.log");
    String out =
        ChildJvm.finish(
            ChildJvm.start(log, dir, classPath, options, NewUserMain.class, calls), log);
    return out.lines()
        .filter(l -> l.startsWith("Memo{") || l.endsWith(" computed") || l.endsWith(" reused"))
        .collect(Collectors.toList());
  }

  @Test
  void memoStoreChronicle_alone_switchesAProgramToTheChronicleStoreAcrossRuns() throws Exception {
    assertEquals(
        List.of(
            "Memo{store=chronicle, serde=java, signer=sha256}",
            "3 computed",
            "3 reused",
            "20000 computed"),
        run("3", "3", "20000"));
    assertEquals(
        List.of(
            "Memo{store=chronicle, serde=java, signer=sha256}",
            "3 reused",
            "20000 reused",
            "4 computed"),
        run("3", "20000", "4"));
    assertTrue(
        Files.exists(dir.resolve(".memo-chronicle").resolve("map-1.cm3")),
        "the default folder in the working directory");
    assertTrue(Files.notExists(dir.resolve(".memo")), "the directory store was not used");
  }

  /**
   * In a new process (outside JUnit, whose presence chronicle-core detects and then skips this)
   * chronicle-core's {@code Jvm} binds POSIX calls with jnr-ffi as it initializes, a large part of
   * a first hit; memo's dependencies leave it out, and Chronicle falls back to its no-op POSIX
   * implementation. (JNA, for thread affinity, stays: without it the affinity library warns.)
   */
  @Test
  void newProcess_opensAndReusesWithoutPosixBindingLibrary() throws Exception {
    Path classes = dir.resolve("classes.log");
    List<String> log = List.of("-Xlog:class+load=info:file=" + classes);
    assertEquals(
        List.of("Memo{store=chronicle, serde=java, signer=sha256}", "3 computed"), run(log, "3"));
    assertEquals(
        List.of("Memo{store=chronicle, serde=java, signer=sha256}", "3 reused"), run(log, "3"));
    List<String> loaded = Files.readAllLines(classes);
    assertTrue(
        loaded.stream().anyMatch(l -> l.contains(" net.openhft.chronicle.core.Jvm source:")),
        "Chronicle initialized in the child");
    assertTrue(
        loaded.stream().anyMatch(l -> l.contains(" net.openhft.posix.internal.noop.NoOpPosixAPI ")),
        "chronicle-posix fell back to its no-op implementation");
    assertEquals(
        List.of(),
        loaded.stream()
            .filter(l -> l.contains(" jnr.") || l.contains(" com.kenai.jffi."))
            .limit(5)
            .collect(Collectors.toList()),
        "classes of jnr-ffi or jffi");
  }
}
