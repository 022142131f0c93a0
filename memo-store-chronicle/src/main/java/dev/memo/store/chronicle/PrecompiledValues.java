package dev.memo.store.chronicle;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.util.Map;
import java.util.Properties;
import net.openhft.chronicle.hash.VanillaGlobalMutableState;
import org.jspecify.annotations.Nullable;

/**
 * Ships the one class Chronicle Map would otherwise generate and compile with javac when a process
 * first opens a map: {@code VanillaGlobalMutableState$$Native}, the off-heap view of a map's header
 * that chronicle-values generates. Compiling it costs a new process about two seconds.
 * chronicle-values looks the class up in the value interface's class loader before compiling it;
 * {@link #define()} defines it there first, from the class file the build compiled out of {@code
 * src/main/chronicle-values} and packaged under {@code META-INF/memo-store-chronicle/}.
 *
 * <p>The class lays out fields in the map file, so it is defined only when the Chronicle on the
 * class path is the one it was generated for ({@link #BUILT_FOR}); with any other version, or if
 * defining fails, Chronicle generates and compiles it as it always did: slower, never wrong.
 *
 * <p>Thread-safe: the first call defines the class, later calls do nothing.
 */
final class PrecompiledValues {
  private static final System.Logger LOG = System.getLogger(PrecompiledValues.class.getName());

  /** The artifacts (groupId net.openhft) whose versions determine the class, and those versions. */
  static final Map<String, String> BUILT_FOR =
      Map.of(
          "chronicle-map", "3.27ea0",
          "chronicle-values", "2.27ea0",
          "chronicle-bytes", "2.27ea0");

  /** The name chronicle-values gives the native implementation of a value interface. */
  static final String NATIVE_CLASS = VanillaGlobalMutableState.class.getName() + "$$Native";

  private static final String CLASS_FILE =
      "/META-INF/memo-store-chronicle/" + NATIVE_CLASS.replace('.', '/') + ".class";
  private static boolean done;

  private PrecompiledValues() {}

  /**
   * Defines the class in the class loader and package of {@link VanillaGlobalMutableState} unless
   * it is there already or the Chronicle present is not the one it was built for. Never throws:
   * whatever goes wrong leaves Chronicle to compile the class itself.
   */
  static synchronized void define() {
    if (done) {
      return;
    }
    done = true;
    ClassLoader loader = VanillaGlobalMutableState.class.getClassLoader();
    try {
      String mismatch = mismatch(loader);
      if (mismatch != null) {
        LOG.log(
            Level.DEBUG, "not defining {0}: {1}; Chronicle compiles it", NATIVE_CLASS, mismatch);
        return;
      }
      if (present(loader)) {
        return;
      }
      byte[] bytes;
      try (InputStream in = PrecompiledValues.class.getResourceAsStream(CLASS_FILE)) {
        if (in == null) {
          LOG.log(
              Level.DEBUG,
              "{0} is missing from memo-store-chronicle; Chronicle compiles {1}",
              CLASS_FILE,
              NATIVE_CLASS);
          return;
        }
        bytes = in.readAllBytes();
      }
      // Chronicle's packages are open to this module: on the class path everything is in the
      // unnamed module, and on the module path Chronicle's jars are automatic modules.
      MethodHandles.privateLookupIn(VanillaGlobalMutableState.class, MethodHandles.lookup())
          .defineClass(bytes);
    } catch (IOException | IllegalAccessException | LinkageError | RuntimeException e) {
      // A LinkageError here is most often another copy of this module defining it first.
      LOG.log(Level.DEBUG, "cannot define " + NATIVE_CLASS + "; Chronicle compiles it", e);
    }
  }

  /**
   * Returns why the Chronicle that {@code loader} sees is not the one the class was built for, or
   * null when it is.
   */
  static @Nullable String mismatch(ClassLoader loader) throws IOException {
    for (Map.Entry<String, String> e : BUILT_FOR.entrySet()) {
      String found = version(loader, e.getKey());
      if (!e.getValue().equals(found)) {
        return "net.openhft:"
            + e.getKey()
            + " is "
            + (found == null ? "of unknown version" : found)
            + ", not "
            + e.getValue();
      }
    }
    return null;
  }

  /** Returns an artifact's version as its jar's Maven metadata states it, or null. */
  static @Nullable String version(ClassLoader loader, String artifactId) throws IOException {
    try (InputStream in =
        loader.getResourceAsStream(
            "META-INF/maven/net.openhft/" + artifactId + "/pom.properties")) {
      if (in == null) {
        return null;
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    }
  }

  private static boolean present(ClassLoader loader) {
    try {
      Class.forName(NATIVE_CLASS, false, loader);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
