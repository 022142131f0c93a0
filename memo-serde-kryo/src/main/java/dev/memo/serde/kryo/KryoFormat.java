package dev.memo.serde.kryo;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import dev.memo.SerdeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.jar.Manifest;
import java.util.zip.CRC32;

/**
 * The preamble every kryo payload starts with, which makes a payload written by another Kryo
 * version, or by another layout of this module's serializers, a broken entry (recomputed) rather
 * than a misread:
 *
 * <pre>
 * 'k' 'y'                       two marker bytes
 * FORMAT                        one byte: this module's layout of the payload, 2 (since a
 *                               collection's or map's elements sharing a class are written
 *                               after that class, once: {@link JdkSerializers.Elements})
 * n, version                    one byte n, then n ASCII bytes: the Kryo version ("5.6.2")
 * kind                          one byte: GRAPH (0) a Kryo object graph follows (class by name,
 *                               then the object), RAW (1) memo-serde-java's raw value follows
 *                               (a primitive array or a String, behind its 'm' 'r' marker)
 * </pre>
 *
 * <p>The Kryo version is read from the {@code Bundle-Version} of the jar Kryo was loaded from, or,
 * when Kryo was repackaged without its manifest, is the CRC-32 of Kryo's own class file. Stateless
 * and thread-safe.
 */
final class KryoFormat {
  static final int MARKER_0 = 'k';
  static final int MARKER_1 = 'y';
  static final int FORMAT = 2;
  static final int GRAPH = 0;
  static final int RAW = 1;

  /** The version of the Kryo on the class path, as the preamble records it. */
  static final String KRYO_VERSION = kryoVersion();

  private static final byte[] PREAMBLE = preamble(KRYO_VERSION);

  private KryoFormat() {}

  static byte[] preamble(String version) {
    byte[] v = version.getBytes(StandardCharsets.US_ASCII);
    byte[] p = new byte[4 + v.length];
    p[0] = MARKER_0;
    p[1] = MARKER_1;
    p[2] = FORMAT;
    p[3] = (byte) v.length;
    System.arraycopy(v, 0, p, 4, v.length);
    return p;
  }

  static void writePreamble(Output output, int kind) {
    output.writeBytes(PREAMBLE);
    output.writeByte(kind);
  }

  /**
   * Reads the preamble and returns the kind that follows.
   *
   * @throws SerdeException if the payload is not a kryo payload, or was written by another Kryo
   *     version or another format, naming both
   */
  static int readPreamble(Input input) {
    if (input.limit() - input.position() < 4
        || input.readByte() != MARKER_0
        || input.readByte() != MARKER_1) {
      throw new SerdeException(
          "payload does not start with the kryo serde's marker; it is"
              + " corrupt or was not written by this serde");
    }
    int format = input.readByte() & 0xFF;
    int n = input.readByte() & 0xFF;
    if (input.limit() - input.position() < n + 1) {
      throw new SerdeException("payload ends before the value is complete; it is truncated");
    }
    String version = new String(input.getBuffer(), input.position(), n, StandardCharsets.US_ASCII);
    input.skip(n);
    if (format != FORMAT || !version.equals(KRYO_VERSION)) {
      throw new SerdeException(
          "payload was written by Kryo "
              + version
              + " in format "
              + format
              + ", and this is Kryo "
              + KRYO_VERSION
              + " in format "
              + FORMAT
              + "; the entry is stale and must be recomputed");
    }
    int kind = input.readByte();
    if (kind != GRAPH && kind != RAW) {
      throw new SerdeException("payload holds an unknown kind " + kind + "; it is corrupt");
    }
    return kind;
  }

  private static String kryoVersion() {
    URL cls = Kryo.class.getResource("Kryo.class");
    if (cls != null && "jar".equals(cls.getProtocol())) {
      String url = cls.toString();
      int bang = url.indexOf("!/");
      try (InputStream in =
          new URL(url.substring(0, bang + 2) + "META-INF/MANIFEST.MF").openStream()) {
        String version = new Manifest(in).getMainAttributes().getValue("Bundle-Version");
        if (version != null && !version.isEmpty() && version.length() < 100) {
          return version;
        }
      } catch (IOException | RuntimeException e) {
        // fall back to the class file's checksum below
      }
    }
    try (InputStream in = Kryo.class.getResourceAsStream("Kryo.class")) {
      CRC32 crc = new CRC32();
      crc.update(in.readAllBytes());
      return "crc32-" + Long.toHexString(crc.getValue());
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read Kryo's class file to identify its version", e);
    }
  }
}
