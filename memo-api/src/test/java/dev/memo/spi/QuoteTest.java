package dev.memo.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memo.FunctionOptions;
import org.junit.jupiter.api.Test;

final class QuoteTest {
  @Test
  void of_plainText_isQuotedAsItIs() {
    assertEquals("\"memo.store\"", Quote.of("memo.store"));
    assertEquals("null", Quote.of(null));
  }

  @Test
  void of_controlAndFormattingCharacters_areEscaped() {
    assertEquals(
        "\"a\\nb\\r\\tc\\u001b[31m\\u202e\\u2028\\\"q\\\"\\\\\"",
        Quote.of("a\nb\r\tc\u001b[31m\u202e\u2028\"q\"\\"));
  }

  @Test
  void of_longText_isCutToTwoHundredCharactersAndSaysHowLong() {
    assertEquals("\"" + "x".repeat(200) + "…\" (10000 characters)", Quote.of("x".repeat(10_000)));
    assertEquals("\"" + "x".repeat(200) + "\"", Quote.of("x".repeat(200)));
  }

  @Test
  void of_longTextCutInsideASurrogatePair_neverKeepsHalfACharacter() {
    String text = "x".repeat(199) + "😀" + "y";
    assertEquals("\"" + "x".repeat(199) + "…\" (202 characters)", Quote.of(text));
  }

  @Test
  void functionName_tenThousandCharactersWithControls_isRefusedQuotingTwoHundred() {
    String name = "\u001b[31m" + "x".repeat(10_000);

    var e = assertThrows(IllegalArgumentException.class, () -> FunctionOptions.named(name));

    assertEquals(
        "function name \"\\u001b[31m"
            + "x".repeat(195)
            + "…\" (10005 characters) is"
            + " invalid: use 1 to 200 characters, no control characters",
        e.getMessage());
  }
}
