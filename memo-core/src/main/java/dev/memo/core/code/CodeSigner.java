package dev.memo.core.code;

import dev.memo.MemoConfig;
import dev.memo.NotSigned;
import dev.memo.SignatureException;
import dev.memo.core.config.LazyLogger;
import dev.memo.core.sign.CanonicalEncoder;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.objectweb.asm.Type;

/**
 * Computes what a function's code signature depends on, once per function.
 *
 * <p><b>The application's own classes</b> are those loaded from a class directory, plus those in
 * the jars and packages named by {@code memo.code.include}. A build tool puts the project's own
 * code in class directories and its dependencies in jars, so this is the line between code that
 * changes from run to run and code that changes only with a version. memo's own classes never
 * count.
 *
 * <p><b>What is followed.</b> From the implementing method, every method it can reach in the
 * application's classes: static, private, constructor and {@code super} calls to the named method
 * (or, when the named class inherits it, the one it inherits); {@code invokedynamic} to the lambda
 * bodies and method references it links; and virtual and interface calls to the named method as
 * above <em>and</em> to every override and implementation in the application's subtypes of the
 * named type that exist in the application's roots: the class directories and included jars of the
 * classes reached, of the loaders of the function's class ({@code URLClassLoader}s) and of {@code
 * java.class.path}. The receiver's run-time class is not known when the function is wrapped, so all
 * implementations memo can see are signed: an unrelated one that changes costs a recomputation,
 * never a stale result. Implementations in other places (a class made at run time, another loader)
 * are not seen. Calls through JDK or library types ({@code Function.apply}, {@code List.get}) are
 * not followed as calls; instead:
 *
 * <ul>
 *   <li><b>Callbacks.</b> When reached code creates an instance of an application class ({@code
 *       new}, a constructor or method reference, which also covers enum constants and records),
 *       every method of that class and of its application superclasses that overrides or implements
 *       a method of a type outside the application ({@code equals}, {@code hashCode}, {@code
 *       toString}, every interface method) is reached: the JDK or a library may call it.
 *   <li><b>Class initializers.</b> Reaching an application class (a method of it, a static field
 *       read or written, an instance created) reaches its static initializer and its superclasses'.
 *       The values a {@code static final} field can hold are then covered by code; so one whose
 *       value cannot be signed by content (a lambda, a {@code Pattern}, any object) is left out of
 *       the static fields instead of being an error. A field that is not final, read outside an
 *       initializer, still is one.
 *   <li><b>Captured lambdas.</b> The implementing methods of lambdas and method references the
 *       function captured ({@link FunctionRef#nested()}), recursively.
 *   <li><b>Named reads.</b> System properties and environment variables read by a constant name
 *       join the static fields (their values are signed at every call); class-path resources read
 *       by a constant name contribute their content's digest.
 *   <li><b>Classes added by hand</b> ({@code FunctionOptions.includeCode}): every method.
 * </ul>
 *
 * <p>Reflection ({@code Class.forName}, {@code Method.invoke}) cannot be followed.
 *
 * <p><b>The code that runs.</b> A class file on {@code java.class.path} modified after the JVM
 * started, or one changed since memo first read it in this JVM, may not be the class the JVM runs;
 * such classes are listed in {@link FunctionCode#rebuiltClasses()} and one warning names them.
 *
 * <p><b>What a reached method contributes.</b> An application method: the hash of its normalized
 * bytecode (see {@code ClassCode}). A library method: its jar's content hash. A JDK method: nothing
 * beyond the Java feature version, which every code signature contains.
 *
 * <p><b>Static fields.</b> Every static field of an application class that reached code reads
 * ({@code getstatic}) is signed by value at every call, except fields annotated {@link NotSigned},
 * fields listed in {@code memo.code.ignore-fields}, and fields whose declared type is a logger
 * ({@code System.Logger}, {@code java.util.logging.Logger}, {@code org.slf4j.Logger}, {@code
 * org.apache.logging.log4j.Logger}, {@code org.apache.commons.logging.Log}): nearly every class has
 * one, none changes a result, and an error for each would teach users to switch the check off.
 * Compile-time constants are in the bytecode already. Static fields of JDK and library classes are
 * not signed.
 *
 * <p>Thread-safe. Results are cached per function (per class through a {@link ClassValue}, so a
 * discarded class loader is not kept alive); class files are normalized once per JVM. Given a
 * folder (the store's {@code .code}), each walk is also kept across runs and reused by a new
 * process only when every class, jar, class directory and resource it depended on is as it was
 * ({@code CodeCache}), so that such a process parses no bytecode and loads no ASM class.
 */
public final class CodeSigner {
  private static final System.Logger LOG = LazyLogger.of("dev.memo");

  /**
   * When the JVM started, less a second for the granularity of the start time: a class file on the
   * class path modified later may have been loaded before it changed. Read on first use, since
   * asking the operating system about this process loads {@link ProcessHandle}'s machinery, which a
   * process whose classes all come from jars never needs.
   */
  static long jvmStart() {
    return JvmStart.MILLIS;
  }

  private static final class JvmStart {
    static final long MILLIS =
        ProcessHandle.current()
            .info()
            .startInstant()
            .map(i -> i.toEpochMilli() + 1000)
            .orElse(Long.MAX_VALUE);
  }

  /** Whether {@link JvmStart} was asked for on a thread of its own in this JVM. */
  private static final AtomicBoolean JVM_START_ASKED = new AtomicBoolean();

  /**
   * Reads the JVM's start time ahead of its first use, on a daemon thread: the class path has class
   * directories, so a walk will compare their class files with it, and asking the operating system
   * about this process ({@link ProcessHandle}'s start and the process's information) costs a new
   * process's first call ~20 ms that can overlap the rest of the memoizer's start. A reader of
   * {@link JvmStart#MILLIS} meanwhile waits for the class's initialization on this thread (the
   * JVM's class initialization lock); one that finds it failed reads nothing worse than before.
   */
  private static final class JvmStartReader extends Thread {
    JvmStartReader() {
      super("memo-jvm-start");
      setDaemon(true);
    }

    @Override
    public void run() {
      long unused = JvmStart.MILLIS;
    }
  }

  /** Starts reading the JVM's start time when class directories make it needed; once per JVM. */
  private static void readJvmStartAhead() {
    if (CLASS_PATH.isEmpty() || !JVM_START_ASKED.compareAndSet(false, true)) {
      return;
    }
    try {
      new JvmStartReader().start();
    } catch (RuntimeException | OutOfMemoryError e) {
      // No thread to be had: read on first use, as without one.
    }
  }

  /** The class directories of {@code java.class.path}, whose classes the JVM loads from disk. */
  static final Set<Path> CLASS_PATH = Set.copyOf(Locations.classPathDirectories());

  /** Class file URL to its modification time when memo first read it in this JVM. */
  static final Map<String, Long> FIRST_SEEN = new ConcurrentHashMap<>();

  /**
   * The overridable methods (name and descriptor) of a type outside the application: those the JDK
   * or a library may call back on an application object.
   */
  static final ClassValue<Set<String>> OVERRIDABLE =
      new ClassValue<>() {
        @Override
        protected Set<String> computeValue(Class<?> type) {
          Set<String> keys = new HashSet<>();
          for (Method m : type.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers())) {
              keys.add(m.getName() + Type.getMethodDescriptor(m));
            }
          }
          for (Class<?> k = type; k != null; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
              int mod = m.getModifiers();
              if (!Modifier.isStatic(mod) && !Modifier.isPrivate(mod)) {
                keys.add(m.getName() + Type.getMethodDescriptor(m));
              }
            }
          }
          return Set.copyOf(keys);
        }
      };

  /** The subfolder of a store's folder where walked code is kept across runs. */
  public static final String CACHE_FOLDER = CodeCache.FOLDER;

  /** The end of the name of each file in {@link #CACHE_FOLDER} that keeps one function's walk. */
  public static final String CACHE_SUFFIX = CodeCache.SUFFIX;

  /**
   * Removes the walked code kept under a store's folder ({@link #CACHE_FOLDER}): the next run of
   * each function walks its code again. Never follows a link.
   *
   * @param storeFolder the store's folder ({@link dev.memo.spi.Store#folder()})
   * @return how many functions' walks were removed
   * @throws IOException if the folder cannot be listed or a file removed
   */
  public static long clearKept(Path storeFolder) throws IOException {
    return CodeCache.clear(storeFolder.resolve(CACHE_FOLDER));
  }

  static final Set<String> LOGGER_TYPES =
      Set.of(
          "java.lang.System$Logger",
          "java.util.logging.Logger",
          "org.slf4j.Logger",
          "org.apache.logging.log4j.Logger",
          "org.apache.commons.logging.Log");

  private final List<String> include;
  private final Set<String> ignoredFields;

  /** Tells whether a value can be signed by content; null: every value can. */
  private final @Nullable Supplier<CanonicalEncoder> encoders;

  /** Walks kept across runs; null: none are. */
  private final @Nullable CodeCache kept;

  /** How many walks this signer made: a reused walk from {@link CodeCache} is none. */
  private final AtomicLong walks = new AtomicLong();

  private final ClassValue<Map<String, FunctionCode>> cache =
      new ClassValue<>() {
        @Override
        protected Map<String, FunctionCode> computeValue(Class<?> type) {
          return new ConcurrentHashMap<>();
        }
      };

  /**
   * Creates a code signer.
   *
   * @param config the memoizer's configuration, read for {@link MemoConfig#CODE_INCLUDE} and {@link
   *     MemoConfig#CODE_IGNORE_FIELDS}
   */
  public CodeSigner(MemoConfig config) {
    this(config, null);
  }

  /**
   * Creates a code signer that leaves out of the environment the {@code static final} fields whose
   * values cannot be signed by content: their class initializer, which assigns them, is in the code
   * part.
   *
   * @param config the memoizer's configuration, read for {@link MemoConfig#CODE_INCLUDE} and {@link
   *     MemoConfig#CODE_IGNORE_FIELDS}
   * @param encoders the calling thread's encoder, used to try whether a value can be signed; null
   *     to treat every value as signable
   */
  public CodeSigner(MemoConfig config, @Nullable Supplier<CanonicalEncoder> encoders) {
    this(config, encoders, null);
  }

  /**
   * Creates a code signer that keeps each function's walked code in a folder, and reuses it in a
   * later run when the code it depends on did not change (see {@code CodeCache}): a new process
   * then reads no class file's bytecode.
   *
   * @param config the memoizer's configuration, read for {@link MemoConfig#CODE_INCLUDE}, {@link
   *     MemoConfig#CODE_IGNORE_FIELDS} and {@link MemoConfig#CODE_CACHE} ({@code false} keeps walks
   *     in this JVM only, whatever the folder)
   * @param encoders the calling thread's encoder, used to try whether a value can be signed; null
   *     to treat every value as signable
   * @param folder where to keep walks across runs, such as the store's {@code .memo/.code}; null to
   *     keep them in this JVM only
   * @throws dev.memo.MemoConfigurationException if {@code memo.code.cache} is neither true nor
   *     false
   */
  public CodeSigner(
      MemoConfig config, @Nullable Supplier<CanonicalEncoder> encoders, @Nullable Path folder) {
    this.include = config.getList(MemoConfig.CODE_INCLUDE);
    this.ignoredFields = Set.copyOf(config.getList(MemoConfig.CODE_IGNORE_FIELDS));
    this.encoders = encoders;
    boolean keep = config.getBoolean(MemoConfig.CODE_CACHE, true);
    this.kept = folder == null || !keep ? null : new CodeCache(folder);
    readJvmStartAhead();
  }

  /** How many walks over bytecode this signer made. */
  long walks() {
    return walks.get();
  }

  /**
   * Returns what a function's code signature depends on, computing it on the first call for the
   * function and version.
   *
   * @param ref the function
   * @param version the user's version string, if any
   * @return the code
   * @throws SignatureException if the function's code cannot be located or read, or a static field
   *     it reads cannot be read
   */
  public FunctionCode sign(FunctionRef ref, Optional<String> version) {
    return sign(ref, version, List.of());
  }

  /**
   * Returns what a function's code signature depends on, computing it on the first call for the
   * function, version and added classes. Logs one warning when a class it reaches was rebuilt after
   * the JVM may have loaded it.
   *
   * @param ref the function
   * @param version the user's version string, if any
   * @param added classes whose code joins the function's as if it reached them
   * @return the code
   * @throws SignatureException if the function's code cannot be located or read, or a static field
   *     it reads cannot be read
   */
  public FunctionCode sign(FunctionRef ref, Optional<String> version, List<Class<?>> added) {
    StringBuilder key =
        new StringBuilder(ref.implMethodName())
            .append(ref.implMethodDescriptor())
            .append('\u0000')
            .append(version.orElse(""));
    nestedKey(ref, key);
    for (Class<?> c : added) {
      key.append("\u0000+").append(c.getName());
    }
    Map<String, FunctionCode> perClass = cache.get(ref.implClass());
    FunctionCode code = perClass.get(key.toString());
    if (code == null) {
      String keptKey =
          kept == null ? null : CodeCache.key(ref, key.toString(), include, ignoredFields);
      if (keptKey != null) {
        code = kept.load(keptKey, ref, include, ignoredFields, encoders);
      }
      if (code == null) {
        walks.incrementAndGet();
        CodeWalk walk = new CodeWalk(ref, added, include, ignoredFields, encoders);
        code = walk.run(version);
        if (keptKey != null && code.rebuiltClasses().isEmpty()) {
          kept.save(keptKey, walk.facts(), code);
        }
      }
      if (perClass.putIfAbsent(key.toString(), code) == null && !code.rebuiltClasses().isEmpty()) {
        LOG.log(
            Level.WARNING,
            "the class file of "
                + code.rebuiltClasses().get(0)
                + (code.rebuiltClasses().size() > 1
                    ? " (and " + (code.rebuiltClasses().size() - 1) + " more)"
                    : "")
                + ", which "
                + ref.qualifiedName()
                + " reaches, changed after"
                + " this JVM may have loaded it, so the code that runs may not be the code on disk;"
                + " its results are computed and not stored until the JVM is restarted");
      }
    }
    return code;
  }

  /** The captured lambdas' implementations, which make two wraps of one lambda differ. */
  private static void nestedKey(FunctionRef ref, StringBuilder key) {
    for (FunctionRef n : ref.nested()) {
      key.append("\u0000(")
          .append(n.implClass().getName())
          .append('.')
          .append(n.implMethodName())
          .append(n.implMethodDescriptor());
      nestedKey(n, key);
      key.append(')');
    }
  }

  static String display(String owner, String name, String descriptor) {
    StringBuilder sb =
        new StringBuilder(owner.replace('/', '.')).append('.').append(name).append('(');
    Type[] params = Type.getArgumentTypes(descriptor);
    for (int i = 0; i < params.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(params[i].getClassName());
    }
    return sb.append(')').toString();
  }
}
