package dev.memo.core.code;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Reads every class file of a class directory or jar and digests them all: the names and contents,
 * independent of the order the file system lists them. {@link Hierarchy} reads a root through it,
 * so that {@link CodeCache} can tell later, without ASM, whether the root still holds the classes
 * the hierarchy was built from. Stateless; thread-safe.
 */
final class RootDigests {
  /** How many times this JVM digested a root's contents: for tests of the stat pre-check. */
  private static final AtomicLong DIGESTS = new AtomicLong();

  private RootDigests() {}

  /** Returns how many roots' contents this JVM digested. */
  static long digests() {
    return DIGESTS.get();
  }

  /**
   * Returns the digest of what the file system says of a root's class files, without reading them:
   * each file's name, size, modification and status-change times and file number, or, for a jar,
   * those of the jar. The status-change time ({@code ctime}) is set by the system on any write,
   * rename or change of times and cannot be set back, so a file whose statistics are unchanged was
   * not rewritten, as long as its last change was before {@code cut}: a change within the clocks'
   * granularity of the one recorded could otherwise keep the same times (git's "racily clean"
   * rule).
   *
   * @param root a class directory or jar
   * @param cut a file changed at or after this time (epoch millis) makes the answer null
   * @return the digest, in hex; null when a file changed at or after {@code cut}, or the file
   *     system has no status-change time or file number (then the contents must be digested)
   * @throws IOException if the root cannot be listed
   */
  static @Nullable String stats(Path root, long cut) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try {
      if (Files.isDirectory(root)) {
        try (Stream<Path> found = Files.walk(root)) {
          for (Path f : (Iterable<Path>) found::iterator) {
            if (f.toString().endsWith(".class") && !f.endsWith("module-info.class")) {
              String line = stat(f, cut);
              if (line == null) {
                return null;
              }
              files.put(root.relativize(f).toString().replace('\\', '/'), line);
            }
          }
        }
      } else if (Files.isRegularFile(root)) {
        String line = stat(root, cut);
        if (line == null) {
          return null;
        }
        files.put("", line);
      } else {
        return null;
      }
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return null; // no unix view: no status-change time to rely on
    }
    MessageDigest sha = CodeHashes.sha256();
    files.forEach(
        (name, line) ->
            sha.update((name + '\u0000' + line + '\n').getBytes(StandardCharsets.UTF_8)));
    return HexFormat.of().formatHex(sha.digest(), 0, 16);
  }

  /** One file's statistics, as {@link #of} would see it (through a link), or null. */
  private static @Nullable String stat(Path file, long cut) throws IOException {
    Map<String, Object> a = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,ino");
    Object size = a.get("size");
    Object modified = a.get("lastModifiedTime");
    Object changed = a.get("ctime");
    Object ino = a.get("ino");
    if (!(modified instanceof FileTime m) || !(changed instanceof FileTime c) || ino == null) {
      return null;
    }
    if (m.toMillis() >= cut || c.toMillis() >= cut) {
      return null;
    }
    return size + "|" + nanos(m) + "|" + nanos(c) + "|" + ino;
  }

  private static long nanos(FileTime time) {
    var instant = time.toInstant();
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  /**
   * Returns the digest of a root's class files (other than {@code module-info.class}), handing each
   * to {@code each} on the way.
   *
   * @param root a class directory or jar; anything else digests as empty
   * @param each called with each class file's path in the root and its bytes
   * @return the digest, in hex
   * @throws IOException if a file cannot be read
   */
  static String of(Path root, BiConsumer<String, byte[]> each) throws IOException {
    DIGESTS.incrementAndGet();
    Map<String, String> files = new TreeMap<>();
    if (Files.isDirectory(root)) {
      try (Stream<Path> found = Files.walk(root)) {
        for (Path f : (Iterable<Path>) found::iterator) {
          if (f.toString().endsWith(".class") && !f.endsWith("module-info.class")) {
            byte[] bytes = Files.readAllBytes(f);
            String name = root.relativize(f).toString().replace('\\', '/');
            files.put(name, CodeHashes.sha(bytes));
            each.accept(name, bytes);
          }
        }
      }
    } else if (Files.isRegularFile(root)) {
      try (JarFile jar = new JarFile(root.toFile())) {
        for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
          if (e.getName().endsWith(".class") && !e.getName().endsWith("module-info.class")) {
            try (InputStream in = jar.getInputStream(e)) {
              byte[] bytes = in.readAllBytes();
              files.put(e.getName(), CodeHashes.sha(bytes));
              each.accept(e.getName(), bytes);
            }
          }
        }
      }
    }
    MessageDigest sha = CodeHashes.sha256();
    files.forEach(
        (name, hash) ->
            sha.update((name + '\u0000' + hash + '\n').getBytes(StandardCharsets.UTF_8)));
    return HexFormat.of().formatHex(sha.digest(), 0, 16);
  }
}
