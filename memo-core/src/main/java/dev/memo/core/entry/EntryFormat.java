package dev.memo.core.entry;

import dev.memo.Signature;
import dev.memo.spi.ByteBufferSource;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of one stored entry.
 *
 * <pre>
 * magic "MEMO" | format version (1 byte) | header length (int) | header | header CRC32C (int)
 * header  = serde name | signer name | namespace | key | pair count (short) | (key, value)*
 *           (strings: u16 length + UTF-8; the key: u16 length + the signature's bytes)
 * payload = chunk* | end
 * chunk   = length (int, &gt; 0) | CRC32C of the chunk (int) | bytes
 * end     = 0 (int) | total payload length (long) | CRC32C of that long (int)
 * </pre>
 *
 * <p>The payload is chunked so that a result of any size streams straight from the serde into the
 * store and back, in one pass and without a second copy in heap, while every byte is still checked
 * before the serde sees it: a reader verifies each chunk's CRC before releasing its bytes, and the
 * end marker proves that nothing was cut off. The design page places length and checksum in the
 * header; that would force the writer to buffer the whole payload first.
 *
 * <p>Every header carries the full key it was written under, its namespace and signature, so that a
 * reader can refuse an entry that was moved, copied or linked to another key's place ({@link
 * Header#boundTo}). Version 1 had no key: such an entry cannot be told apart from one swapped with
 * another key's. {@link #readHeader} still reads its header (for listing), and {@link EntryReader}
 * refuses it with an {@link OutdatedEntryException}, which memo treats as a plain miss (the call is
 * computed again and its entry rewritten in version 2).
 */
public final class EntryFormat {
  static final byte[] MAGIC = {'M', 'E', 'M', 'O'};
  static final int VERSION = 2;

  /** The last version whose header held no key: its entries are outdated, not broken. */
  static final int UNBOUND_VERSION = 1;

  static final int MAX_CHUNK = 64 * 1024;
  private static final int MAX_HEADER = 1 << 24;

  private EntryFormat() {}

  /**
   * What an entry's header says. A header read from an entry keeps its metadata as the bytes it was
   * read from until {@link #metadata()} is first asked for, so that a hit, which needs only the
   * serde and signer names, does not decode every pair. Thread-safe.
   */
  public static final class Header {
    private final String serde;
    private final String signer;
    private final String namespace;
    private final byte[] key;
    private volatile Map<String, String> metadata;

    /** The header's bytes and where its pair count starts, when read from an entry; else null. */
    private final byte @Nullable [] raw;

    private final int pairsAt;

    /**
     * Creates the header of an entry about to be written under a key.
     *
     * @param serde the serde name
     * @param signer the signer name
     * @param namespace the namespace the entry is written under
     * @param key the key the entry is written under
     * @param metadata entry metadata, kept in order
     */
    public Header(
        String serde,
        String signer,
        String namespace,
        Signature key,
        Map<String, String> metadata) {
      this.serde = serde;
      this.signer = signer;
      this.namespace = Objects.requireNonNull(namespace, "namespace");
      this.key = key.bytes();
      this.metadata = Map.copyOf(metadata);
      this.raw = null;
      this.pairsAt = 0;
    }

    private Header(
        String serde, String signer, String namespace, byte[] key, byte[] raw, int pairsAt) {
      this.serde = serde;
      this.signer = signer;
      this.namespace = namespace;
      this.key = key;
      this.raw = raw;
      this.pairsAt = pairsAt;
    }

    /**
     * Returns whether the header names the key it was written under: false only for an entry of
     * format version 1, which {@link EntryReader} refuses as outdated.
     *
     * @return true if {@link #namespace()} and {@link #key()} are known
     */
    public boolean bound() {
      return namespace != null;
    }

    /**
     * @return the namespace the entry was written under; null if not {@link #bound()}
     */
    public @Nullable String namespace() {
      return namespace;
    }

    /**
     * @return the key the entry was written under; null if not {@link #bound()}
     */
    public @Nullable Signature key() {
      return key == null ? null : Signature.of(key);
    }

    /**
     * Returns whether the entry was written under this namespace and key: an entry read from any
     * other place was moved, copied or linked there, and must not be taken for that key's.
     *
     * @param namespace the namespace the entry was read from
     * @param key the key the entry was read under
     * @return true if both match
     */
    public boolean boundTo(String namespace, Signature key) {
      return bound() && this.namespace.equals(namespace) && Arrays.equals(this.key, key.bytes());
    }

    /**
     * @return the serde that wrote the payload
     */
    public String serde() {
      return serde;
    }

    /**
     * @return the signer of the entry's key
     */
    public String signer() {
      return signer;
    }

    /**
     * @return the metadata
     */
    public Map<String, String> metadata() {
      Map<String, String> m = metadata;
      if (m == null) {
        Map<String, String> decoded = new LinkedHashMap<>();
        int pairs = u16(raw, pairsAt);
        for (int i = 0, at = pairsAt + 2; i < pairs; i++) {
          String k = string(raw, at);
          at += 2 + u16(raw, at);
          decoded.put(k, string(raw, at));
          at += 2 + u16(raw, at);
        }
        m = Map.copyOf(decoded);
        metadata = m;
      }
      return m;
    }

    /**
     * Returns one metadata value, without decoding the others.
     *
     * @param key the metadata key
     * @return the value, or null if the header has no such key
     */
    public @Nullable String metadata(String key) {
      Map<String, String> m = metadata;
      if (m != null) {
        return m.get(key);
      }
      byte[] k = key.getBytes(StandardCharsets.UTF_8);
      int pairs = u16(raw, pairsAt);
      for (int i = 0, at = pairsAt + 2; i < pairs; i++) {
        int kl = u16(raw, at);
        boolean match = kl == k.length && Arrays.equals(raw, at + 2, at + 2 + kl, k, 0, k.length);
        at += 2 + kl;
        if (match) {
          return string(raw, at);
        }
        at += 2 + u16(raw, at);
      }
      return null;
    }
  }

  /**
   * Writes the magic, version and header.
   *
   * @param header the header
   * @param metadataInOrder the metadata in the order to write it
   * @param out where to write
   * @throws IOException if writing fails
   */
  public static void writeHeader(
      Header header, Map<String, String> metadataInOrder, OutputStream out) throws IOException {
    // Encoded once, then laid out in one array of the exact size (a miss writes one header, and
    // every byte a miss allocates is paid again as fresh pages while the heap grows).
    byte[][] strings = new byte[3 + 2 * metadataInOrder.size()][];
    strings[0] = utf8(header.serde());
    strings[1] = utf8(header.signer());
    strings[2] = utf8(header.namespace);
    int i = 3;
    for (Map.Entry<String, String> e : metadataInOrder.entrySet()) {
      strings[i++] = utf8(e.getKey());
      strings[i++] = utf8(e.getValue());
    }
    int length = 2 + header.key.length + 2;
    for (byte[] b : strings) {
      length += 2 + b.length;
    }
    java.nio.ByteBuffer all = java.nio.ByteBuffer.allocate(4 + 1 + 4 + length + 4);
    all.put(MAGIC).put((byte) VERSION).putInt(length);
    int start = all.position();
    for (i = 0; i < 3; i++) {
      all.putShort((short) strings[i].length).put(strings[i]);
    }
    all.putShort((short) header.key.length).put(header.key);
    all.putShort((short) metadataInOrder.size());
    for (i = 3; i < strings.length; i++) {
      all.putShort((short) strings[i].length).put(strings[i]);
    }
    all.putInt(crc(all.array(), start, length));
    // One write: the store's stream may be unbuffered.
    out.write(all.array());
  }

  private static byte[] utf8(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0xFFFF) {
      throw new IllegalArgumentException("header string longer than 65535 bytes");
    }
    return b;
  }

  /**
   * Reads and checks the magic, version and header.
   *
   * @param in the entry's bytes, positioned at the start
   * @return the header
   * @throws CorruptEntryException if any check fails
   * @throws IOException if reading fails
   */
  public static Header readHeader(InputStream in) throws IOException {
    byte[] start = new byte[9];
    if (in.readNBytes(start, 0, 9) != 9) {
      throw new CorruptEntryException("entry is truncated inside its header");
    }
    if (!Arrays.equals(start, 0, 4, MAGIC, 0, 4)) {
      throw new CorruptEntryException("not a memo entry (bad magic)");
    }
    int version = start[4] & 0xFF;
    if (version != VERSION && version != UNBOUND_VERSION) {
      throw new CorruptEntryException("entry format version " + version + " is not " + VERSION);
    }
    int length = int32(start, 5);
    if (length < 0 || length > MAX_HEADER) {
      throw new CorruptEntryException("header length " + length + " is out of range");
    }
    // The header and its checksum in one read, into one array.
    byte[] bytes = new byte[length + 4];
    if (in.readNBytes(bytes, 0, bytes.length) != bytes.length) {
      throw new CorruptEntryException("entry is truncated inside its header");
    }
    if (int32(bytes, length) != crc(bytes, 0, length)) {
      throw new CorruptEntryException("header checksum mismatch");
    }
    // Every string must lie inside the header, checked now so that decoding later cannot fail.
    int at = 0;
    int names = version == UNBOUND_VERSION ? 2 : 4;
    for (int i = 0; i < names; i++) {
      at = skipString(bytes, at, length);
    }
    int pairsAt = at;
    if (pairsAt + 2 > length) {
      throw new CorruptEntryException("entry is truncated inside its header");
    }
    int pairs = u16(bytes, pairsAt);
    at += 2;
    for (int i = 0; i < 2 * pairs; i++) {
      at = skipString(bytes, at, length);
    }
    int signerAt = 2 + u16(bytes, 0);
    if (version == UNBOUND_VERSION) {
      return new Header(string(bytes, 0), string(bytes, signerAt), null, null, bytes, pairsAt);
    }
    int namespaceAt = signerAt + 2 + u16(bytes, signerAt);
    int keyAt = namespaceAt + 2 + u16(bytes, namespaceAt);
    byte[] key = Arrays.copyOfRange(bytes, keyAt + 2, keyAt + 2 + u16(bytes, keyAt));
    return new Header(
        string(bytes, 0), string(bytes, signerAt), string(bytes, namespaceAt), key, bytes, pairsAt);
  }

  private static int skipString(byte[] b, int at, int length) throws CorruptEntryException {
    if (at + 2 > length || at + 2 + u16(b, at) > length) {
      throw new CorruptEntryException("entry is truncated inside its header");
    }
    return at + 2 + u16(b, at);
  }

  private static int u16(byte[] b, int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }

  private static int int32(byte[] b, int at) {
    return (b[at] << 24)
        | ((b[at + 1] & 0xFF) << 16)
        | ((b[at + 2] & 0xFF) << 8)
        | (b[at + 3] & 0xFF);
  }

  private static String string(byte[] b, int at) {
    return new String(b, at + 2, u16(b, at), StandardCharsets.UTF_8);
  }

  /**
   * Returns a stream that writes the chunked payload to {@code out}; closing it writes the end
   * marker but does not close {@code out}.
   *
   * @param out the entry stream, positioned after the header
   * @return the payload stream
   */
  public static PayloadOutputStream payloadOutput(OutputStream out) {
    return new PayloadOutputStream(out);
  }

  /**
   * Returns a stream over the chunked payload that checks every chunk before releasing it.
   *
   * @param in the entry stream, positioned after the header
   * @return the payload stream
   */
  public static PayloadInputStream payloadInput(InputStream in) {
    return new PayloadInputStream(in);
  }

  static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  /** Writes payload chunks; the buffer grows with the payload up to one chunk. */
  public static final class PayloadOutputStream extends OutputStream {
    private final DataOutputStream out;
    private byte[] buf = new byte[512];
    private int count;
    private long total;
    private boolean closed;

    PayloadOutputStream(OutputStream out) {
      this.out = new DataOutputStream(out);
    }

    @Override
    public void write(int b) throws IOException {
      if (count == buf.length) {
        makeRoom();
      }
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (count == buf.length) {
          makeRoom();
        }
        int n = Math.min(len, buf.length - count);
        System.arraycopy(b, off, buf, count, n);
        count += n;
        off += n;
        len -= n;
      }
    }

    private void makeRoom() throws IOException {
      if (buf.length < MAX_CHUNK) {
        buf = Arrays.copyOf(buf, Math.min(MAX_CHUNK, buf.length * 4));
      } else {
        writeChunk();
      }
    }

    private void writeChunk() throws IOException {
      if (count > 0) {
        out.writeInt(count);
        out.writeInt(crc(buf, 0, count));
        out.write(buf, 0, count);
        total += count;
        count = 0;
      }
    }

    /**
     * @return payload bytes written so far, including those still buffered
     */
    public long size() {
      return total + count;
    }

    /** Writes the last chunk and the end marker. Does not close the entry stream. */
    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      writeChunk();
      out.writeInt(0);
      out.writeLong(total);
      byte[] t = new byte[8];
      for (int i = 0; i < 8; i++) {
        t[i] = (byte) (total >>> (56 - 8 * i));
      }
      out.writeInt(crc(t, 0, 8));
      out.flush();
    }
  }

  /**
   * Reads payload chunks, releasing each only after its checksum matched. When the entry's bytes
   * are in memory (a {@link CountingInputStream} over a {@link ByteBufferSource}), a chunk is
   * checked and served where it lies, without a copy, and the payload is itself a {@link
   * ByteBufferSource}, so that a serde can copy a large value straight out of the store's buffer.
   */
  public static final class PayloadInputStream extends InputStream implements ByteBufferSource {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final InputStream in;
    private final @Nullable CountingInputStream inMemory;

    /**
     * The chunk headers' and end marker's numbers, read here (a DataInputStream allocates 400 B).
     */
    private final byte[] scratch = new byte[8];

    private byte[] heap = new byte[0];

    /** The current chunk's bytes, checked: a view of the entry's memory or of {@link #heap}. */
    private ByteBuffer chunk = EMPTY;

    private int pos;
    private int limit;
    private long total;
    private boolean ended;

    PayloadInputStream(InputStream in) {
      this.in = in;
      this.inMemory =
          in instanceof CountingInputStream && ((CountingInputStream) in).inMemory()
              ? (CountingInputStream) in
              : null;
    }

    private boolean fill() throws IOException {
      while (pos == limit) {
        if (ended) {
          return false;
        }
        try {
          int length = readInt();
          if (length == 0) {
            long declared = readLong();
            byte[] t = new byte[8];
            for (int i = 0; i < 8; i++) {
              t[i] = (byte) (declared >>> (56 - 8 * i));
            }
            if (readInt() != crc(t, 0, 8) || declared != total) {
              throw new CorruptEntryException("payload end marker does not match the bytes read");
            }
            ended = true;
            return false;
          }
          if (length < 0 || length > MAX_CHUNK) {
            throw new CorruptEntryException("payload chunk length " + length + " is out of range");
          }
          int expected = readInt();
          chunk = read(length);
          CRC32C c = new CRC32C();
          c.update(chunk.duplicate());
          if ((int) c.getValue() != expected) {
            throw new CorruptEntryException("payload chunk checksum mismatch at byte " + total);
          }
          pos = 0;
          limit = length;
          total += length;
        } catch (EOFException e) {
          throw new CorruptEntryException("entry is truncated after " + total + " payload bytes");
        }
      }
      return true;
    }

    /** Reads a chunk's bytes: a view where they lie in memory, else a copy into {@link #heap}. */
    private ByteBuffer read(int length) throws IOException {
      int copied = 0;
      if (inMemory != null) {
        ByteBuffer view = inMemory.next(length);
        if (view.remaining() == length) {
          return view;
        }
        // The source gave less than a chunk at once: gather it.
        ensureHeap(length);
        copied = view.remaining();
        view.get(heap, 0, copied);
      } else {
        ensureHeap(length);
      }
      readFully(heap, copied, length - copied);
      return ByteBuffer.wrap(heap, 0, length);
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
      if (in.readNBytes(b, off, len) != len) {
        throw new EOFException();
      }
    }

    private int readInt() throws IOException {
      readFully(scratch, 0, 4);
      return int32(scratch, 0);
    }

    private long readLong() throws IOException {
      readFully(scratch, 0, 8);
      return ((long) int32(scratch, 0) << 32) | (int32(scratch, 4) & 0xFFFFFFFFL);
    }

    private void ensureHeap(int length) {
      if (heap.length < length) {
        heap = new byte[Math.max(length, Math.min(MAX_CHUNK, heap.length * 2))];
      }
    }

    @Override
    public int read() throws IOException {
      return fill() ? chunk.get(pos++) & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, limit - pos);
      chunk.get(pos, b, off, n);
      pos += n;
      return n;
    }

    /**
     * Returns up to {@code max} of the next checked payload bytes, never more than are left of the
     * current chunk: a view of the entry's memory where it is in memory, else of this stream's
     * copy.
     */
    @Override
    public ByteBuffer next(int max) throws IOException {
      if (max < 1) {
        throw new IllegalArgumentException("max must be at least 1, not " + max);
      }
      if (!fill()) {
        return EMPTY;
      }
      int n = Math.min(max, limit - pos);
      ByteBuffer view = chunk.slice(pos, n).asReadOnlyBuffer();
      pos += n;
      return view;
    }

    @Override
    public int available() {
      return limit - pos;
    }

    /**
     * Reads what the serde left unread and checks the end marker, so that a value is accepted only
     * when the whole payload was intact.
     *
     * @throws CorruptEntryException if the rest of the payload or the end marker is bad
     * @throws IOException if reading fails
     */
    public void verifyEnd() throws IOException {
      while (fill()) {
        pos = limit;
      }
    }

    /**
     * @return payload bytes read so far
     */
    public long size() {
      return total;
    }
  }
}
