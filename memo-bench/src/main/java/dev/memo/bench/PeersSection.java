package dev.memo.bench;

import java.util.Optional;

/**
 * The section of {@code RESULTS.md} that {@code memo-bench/peers} writes: {@link Peers} replaces
 * only this section, and {@link Run} carries it over with the other sections it does not write
 * ({@link ResultsSections#carryOver}). Stateless; thread-safe.
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
    return section(text).map(s -> s.in(text).stripTrailing() + "\n\n").orElse("");
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
    Optional<ResultsSections.Section> old = section(text);
    if (old.isEmpty()) {
      return text.isEmpty() ? body : text.stripTrailing() + "\n\n" + body;
    }
    return text.substring(0, old.get().start()) + body + text.substring(old.get().end());
  }

  private static Optional<ResultsSections.Section> section(String text) {
    return ResultsSections.find(text, HEADING.substring(3));
  }
}
