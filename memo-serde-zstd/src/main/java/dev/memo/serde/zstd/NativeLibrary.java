package dev.memo.serde.zstd;

import com.github.luben.zstd.util.Native;
import dev.memo.MemoException;

/**
 * Loads zstd-jni's native library once, turning its failure into an error that names this platform
 * and what to do, instead of an {@link UnsatisfiedLinkError} from deep inside the first write.
 */
final class NativeLibrary {
  private NativeLibrary() {}

  /** Loads the library, or throws the explained error. */
  static void require() {
    check(Native::load);
  }

  /** Runs {@code load}, turning a failure into the explained error; a seam for tests. */
  static void check(Runnable load) {
    try {
      load.run();
    } catch (LinkageError | RuntimeException e) {
      throw new MemoException(message(e), e);
    }
  }

  static String message(Throwable e) {
    return "the zstd serde cannot load zstd-jni's native library on os.name \""
        + System.getProperty("os.name")
        + "\", os.arch \""
        + System.getProperty("os.arch")
        + "\" ("
        + e.getClass().getSimpleName()
        + ": "
        + e.getMessage()
        + "); zstd-jni bundles"
        + " it for Linux, macOS, Windows and FreeBSD on the common architectures and unpacks it to"
        + " java.io.tmpdir, which must allow executing files: point -Djava.io.tmpdir at such a"
        + " directory, put a libzstd-jni built for this platform on java.library.path, or choose"
        + " another serde with memo.serde=java-gzip";
  }
}
