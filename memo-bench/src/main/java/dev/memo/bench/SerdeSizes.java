package dev.memo.bench;

import java.io.IOException;

/**
 * Prints the bytes each serde writes for {@link SerdeBench}'s payloads, for runs of SerdeBench made
 * with JMH's own command line rather than {@link Run} (which reports them itself).
 *
 * <p>Usage: {@code java -cp memo-bench/target/benchmarks.jar dev.memo.bench.SerdeSizes SIZE KIND...
 * -- SERDE...}
 */
public final class SerdeSizes {
  private SerdeSizes() {}

  /**
   * Prints one line per kind and serde: kind, serde, bytes written, bytes of the baseline.
   *
   * @param args the payload size, the kinds, {@code --}, the serdes
   * @throws IOException if a serde fails
   */
  public static void main(String[] args) throws IOException {
    int size = Integer.parseInt(args[0]);
    int split = java.util.Arrays.asList(args).indexOf("--");
    for (int k = 1; k < split; k++) {
      for (int s = split + 1; s < args.length; s++) {
        long[] sizes = SerdeBench.sizes(args[s], args[k], size);
        System.out.println(args[k] + " " + args[s] + " " + sizes[0] + " " + sizes[1]);
      }
    }
  }
}
