package dev.memo.core.code;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Reads every class file of a class directory or jar and digests them all: the names and contents,
 * independent of the order the file system lists them. {@link Hierarchy} reads a root through it,
 * so that {@link CodeCache} can tell later, without ASM, whether the root still holds the classes
 * the hierarchy was built from. Stateless; thread-safe.
 */
final class RootDigests {
  private RootDigests() {}

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
