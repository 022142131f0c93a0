package dev.memo.serde.zstd;

import dev.memo.NotSigned;
import dev.memo.core.Memo;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run by {@link NoNativeLibraryTest} in a JVM where zstd-jni's native library cannot load: calls a
 * function whose compressed entry another process stored, through a directory store and the zstd
 * serde. Prints {@code length <n> computed <c> load-failures <f>}.
 */
public final class NoNativeMain {
  @NotSigned static final AtomicInteger COMPUTED = new AtomicInteger();

  /** A result well over the serde's minimum size, and compressible: its entry is compressed. */
  static double[] zeros(Integer n) {
    COMPUTED.incrementAndGet();
    return new double[n];
  }

  public static void main(String[] args) {
    try (Memo memo =
        Memo.builder()
            .serde("zstd")
            .store("directory")
            .config("memo.store.directory.path", args[0])
            .build()) {
      double[] value = memo.function("zeros", NoNativeMain::zeros).apply(Integer.parseInt(args[1]));
      System.out.println(
          "length "
              + value.length
              + " computed "
              + COMPUTED.get()
              + " load-failures "
              + memo.stats().loadFailureCount());
    }
  }
}
