package dev.memo.store.chronicle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts a test class's main method in another JVM on this test's class path. */
final class ChildJvm {
  private ChildJvm() {}

  /** Returns the flags Chronicle needs, as the build passes them to the tests. */
  static List<String> chronicleFlags() {
    String flags = System.getProperty("chronicle.jvm.flags", "");
    return flags.isBlank() ? List.of() : Arrays.asList(flags.trim().split("\\s+"));
  }

  /**
   * Starts a main class with Chronicle's flags, its output going to a log file.
   *
   * @param log where stdout and stderr go
   * @param jvmOptions further options, such as system properties
   * @param main the class whose main method runs
   * @param args its arguments
   */
  static Process start(Path log, List<String> jvmOptions, Class<?> main, String... args)
      throws IOException {
    return start(log, null, System.getProperty("java.class.path"), jvmOptions, main, args);
  }

  /**
   * Starts a main class in a working directory on a class path, its output going to a log file.
   *
   * @param workingDirectory the child's working directory, or null for this one's
   */
  static Process start(
      Path log,
      Path workingDirectory,
      String classPath,
      List<String> jvmOptions,
      Class<?> main,
      String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Xmx256m");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath);
    command.add(main.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    if (workingDirectory != null) {
      builder.directory(workingDirectory.toFile());
    }
    return builder.start();
  }

  /** Waits for a child to end and returns its output, failing the test if it did not succeed. */
  static String finish(Process p, Path log) throws IOException, InterruptedException {
    try {
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        throw new AssertionError("child JVM did not finish in 2 minutes:\n" + read(log));
      }
    } finally {
      p.destroyForcibly();
    }
    String out = read(log);
    if (p.exitValue() != 0) {
      throw new AssertionError("child JVM exited with " + p.exitValue() + ":\n" + out);
    }
    return out;
  }

  static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }
}
