package dev.memo.core.code;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The digests of the code part: kept apart from {@code ClassCode} so that checking a cached code
 * signature, which hashes class files but parses none, does not load ASM. Stateless; thread-safe.
 */
final class CodeHashes {
  private static final HexFormat HEX = HexFormat.of();

  private CodeHashes() {}

  /** The first 128 bits of the SHA-256, in hex: plenty to tell versions of one method apart. */
  static String sha(byte[] bytes) {
    return HEX.formatHex(sha256().digest(bytes), 0, 16);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
