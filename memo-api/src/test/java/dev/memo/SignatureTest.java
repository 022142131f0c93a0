package dev.memo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SignatureTest {
  @Test
  void hex_roundTrips() {
    Signature s = Signature.of(new byte[] {0, 1, (byte) 0xab, (byte) 0xff});
    assertEquals("0001abff", s.hex());
    assertEquals(s, Signature.fromHex("0001ABFF"));
    assertEquals(s.hashCode(), Signature.fromHex("0001abff").hashCode());
  }

  @Test
  void of_copiesItsInput() {
    byte[] b = {1, 2};
    Signature s = Signature.of(b);
    b[0] = 9;
    assertArrayEquals(new byte[] {1, 2}, s.bytes());
    s.bytes()[1] = 9;
    assertEquals("0102", s.hex());
  }

  @Test
  void compareTo_isUnsignedLexicographic() {
    assertEquals(-1, Integer.signum(Signature.fromHex("01").compareTo(Signature.fromHex("ff"))));
    assertNotEquals(Signature.fromHex("01"), Signature.fromHex("0100"));
  }

  @Test
  void fromHex_rejectsBadInputQuotingIt() {
    var e = assertThrows(IllegalArgumentException.class, () -> Signature.fromHex("abc"));
    assertEquals(
        "\"abc\" is not a signature: expected an even, non-zero number of hex digits",
        e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> Signature.fromHex("zz"));
    assertEquals(
        "\"zz\" is not a signature: expected only hex digits 0-9 and a-f", e2.getMessage());
  }
}
