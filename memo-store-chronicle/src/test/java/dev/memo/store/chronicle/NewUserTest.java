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
}
