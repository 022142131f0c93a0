package dev.memo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * memo as a new user meets it: {@code Memo.create()} with memo-core and memo-serde-java on the
 * class path, each run a separate JVM sharing one store directory.
 */
class NewUserTest {
  @TempDir Path store;

  private List<String> run(String... calls) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Dmemo.store.directory.path=" + store);
    command.add(NewUserMain.class.getName());
    command.addAll(List.of(calls));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("child JVM failed:\n" + out);
    }
    return out.lines().filter(l -> l.endsWith(" computed") || l.endsWith(" reused")).toList();
  }

  @Test
  void secondJvm_sameArgument_reuses_otherArgument_computes() throws Exception {
    assertEquals(List.of("int-1 computed", "int-1 reused"), run("int-1", "int-1"));
    assertEquals(List.of("int-1 reused", "monday computed"), run("int-1", "monday"));
  }

  @Test
  void secondJvm_equalContentInAnotherForm_reuses() throws Exception {
    run("hashmap", "list-of");
    assertEquals(
        List.of("linkedhashmap-reversed reused", "arraylist reused"),
        run("linkedhashmap-reversed", "arraylist"));
  }

  @Test
  void secondJvm_valuesThatLookAlike_signDifferently() throws Exception {
    run("int-1", "zero", "monday", "arraylist");
    assertEquals(
        List.of(
            "long-1 computed",
            "minus-zero computed",
            "tuesday computed",
            "arraylist-deep-change computed"),
        run("long-1", "minus-zero", "tuesday", "arraylist-deep-change"));
  }
}
