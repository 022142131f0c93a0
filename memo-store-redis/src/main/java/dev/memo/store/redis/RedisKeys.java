package dev.memo.store.redis;

import dev.memo.Signature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The names of the store's Redis keys. Every key of one entry (the entry, its temporary key while
 * written, its claim, its quarantined copy) shares the hash tag {@code {<ns>:<key>}}, so that they
 * sit in one hash slot and the scripts that move between them work on Redis Cluster too:
 *
 * <pre>
 * &lt;prefix&gt;e:{&lt;ns&gt;:&lt;key hex&gt;}                   the entry (see {@link RedisFrame})
 * &lt;prefix&gt;t:{&lt;ns&gt;:&lt;key hex&gt;}:&lt;random&gt;          an entry being written, renamed onto the entry
 * &lt;prefix&gt;c:{&lt;ns&gt;:&lt;key hex&gt;}                   a claim: the holder's token, with an expiry
 * &lt;prefix&gt;q:{&lt;ns&gt;:&lt;key hex&gt;}:&lt;millis&gt;          a quarantined entry, kept 7 days
 * &lt;prefix&gt;q:{&lt;ns&gt;:&lt;key hex&gt;}:&lt;millis&gt;:reason   why, UTF-8
 * &lt;prefix&gt;n:&lt;ns&gt;                               the namespace's text, UTF-16BE code units
 * </pre>
 *
 * {@code <ns>} is the first 16 bytes of the SHA-256 of the namespace's UTF-16BE code units, in hex:
 * no user text enters a key, and code units keep namespaces with unpaired surrogates apart.
 * Immutable and thread-safe.
 */
final class RedisKeys {
  private static final HexFormat HEX = HexFormat.of();

  private final String prefix;

  RedisKeys(String prefix) {
    this.prefix = prefix;
  }

  String prefix() {
    return prefix;
  }

  /** Returns the namespace's id, {@code <ns>} above. */
  static String namespaceId(String namespace) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(units(namespace));
      return HEX.formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  static byte[] units(String s) {
    byte[] units = new byte[s.length() * 2];
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      units[2 * i] = (byte) (c >>> 8);
      units[2 * i + 1] = (byte) c;
    }
    return units;
  }

  static String fromUnits(byte[] units) {
    char[] chars = new char[units.length / 2];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = (char) (((units[2 * i] & 0xFF) << 8) | (units[2 * i + 1] & 0xFF));
    }
    return new String(chars);
  }

  private static String tag(String nsId, Signature key) {
    return "{" + nsId + ":" + key.hex() + "}";
  }

  byte[] entry(String nsId, Signature key) {
    return bytes(prefix + "e:" + tag(nsId, key));
  }

  byte[] temp(String nsId, Signature key) {
    return bytes(
        prefix
            + "t:"
            + tag(nsId, key)
            + ":"
            + Long.toHexString(ThreadLocalRandom.current().nextLong()));
  }

  byte[] claim(String nsId, Signature key) {
    return bytes(prefix + "c:" + tag(nsId, key));
  }

  String quarantine(String nsId, Signature key, long millis) {
    return prefix + "q:" + tag(nsId, key) + ":" + millis;
  }

  byte[] namespace(String nsId) {
    return bytes(prefix + "n:" + nsId);
  }

  /** The SCAN pattern of every namespace key. */
  byte[] namespacePattern() {
    return bytes(glob(prefix) + "n:*");
  }

  /** The SCAN pattern of the entries of one namespace. */
  byte[] entryPattern(String nsId) {
    return bytes(glob(prefix) + "e:{" + nsId + ":*");
  }

  /** Returns the key hex of an entry key the entry pattern matched, or null if it is not one. */
  @Nullable Signature keyOf(byte[] entryKey, String nsId) {
    String k = new String(entryKey, StandardCharsets.UTF_8);
    String start = prefix + "e:{" + nsId + ":";
    if (!k.startsWith(start) || !k.endsWith("}")) {
      return null;
    }
    try {
      return Signature.fromHex(k.substring(start.length(), k.length() - 1));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Returns the namespace id a namespace key names. */
  String namespaceIdOf(byte[] namespaceKey) {
    return new String(namespaceKey, StandardCharsets.UTF_8).substring(prefix.length() + 2);
  }

  /** Escapes the characters SCAN's MATCH treats as a pattern. */
  static String glob(String literal) {
    StringBuilder sb = new StringBuilder();
    for (char c : literal.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
