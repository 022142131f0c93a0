package dev.memo.spi;

import org.jspecify.annotations.Nullable;

/**
 * Quotes text that came from a user (a key, a value, a function name) in a message: in double
 * quotes, cut to {@value #MAX_CHARS} characters, with control and invisible formatting characters
 * escaped, so that a message neither repeats ten thousand characters nor lets a line break or a
 * terminal escape forge a log line. Providers quote user input with it as memo does.
 *
 * <pre>{@code
 * Quote.of("a\nb")              // "a\nb", with a backslash and an n
 * Quote.of("x".repeat(10_000))  // "xxx…x…" (10000 characters), 200 of them shown
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Quote {
  /** The most characters of the text a quote shows. */
  public static final int MAX_CHARS = 200;

  private Quote() {}

  /**
   * Returns the text in double quotes, escaped and cut.
   *
   * @param text the text, may be null (quoted as {@code null}, without quotes)
   * @return the quote, never null
   */
  public static String of(@Nullable String text) {
    if (text == null) {
      return "null";
    }
    int end = Math.min(text.length(), MAX_CHARS);
    if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never half a character
    }
    StringBuilder sb = new StringBuilder(end + 24).append('"');
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        default:
          if (Character.isISOControl(c)
              || Character.getType(c) == Character.FORMAT
              || c == '\u2028'
              || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    if (end < text.length()) {
      return sb.append("…\" (").append(text.length()).append(" characters)").toString();
    }
    return sb.append('"').toString();
  }
}
