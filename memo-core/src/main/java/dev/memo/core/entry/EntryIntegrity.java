package dev.memo.core.entry;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.Signature;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Keyed integrity of entries: with a key configured ({@value MemoConfig#INTEGRITY_KEY_FILE} or
 * {@value MemoConfig#INTEGRITY_KEY_ENV}), every entry ends with an HMAC-SHA256 tag over the store
 * key it was written under (namespace and signature, so an entry cannot be moved to another key)
 * and every byte before the tag (header and payload); a reader refuses an entry whose tag does not
 * verify before any of its bytes reach a serde.
 *
 * <pre>
 * entry  = header | payload | tag          (header metadata "integrity" = "hmac-sha256")
 * tag    = HMAC-SHA256(key, "memo/entry/1" | namespace length (int) | namespace (UTF-8)
 *                           | signature length (int) | signature | header | payload)
 * </pre>
 *
 * <p>Verify before deserializing, with entries that stream: the reader cannot know the tag is good
 * until it has read the last byte, and a store's stream may be read only once. So {@link #verified}
 * reads the whole entry once, feeding the MAC and keeping the bytes: in heap up to {@value
 * #MAX_HEAP_BYTES} bytes, beyond that in a temporary file (owner-only, deleted on close) — never a
 * whole second copy of a large entry in heap; then hands out the kept bytes. Reading the store
 * twice instead (verify, then reopen and deserialize) would let whoever can write the store swap
 * the entry between the two reads; the spill file is this process's own.
 *
 * <p>Without a key nothing changes but that a tagged entry's tag is skipped: the CRC32C checks of
 * {@link EntryFormat} still catch corruption, though not forgery. Immutable and thread-safe.
 */
public final class EntryIntegrity {
  /** The metadata key that marks a tagged entry, and its value. */
  public static final String METADATA_KEY = "integrity";

  static final String ALGORITHM = "hmac-sha256";
  static final int TAG_BYTES = 32;
  static final int MIN_KEY_BYTES = 32;
  static final int MAX_HEAP_BYTES = 1 << 20;
  private static final byte[] DOMAIN = "memo/entry/1".getBytes(StandardCharsets.UTF_8);
  private static final String HOW_TO_CREATE = "head -c 32 /dev/urandom | base64";
  private static final EntryIntegrity NONE = new EntryIntegrity(null);

  private final SecretKeySpec key;

  private EntryIntegrity(SecretKeySpec key) {
    this.key = key;
  }

  /**
   * Returns the integrity configured by {@value MemoConfig#INTEGRITY_KEY_FILE} or {@value
   * MemoConfig#INTEGRITY_KEY_ENV}, or none when neither is set.
   *
   * @param config the root configuration
   * @param environment the environment variables, where {@code key-env} names one
   * @return the integrity
   * @throws MemoConfigurationException if both are set, or the key cannot be read, is not base64 or
   *     is shorter than 32 bytes; the message names the key and the file or variable, never the
   *     key's bytes
   */
  public static EntryIntegrity of(MemoConfig config, Map<String, String> environment) {
    Optional<String> file = config.get(MemoConfig.INTEGRITY_KEY_FILE);
    Optional<String> env = config.get(MemoConfig.INTEGRITY_KEY_ENV);
    if (file.isPresent() && env.isPresent()) {
      throw new MemoConfigurationException(
          MemoConfig.INTEGRITY_KEY_FILE
              + " and "
              + MemoConfig.INTEGRITY_KEY_ENV
              + " are both set; set only one of them");
    }
    if (file.isPresent()) {
      Path path = config.getPath(MemoConfig.INTEGRITY_KEY_FILE, null);
      String expected =
          "a readable file holding a base64-encoded key of at least " + MIN_KEY_BYTES + " bytes; ";
      String fix = "; create one with: " + HOW_TO_CREATE + " > " + path;
      if (Files.isDirectory(path)) {
        throw config.invalid(
            MemoConfig.INTEGRITY_KEY_FILE,
            expected
                + "it is a directory, not a"
                + " file; point it at the key file inside, or create one with: "
                + HOW_TO_CREATE
                + " > "
                + path.resolve("memo.key"));
      }
      String text;
      try {
        text = Files.readString(path, StandardCharsets.US_ASCII);
      } catch (IOException | RuntimeException e) {
        throw config.invalid(
            MemoConfig.INTEGRITY_KEY_FILE,
            expected + "reading it failed (" + e.getClass().getSimpleName() + ")" + fix);
      }
      return keyed(decode(text, config, MemoConfig.INTEGRITY_KEY_FILE, expected, path + " ", fix));
    }
    if (env.isPresent()) {
      String name = env.get();
      String expected =
          "the name of an environment variable holding a base64-encoded key of at"
              + " least "
              + MIN_KEY_BYTES
              + " bytes; ";
      String fix = "; set it to the output of: " + HOW_TO_CREATE;
      String text = environment.get(name);
      if (text == null || text.isBlank()) {
        throw config.invalid(MemoConfig.INTEGRITY_KEY_ENV, expected + name + " is not set" + fix);
      }
      return keyed(decode(text, config, MemoConfig.INTEGRITY_KEY_ENV, expected, name + " ", fix));
    }
    return NONE;
  }

  private static byte[] decode(
      String text, MemoConfig config, String configKey, String expected, String where, String fix) {
    byte[] bytes;
    try {
      // Line breaks and spaces are allowed, as base64 tools wrap their output; nothing else is.
      bytes = Base64.getDecoder().decode(text.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw config.invalid(configKey, expected + where + "does not hold base64 text" + fix);
    }
    if (bytes.length < MIN_KEY_BYTES) {
      throw config.invalid(configKey, expected + where + "holds " + bytes.length + " bytes" + fix);
    }
    return bytes;
  }

  private static EntryIntegrity keyed(byte[] bytes) {
    SecretKeySpec spec = new SecretKeySpec(bytes, "HmacSHA256");
    Arrays.fill(bytes, (byte) 0);
    return new EntryIntegrity(spec);
  }

  /**
   * Returns whether a key is configured.
   *
   * @return true if entries are tagged and verified
   */
  public boolean keyed() {
    return key != null;
  }

  /**
   * Marks the metadata of an entry about to be written as tagged, when a key is configured.
   *
   * @param metadata the entry's metadata, in writing order
   */
  public void annotate(Map<String, String> metadata) {
    if (keyed()) {
      metadata.put(METADATA_KEY, ALGORITHM);
    }
  }

  /**
   * Returns a stream that passes the entry's bytes on to {@code out} and, with a key, feeds them to
   * the MAC; {@link Signing#finish()} then writes the tag.
   *
   * @param out the store's stream
   * @param namespace the entry's namespace
   * @param signature the entry's key
   * @return the signing stream; closing it does not close {@code out}
   */
  public Signing signing(OutputStream out, String namespace, Signature signature) {
    return new Signing(out, keyed() ? mac(namespace, signature) : null);
  }

  /** Passes bytes on, feeding them to the MAC when there is a key. */
  public static final class Signing extends FilterOutputStream {
    private final Mac mac;

    Signing(OutputStream out, Mac mac) {
      super(out);
      this.mac = mac;
    }

    @Override
    public void write(int b) throws IOException {
      if (mac != null) {
        mac.update((byte) b);
      }
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (mac != null) {
        mac.update(b, off, len);
      }
      out.write(b, off, len);
    }

    /**
     * Writes the tag, when there is a key, and flushes.
     *
     * @throws IOException if writing fails
     */
    public void finish() throws IOException {
      if (mac != null) {
        out.write(mac.doFinal());
      }
      out.flush();
    }

    @Override
    public void close() throws IOException {
      flush(); // the store's stream is the store's to close
    }
  }

  /**
   * With a key, reads the whole entry, verifies its tag and returns its bytes without the tag;
   * closes {@code raw} either way. Without a key, returns {@code raw} as it is.
   *
   * @param raw the store's stream, positioned at the start of the entry
   * @param namespace the entry's namespace
   * @param signature the entry's key
   * @return the verified bytes, to be closed by the caller (which deletes any spill file)
   * @throws CorruptEntryException if the tag is missing or does not verify
   * @throws IOException if reading the store or the spill file fails
   */
  public InputStream verified(InputStream raw, String namespace, Signature signature)
      throws IOException {
    if (!keyed()) {
      return raw;
    }
    Mac mac = mac(namespace, signature);
    Spill spill = new Spill();
    boolean ok = false;
    try (raw) {
      byte[] buf = new byte[64 * 1024];
      byte[] held = new byte[TAG_BYTES]; // the last bytes seen: the tag, once the entry ends
      int h = 0;
      for (int n; (n = raw.read(buf)) != -1; ) {
        int release = h + n - TAG_BYTES;
        if (release <= 0) {
          System.arraycopy(buf, 0, held, h, n);
          h += n;
          continue;
        }
        int fromHeld = Math.min(h, release);
        mac.update(held, 0, fromHeld);
        spill.write(held, 0, fromHeld);
        int fromBuf = release - fromHeld;
        mac.update(buf, 0, fromBuf);
        spill.write(buf, 0, fromBuf);
        int keep = h - fromHeld;
        System.arraycopy(held, fromHeld, held, 0, keep);
        System.arraycopy(buf, fromBuf, held, keep, n - fromBuf);
        h = keep + n - fromBuf;
      }
      if (h < TAG_BYTES || !MessageDigest.isEqual(mac.doFinal(), held)) {
        throw new CorruptEntryException(
            "entry has no valid integrity tag: it was changed, written"
                + " with another key, or written without "
                + MemoConfig.INTEGRITY_KEY_FILE
                + " or "
                + MemoConfig.INTEGRITY_KEY_ENV);
      }
      InputStream verified = spill.read();
      ok = true;
      return verified;
    } finally {
      if (!ok) {
        spill.discard();
      }
    }
  }

  /**
   * Reads past the tag of a tagged entry when there is no key to check it with: its bytes were
   * already stripped by {@link #verified} when there is one.
   *
   * @param header the entry's header
   * @param in the entry, positioned after the payload's end marker
   * @throws CorruptEntryException if a tagged entry ends before its tag does
   * @throws IOException if reading fails
   */
  public void skipTag(EntryFormat.Header header, InputStream in) throws IOException {
    if (keyed() || !ALGORITHM.equals(header.metadata(METADATA_KEY))) {
      return;
    }
    if (in.readNBytes(TAG_BYTES).length != TAG_BYTES) {
      throw new CorruptEntryException("entry is truncated inside its integrity tag");
    }
  }

  /**
   * Returns the bytes of an entry that {@link #verified} strips, for counting them as read.
   *
   * @return the tag's length with a key, else 0
   */
  public int strippedBytes() {
    return keyed() ? TAG_BYTES : 0;
  }

  private Mac mac(String namespace, Signature signature) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
      byte[] sig = signature.bytes();
      mac.update(DOMAIN);
      mac.update(java.nio.ByteBuffer.allocate(4).putInt(ns.length).array());
      mac.update(ns);
      mac.update(java.nio.ByteBuffer.allocate(4).putInt(sig.length).array());
      mac.update(sig);
      return mac;
    } catch (GeneralSecurityException e) {
      // Every Java SE runtime must provide HmacSHA256.
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return keyed() ? "EntryIntegrity{hmac-sha256}" : "EntryIntegrity{none}";
  }

  /** The bytes of an entry being verified: in heap while small, then in a temporary file. */
  private static final class Spill {
    private byte @Nullable [] heap = new byte[8192];
    private int count;
    private Path file;
    private @Nullable OutputStream fileOut;

    void write(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return;
      }
      if (fileOut == null && count + len > MAX_HEAP_BYTES) {
        // Files.createTempFile gives owner-only permissions on POSIX file systems.
        file = Files.createTempFile("memo-verify-", ".entry");
        fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
        fileOut.write(heap, 0, count);
        heap = null;
      }
      if (fileOut != null) {
        fileOut.write(b, off, len);
        return;
      }
      if (count + len > heap.length) {
        heap =
            Arrays.copyOf(heap, Math.min(MAX_HEAP_BYTES, Math.max(count + len, heap.length * 2)));
      }
      System.arraycopy(b, off, heap, count, len);
      count += len;
    }

    InputStream read() throws IOException {
      if (fileOut == null) {
        return new ByteArrayInputStream(heap, 0, count);
      }
      fileOut.close();
      fileOut = null;
      return Files.newInputStream(file, StandardOpenOption.DELETE_ON_CLOSE);
    }

    void discard() {
      try {
        if (fileOut != null) {
          fileOut.close();
        }
        if (file != null) {
          Files.deleteIfExists(file);
        }
      } catch (IOException e) {
        // A leftover temporary file is the operating system's to clean; the entry is refused.
      }
    }
  }
}
