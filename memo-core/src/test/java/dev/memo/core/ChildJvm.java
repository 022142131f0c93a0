package dev.memo.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM running {@link ProcessChild} on this JVM's class path (surefire's, which holds the
 * test classes), with a small heap and the quick-start flags that keep fifty launches short. Its
 * stdout is read line by line; its stderr goes to a file, shown when it fails.
 */
final class ChildJvm implements AutoCloseable {
  final Process process;
  private final BufferedReader out;
  private final Path errors;

  private ChildJvm(Process process, Path errors) {
    this.process = process;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.errors = errors;
  }

  static ChildJvm start(Path errors, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xmx64m",
            "-Xss512k",
            "-XX:+UseSerialGC",
            "-Xshare:auto",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            ProcessChild.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
    return new ChildJvm(p, errors);
  }

  /** Reads the child's next line, failing with its stderr if it ended instead. */
  String readLine() throws IOException {
    String line = out.readLine();
    if (line == null) {
      throw new AssertionError("child JVM ended early" + exitText() + "; stderr:\n" + errors());
    }
    return line;
  }

  /** Sends a line to the child's stdin. */
  void send(String line) throws IOException {
    process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
  }

  String errors() {
    try {
      return Files.readString(errors);
    } catch (IOException e) {
      return "(cannot read " + errors + ": " + e + ")";
    }
  }

  private String exitText() {
    try {
      return " with exit code " + process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  @Override
  public void close() throws IOException {
    process.destroyForcibly();
    out.close();
  }
}
