package dev.memo.bench;

/**
 * The section of {@code RESULTS.md} that {@code memo-bench/peers} writes, and how it survives the
 * rest of the file being regenerated: {@link Run} writes everything else and carries this section
 * over; {@link Peers} replaces only this section. Stateless; thread-safe.
 */
final class PeersSection {
  /** The section's heading line; the section runs to the next second-level heading or the end. */
  static final String HEADING = "## Against joblib and diskcache";

  private PeersSection() {}

  /**
   * Returns the section in a file's text, from its heading to the next second-level heading or the
   * end, ending in one blank line; empty when the text has none.
   *
   * @param text a RESULTS.md, never null
   * @return the section, or the empty string
   */
  static String find(String text) {
    int start = start(text);
    if (start < 0) {
      return "";
    }
    return text.substring(start, end(text, start)).stripTrailing() + "\n\n";
  }

  /**
   * Returns the text with its section replaced by {@code section}, or with {@code section} appended
   * when it has none.
   *
   * @param text a RESULTS.md, never null
   * @param section the new section, starting with {@link #HEADING}
   * @return the new text
   */
  static String replace(String text, String section) {
    String body = section.stripTrailing() + "\n\n";
    int start = start(text);
    if (start < 0) {
      return text.isEmpty() ? body : text.stripTrailing() + "\n\n" + body;
    }
    return text.substring(0, start) + body + text.substring(end(text, start));
  }

  /**
   * Returns a freshly generated report with the section of the previous file carried over, so that
   * regenerating the JMH tables keeps the comparison with the peers.
   *
   * @param previous the RESULTS.md being replaced, or the empty string
   * @param report the new report, without the section
   * @return the report to write
   */
  static String carryOver(String previous, String report) {
    String kept = find(previous);
    return kept.isEmpty() ? report : replace(report, kept);
  }

  private static int start(String text) {
    if (text.startsWith(HEADING + "\n")) {
      return 0;
    }
    int i = text.indexOf("\n" + HEADING + "\n");
    return i < 0 ? -1 : i + 1;
  }

  private static int end(String text, int start) {
    int next = text.indexOf("\n## ", start + HEADING.length());
    return next < 0 ? text.length() : next + 1;
  }
}
