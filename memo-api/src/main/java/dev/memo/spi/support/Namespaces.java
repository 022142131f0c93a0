package dev.memo.spi.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a store needs to keep namespaces, which are arbitrary user text, on a file system: a
 * folder-safe name that no namespace can use to leave the store's root, an exact binary form, a
 * digest, and a name file from which a listing reads the namespace back.
 *
 * <p>The binary form is the namespace's UTF-16 code units, big-endian: unlike UTF-8 it keeps
 * unpaired surrogates, so that every namespace reads back as itself and namespaces such as {@code
 * "?"} and {@code "\uD800"}, which UTF-8 merges, stay apart. Stateless and thread-safe.
 */
public final class Namespaces {
  /**
   * The longest sanitized namespace kept in a {@linkplain #folderName folder name}, before its
   * hash.
   */
  public static final int MAX_NAME_CHARS = 100;

  private static final HexFormat HEX = HexFormat.of();

  private Namespaces() {}

  /**
   * Returns a namespace's UTF-16 code units, big-endian.
   *
   * @param namespace any string; not null
   * @return a new array of twice the namespace's length
   */
  public static byte[] encode(String namespace) {
    byte[] units = new byte[namespace.length() * 2];
    for (int i = 0; i < namespace.length(); i++) {
      char c = namespace.charAt(i);
      units[2 * i] = (byte) (c >>> 8);
      units[2 * i + 1] = (byte) c;
    }
    return units;
  }

  /**
   * Reverses {@link #encode}; a trailing odd byte is dropped.
   *
   * @param units big-endian UTF-16 code units; not null
   * @return the namespace
   */
  public static String decode(byte[] units) {
    char[] chars = new char[units.length / 2];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = (char) (((units[2 * i] & 0xFF) << 8) | (units[2 * i + 1] & 0xFF));
    }
    return new String(chars);
  }

  /**
   * Returns the SHA-256 of a namespace's {@linkplain #encode code units}: a fixed-size name that
   * keeps every two namespaces apart.
   *
   * @param namespace any string; not null
   * @return 32 bytes, a new array
   */
  public static byte[] digest(String namespace) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(encode(namespace));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * Returns the folder name of a namespace: the namespace with every character outside {@code
   * [A-Za-z0-9._-]} replaced by {@code _}, cut to {@value #MAX_NAME_CHARS} characters, a leading
   * {@code .} or {@code -} replaced by {@code _} ({@code _} alone for the empty namespace), then
   * {@code -} and the first 8 hex digits of its {@linkplain #digest digest}. The readable part
   * makes the folder easy to find; the hash keeps namespaces that sanitize alike apart.
   *
   * @param namespace any string; not null
   * @return a single path segment, never {@code .} or {@code ..}, never starting with {@code .} or
   *     {@code -}, at most 109 ASCII characters
   */
  public static String folderName(String namespace) {
    StringBuilder name = new StringBuilder(Math.min(namespace.length(), MAX_NAME_CHARS) + 9);
    int kept = 0;
    for (int i = 0; i < namespace.length() && kept < MAX_NAME_CHARS; kept++) {
      int c = namespace.codePointAt(i);
      name.append(isSafe(c) ? (char) c : '_');
      i += Character.charCount(c);
    }
    if (name.length() == 0) {
      name.append('_');
    } else if (name.charAt(0) == '.' || name.charAt(0) == '-') {
      // A leading dot would hide the folder (and "." or ".." would mean something); a leading dash
      // reads as an option to command-line tools.
      name.setCharAt(0, '_');
    }
    return name.append('-').append(HEX.formatHex(digest(namespace), 0, 4)).toString();
  }

  private static boolean isSafe(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-';
  }

  /**
   * Writes a namespace's name file unless it exists: its {@linkplain #encode code units}, written
   * whole under a temporary name ({@code <file name>.<random hex>.tmp} beside it) and renamed, so
   * that a listing never reads half of it. Creates the file's folder if needed. Anything already at
   * the path, even a link or a FIFO, counts as written: it is never followed, opened or replaced
   * here.
   *
   * @param file the name file
   * @param namespace the namespace
   * @throws IOException if the file cannot be written
   * @throws dev.memo.StoreException if the file's folder is a symbolic link or not a folder ({@link
   *     RegularFiles#requireRealFolder})
   */
  public static void writeNameFile(Path file, String namespace) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path folder = file.getParent();
    RegularFiles.requireRealFolder(folder, "folder", folder.getParent());
    Files.createDirectories(folder);
    Path temp =
        file.resolveSibling(
            file.getFileName()
                + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
    try {
      Files.write(temp, encode(namespace));
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Reads a namespace from its name file.
   *
   * @param file the name file
   * @return the namespace, or empty when the file does not exist or is not a regular file (a link,
   *     FIFO or folder, which is never followed, opened or waited on: {@link RegularFiles#open})
   * @throws IOException if the file cannot be read
   */
  public static Optional<String> readNameFile(Path file) throws IOException {
    Optional<InputStream> in;
    try {
      in = RegularFiles.open(file);
    } catch (RegularFiles.NotRegularFileException e) {
      return Optional.empty();
    }
    if (in.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream bytes = in.get()) {
      return Optional.of(decode(bytes.readAllBytes()));
    }
  }
}
