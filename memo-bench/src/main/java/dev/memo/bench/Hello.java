package dev.memo.bench;

/**
 * The baseline of a new process: a JVM that prints one line and exits, touching nothing of memo.
 */
public final class Hello {
  private Hello() {}

  /**
   * Prints {@code hello}.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println("hello");
  }
}
