package dev.memo.core.code;

import dev.memo.SignatureException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Says where a class comes from, which decides what it contributes to a code signature.
 *
 * <ul>
 *   <li>{@link Kind#JDK}: the run-time image ({@code jrt:}) or the boot and platform loaders: only
 *       the Java feature version.
 *   <li>{@link Kind#MEMO}: memo's own modules, which sign computations and never take part in one:
 *       nothing.
 *   <li>{@link Kind#APP}: a class file in a class directory, or in a jar or package named by {@code
 *       memo.code.include}: its methods' normalized bytecode.
 *   <li>{@link Kind#LIBRARY}: a class in any other jar: the jar's content hash, computed once per
 *       jar per JVM (keyed by path, size and modification time). A class at an address that is
 *       neither a file nor a jar contributes the hash of its class file.
 *   <li>{@link Kind#MISSING}: no class file (a reference that never executes, or a class made at
 *       run time): its name, so that the class appearing later changes the signature.
 * </ul>
 *
 * <p>Thread-safe.
 */
final class Locations {
  enum Kind {
    JDK,
    MEMO,
    APP,
    LIBRARY,
    MISSING
  }

  /** Where one class's file is. {@code root} is its class directory or jar, when it has one. */
  record Location(Kind kind, String internalName, URL url, Path root) {}

  private static final Map<String, String> JAR_HASHES = new ConcurrentHashMap<>();
  private static final Set<Path> MEMO_ROOTS = findMemoRoots();
  private static final HexFormat HEX = HexFormat.of();

  private final ClassLoader loader;
  private final List<String> includedPackages;
  private final List<Pattern> includedJars;
  private final Map<String, Location> cache = new ConcurrentHashMap<>();

  /**
   * Creates the locator of one code walk.
   *
   * @param loader the loader of the function's class, which resolves every name it references
   * @param include the entries of {@code memo.code.include}
   */
  Locations(ClassLoader loader, List<String> include) {
    this.loader = loader;
    // Loops rather than streams: this runs on a new process's first call.
    List<String> packages = new ArrayList<>();
    List<Pattern> jars = new ArrayList<>();
    for (String s : include) {
      if (s.endsWith(".jar")) {
        jars.add(Pattern.compile(Pattern.quote(s).replace("*", "\\E.*\\Q")));
      } else {
        packages.add(s);
      }
    }
    this.includedPackages = List.copyOf(packages);
    this.includedJars = List.copyOf(jars);
  }

  private static Set<Path> findMemoRoots() {
    Set<Path> roots = ConcurrentHashMap.newKeySet();
    for (Class<?> c : List.of(Locations.class, dev.memo.Memoizer.class)) {
      CodeSource source = c.getProtectionDomain().getCodeSource();
      if (source != null && source.getLocation() != null) {
        try {
          roots.add(Path.of(source.getLocation().toURI()).toAbsolutePath().normalize());
        } catch (URISyntaxException | IllegalArgumentException e) {
          // Not a file: memo's classes are then told apart by nothing and signed like a library.
        }
      }
    }
    return Set.copyOf(roots);
  }

  Location locate(String internalName) {
    return cache.computeIfAbsent(internalName, this::find);
  }

  /** Every name located so far, with where it was found: what a walk's result depends on. */
  Map<String, Location> located() {
    return Map.copyOf(cache);
  }

  /** The roots memo's own classes are loaded from, whose classes sign and are never signed. */
  static Set<Path> memoRoots() {
    return MEMO_ROOTS;
  }

  /** Class directories and jars visible through a function's loaders and the class path. */
  static Set<Path> loaderRoots(ClassLoader loader) {
    Set<Path> found = new LinkedHashSet<>();
    for (ClassLoader l = loader; l != null; l = l.getParent()) {
      if (l instanceof URLClassLoader u) {
        for (URL url : u.getURLs()) {
          try {
            Path p = Path.of(url.toURI()).toAbsolutePath().normalize();
            if (Files.isDirectory(p)) {
              found.add(p);
            }
          } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
            // Not a local directory: nothing to index there.
          }
        }
      }
    }
    found.addAll(classPathDirectories());
    return found;
  }

  /** The class directories of {@code java.class.path}, in its order. */
  static Set<Path> classPathDirectories() {
    Set<Path> found = new LinkedHashSet<>();
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        try {
          Path p = Path.of(entry).toAbsolutePath().normalize();
          if (Files.isDirectory(p)) {
            found.add(p);
          }
        } catch (InvalidPathException e) {
          // An entry the JVM could not use either.
        }
      }
    }
    return found;
  }

  /**
   * The digest of a class-path resource's content as a loader finds it, or {@code absent}.
   *
   * @param reader what reads it, for the error message
   */
  static String resourceHash(ClassLoader loader, String name, String reader) {
    URL url = loader == null ? ClassLoader.getSystemResource(name) : loader.getResource(name);
    if (url == null) {
      return "absent";
    }
    try (InputStream in = url.openStream()) {
      return CodeHashes.sha(in.readAllBytes());
    } catch (IOException e) {
      throw new SignatureException(
          "cannot read resource "
              + name
              + " at "
              + url
              + ", which "
              + reader
              + " reads: "
              + e
              + "; check that the file is readable",
          e);
    }
  }

  private Location find(String internalName) {
    if (internalName.startsWith("java/")
        || internalName.startsWith("jdk/")
        || internalName.startsWith("sun/")
        || internalName.startsWith("[")) {
      return new Location(Kind.JDK, internalName, null, null);
    }
    String resource = internalName + ".class";
    URL url =
        loader == null ? ClassLoader.getSystemResource(resource) : loader.getResource(resource);
    if (url == null) {
      return new Location(Kind.MISSING, internalName, null, null);
    }
    String binaryName = internalName.replace('/', '.');
    switch (url.getProtocol()) {
      case "jrt":
        return new Location(Kind.JDK, internalName, url, null);
      case "file":
        {
          Path file = toPath(url);
          Path root = file;
          for (int i = internalName.split("/").length; i > 0 && root != null; i--) {
            root = root.getParent();
          }
          if (root != null && MEMO_ROOTS.contains(root)) {
            return new Location(Kind.MEMO, internalName, url, root);
          }
          return new Location(Kind.APP, internalName, url, root);
        }
      case "jar":
        {
          Path jar;
          try {
            JarURLConnection c = (JarURLConnection) url.openConnection();
            jar = toPath(c.getJarFileURL());
          } catch (IOException | IllegalArgumentException e) {
            return new Location(Kind.LIBRARY, internalName, url, null);
          }
          if (MEMO_ROOTS.contains(jar)) {
            return new Location(Kind.MEMO, internalName, url, jar);
          }
          String jarName = jar.getFileName().toString();
          boolean included = included(jarName, binaryName);
          return new Location(included ? Kind.APP : Kind.LIBRARY, internalName, url, jar);
        }
      default:
        return new Location(Kind.LIBRARY, internalName, url, null);
    }
  }

  /** Whether {@code memo.code.include} names a class's jar or package. */
  private boolean included(String jarName, String binaryName) {
    for (Pattern p : includedJars) {
      if (p.matcher(jarName).matches()) {
        return true;
      }
    }
    for (String p : includedPackages) {
      if (binaryName.startsWith(p + ".") || binaryName.equals(p)) {
        return true;
      }
    }
    return false;
  }

  private static Path toPath(URL url) {
    try {
      return Path.of(url.toURI()).toAbsolutePath().normalize();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A class file's modification time, or -1 when it is no file of its own. */
  static long modified(Location loc) {
    if (!"file".equals(loc.url().getProtocol())) {
      return -1;
    }
    try {
      return Files.getLastModifiedTime(Path.of(loc.url().toURI())).toMillis();
    } catch (IOException | URISyntaxException | IllegalArgumentException e) {
      return -1; // read errors are reported when the file is read
    }
  }

  /**
   * Whether an application class file changed after the JVM may have loaded it: since memo first
   * read it in this JVM, or, on the class path, after the JVM started. Records the time it is first
   * seen.
   *
   * @param modified its modification time, from {@link #modified}
   */
  static boolean changedSinceLoaded(Location loc, long modified) {
    Long first = CodeSigner.FIRST_SEEN.putIfAbsent(loc.url().toString(), modified);
    return (first != null && first != modified)
        || (loc.root() != null
            && CodeSigner.CLASS_PATH.contains(loc.root())
            && modified > CodeSigner.jvmStart());
  }

  /** Reads a class file. */
  static byte[] read(Location location) {
    try (InputStream in = location.url().openStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new SignatureException(
          "cannot read the class file of "
              + location.internalName().replace('/', '.')
              + " at "
              + location.url()
              + ": "
              + e
              + "; check that the file is readable",
          e);
    }
  }

  /**
   * Returns the content hash this JVM computed for a jar as it is now (same statistics: size,
   * modification and status-change times and file number, or where the file system keeps no
   * status-change time, size and modification time), or null if it has computed none for that
   * state.
   */
  static @Nullable String knownJarHash(Path jar) {
    try {
      return JAR_HASHES.get(jarState(jar));
    } catch (IOException e) {
      return null;
    }
  }

  /** What the file system says of a jar, as the key of its content hash in this JVM. */
  private static String jarState(Path jar) throws IOException {
    String stats = RootDigests.stats(jar, Long.MAX_VALUE);
    if (stats != null) {
      return jar + "|" + stats;
    }
    BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
    return jar + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
  }

  /**
   * Returns the content hash of a library's jar, or of its class file when it is not in a jar; once
   * per jar per JVM.
   */
  static String contentHash(Location location) {
    if (location.root() == null) {
      return CodeHashes.sha(read(location));
    }
    Path jar = location.root();
    try {
      String key = jarState(jar);
      String hash = JAR_HASHES.get(key);
      if (hash == null) {
        MessageDigest sha = CodeHashes.sha256();
        try (InputStream in = Files.newInputStream(jar)) {
          byte[] buf = new byte[64 * 1024];
          for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
          }
        }
        hash = HEX.formatHex(sha.digest(), 0, 16);
        JAR_HASHES.putIfAbsent(key, hash);
      }
      return hash;
    } catch (IOException e) {
      throw new SignatureException(
          "cannot read jar "
              + jar
              + " to sign the code that reaches "
              + location.internalName().replace('/', '.')
              + ": "
              + e
              + "; check that the file is readable",
          e);
    }
  }
}
