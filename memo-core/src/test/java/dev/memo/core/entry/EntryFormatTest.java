package dev.memo.core.entry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memo.Signature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntryFormatTest {
  private static final Signature KEY = Signature.of(new byte[] {1, 2, 3, 4});

  private static byte[] header(Map<String, String> metadata) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EntryFormat.writeHeader(
        new EntryFormat.Header("java", "sha256", "f", KEY, metadata), metadata, out);
    return out.toByteArray();
  }

  private static Map<String, String> metadata() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("function", "primes-below");
    m.put("integrity", "hmac-sha256");
    m.put("note", "μέμο");
    m.put("empty", "");
    return m;
  }

  @Test
  void readHeader_ofAWrittenHeader_givesBackNamesAndMetadata() throws IOException {
    byte[] bytes = header(metadata());

    EntryFormat.Header read = EntryFormat.readHeader(new ByteArrayInputStream(bytes));

    assertEquals("java", read.serde());
    assertEquals("sha256", read.signer());
    assertEquals(metadata(), read.metadata());
  }

  @Test
  void metadataOfOneKey_findsItWithOrWithoutTheWholeMapDecoded() throws IOException {
    byte[] bytes = header(metadata());
    EntryFormat.Header lazy = EntryFormat.readHeader(new ByteArrayInputStream(bytes));
    EntryFormat.Header decoded = EntryFormat.readHeader(new ByteArrayInputStream(bytes));
    decoded.metadata();

    for (EntryFormat.Header h : List.of(lazy, decoded)) {
      assertEquals("hmac-sha256", h.metadata("integrity"));
      assertEquals("μέμο", h.metadata("note"));
      assertEquals("", h.metadata("empty"));
      assertNull(h.metadata("integrit"));
      assertNull(h.metadata("missing"));
    }
  }

  @Test
  void readHeader_leavesThePayloadUnread() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header(metadata()));
    out.writeBytes(new byte[] {1, 2, 3});
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());

    EntryFormat.readHeader(in);

    assertEquals(Arrays.toString(new byte[] {1, 2, 3}), Arrays.toString(in.readAllBytes()));
  }

  @Test
  void readHeader_truncatedAnywhere_isCorruptSayingSo() throws IOException {
    byte[] bytes = header(metadata());

    for (int cut = 0; cut < bytes.length; cut++) {
      byte[] truncated = Arrays.copyOf(bytes, cut);
      CorruptEntryException e =
          assertThrows(
              CorruptEntryException.class,
              () -> EntryFormat.readHeader(new ByteArrayInputStream(truncated)));
      assertEquals("entry is truncated inside its header", e.getMessage(), "cut at " + cut);
    }
  }

  @Test
  void readHeader_withAStringLongerThanTheHeader_isCorrupt() throws IOException {
    // A header whose checksum is right but whose last pair's value claims more bytes than remain.
    byte[] bytes = header(Map.of("k", "v"));
    int length = ByteBuffer.wrap(bytes, 5, 4).getInt();
    byte[] body = Arrays.copyOfRange(bytes, 9, 9 + length);
    body[body.length - 3] = 0x7F; // the value's length, high byte
    ByteBuffer forged = ByteBuffer.allocate(bytes.length);
    forged.put(bytes, 0, 9).put(body).putInt(EntryFormat.crc(body, 0, body.length));

    CorruptEntryException e =
        assertThrows(
            CorruptEntryException.class,
            () -> EntryFormat.readHeader(new ByteArrayInputStream(forged.array())));

    assertEquals("entry is truncated inside its header", e.getMessage());
  }

  @Test
  void readHeader_withABadMagicOrChecksum_isCorruptSayingWhich() throws IOException {
    byte[] magic = header(metadata());
    magic[0] = 'X';
    byte[] checksum = header(metadata());
    checksum[checksum.length - 1] ^= 1;

    assertEquals(
        "not a memo entry (bad magic)",
        assertThrows(
                CorruptEntryException.class,
                () -> EntryFormat.readHeader(new ByteArrayInputStream(magic)))
            .getMessage());
    assertEquals(
        "header checksum mismatch",
        assertThrows(
                CorruptEntryException.class,
                () -> EntryFormat.readHeader(new ByteArrayInputStream(checksum)))
            .getMessage());
  }
}
