package dev.memo.store.chronicle;

import dev.memo.StoreException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks, before any Chronicle class is initialized, that the JVM grants Chronicle the access to
 * JDK internals it needs on JDK 17 and later. Without it Chronicle fails deep inside its static
 * initializers with an {@code ExceptionInInitializerError}, after which its classes are unusable
 * for the rest of the process; checking first turns that into one error that lists the flags.
 */
final class JvmAccess {
  /** A package Chronicle needs opened or exported, and how. */
  record Grant(String module, String pkg, boolean open) {
    /** Returns the command-line flag that grants it to {@code target}. */
    String flag(String target) {
      return (open ? "--add-opens=" : "--add-exports=") + module + "/" + pkg + "=" + target;
    }
  }

  /**
   * What chronicle-map 3.27ea0 needs on JDK 17, found by removing flags one at a time from
   * Chronicle's published list while creating, writing, iterating, recovering and reopening a
   * persisted map: without any one of these it throws or warns; the others on that list ({@code
   * java.io}, {@code java.util}, {@code sun.misc}, {@code com.sun.tools.javac}) it does not need
   * for what this store does.
   */
  static final List<Grant> NEEDED =
      List.of(
          new Grant("java.base", "java.lang", true),
          new Grant("java.base", "java.lang.reflect", true),
          new Grant("java.base", "jdk.internal.ref", false),
          new Grant("java.base", "sun.nio.ch", false),
          new Grant("jdk.compiler", "com.sun.tools.javac.file", false));

  /** A class of chronicle-core, loaded without being initialized, to learn Chronicle's module. */
  private static final String CHRONICLE_CORE_CLASS = "net.openhft.chronicle.core.Jvm";

  /** The automatic module name of Chronicle's runtime compiler, net.openhft:compiler. */
  private static final String COMPILER_MODULE = "net.openhft.compiler";

  private JvmAccess() {}

  /**
   * Returns the flags that are missing for the module Chronicle runs in, empty when none are.
   * Modules absent from the runtime (such as {@code jdk.compiler} on a jlinked runtime) are
   * skipped: no flag can grant what is not there.
   */
  static List<String> missingFlags() {
    Module chronicle;
    try {
      chronicle =
          Class.forName(CHRONICLE_CORE_CLASS, false, JvmAccess.class.getClassLoader()).getModule();
    } catch (ClassNotFoundException e) {
      throw new StoreException(
          "the chronicle store cannot find Chronicle Map's classes ("
              + CHRONICLE_CORE_CLASS
              + "); add net.openhft:chronicle-map, which dev.memo:memo-store-chronicle depends on,"
              + " to the class path",
          e);
    }
    // On the class path Chronicle is in the unnamed module. On the module path its jars are
    // automatic modules, and the runtime code generator (net.openhft.compiler) needs the same
    // access as chronicle.core: grant it to every Chronicle module.
    List<Module> targets = new ArrayList<>();
    if (chronicle.isNamed()) {
      chronicle.getLayer().modules().stream()
          .filter(m -> m.getName().startsWith("chronicle.") || m.getName().equals(COMPILER_MODULE))
          .sorted(Comparator.comparing(Module::getName))
          .forEach(targets::add);
    } else {
      targets.add(chronicle);
    }
    String target =
        chronicle.isNamed()
            ? targets.stream().map(Module::getName).collect(Collectors.joining(","))
            : "ALL-UNNAMED";
    List<String> missing = new ArrayList<>();
    for (Grant g : NEEDED) {
      Optional<Module> module = ModuleLayer.boot().findModule(g.module());
      if (module.isEmpty()) {
        continue;
      }
      boolean granted =
          targets.stream()
              .allMatch(
                  t ->
                      g.open()
                          ? module.get().isOpen(g.pkg(), t)
                          : module.get().isExported(g.pkg(), t));
      if (!granted) {
        missing.add(g.flag(target));
      }
    }
    return missing;
  }

  /**
   * Throws unless Chronicle has the access it needs.
   *
   * @throws StoreException listing every flag, and which are missing
   */
  static void check() {
    List<String> missing = missingFlags();
    if (!missing.isEmpty()) {
      throw new StoreException(message(missing));
    }
  }

  /** Returns the error for missing flags; a test asserts it word for word. */
  static String message(List<String> missing) {
    return "the chronicle store needs JVM flags that are missing: "
        + String.join(" ", missing)
        + "; start java with them (Chronicle Map uses JDK internals on Java 17 and later;"
        + " see memo's README, section \"chronicle store\"), or choose another store with"
        + " memo.store=directory";
  }
}
