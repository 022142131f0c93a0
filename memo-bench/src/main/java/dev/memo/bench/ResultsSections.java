package dev.memo.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code RESULTS.md} as its second-level sections, and how a regenerated report keeps the sections
 * that {@link Run} does not write: those of {@link Peers} ({@link PeersSection}) and those written
 * by hand after a run of their own. A section starts at a line {@code "## heading"} outside a
 * fenced code block and runs to the next such line or the end. Stateless; thread-safe.
 */
final class ResultsSections {
  private ResultsSections() {}

  /**
   * One second-level section of a text.
   *
   * @param heading the heading without its {@code "## "}
   * @param start where its heading line starts in the text
   * @param end where the next section starts, or the text's length
   */
  record Section(String heading, int start, int end) {
    /** Returns the section's text, heading line included. */
    String in(String text) {
      return text.substring(start, end);
    }
  }

  /**
   * Returns the second-level sections of a text, in order; what precedes the first is none of them.
   *
   * @param text a Markdown text, never null
   * @return its sections
   */
  static List<Section> sections(String text) {
    List<Section> sections = new ArrayList<>();
    boolean fenced = false;
    String heading = null;
    int start = 0;
    for (int at = 0; at < text.length(); ) {
      int newline = text.indexOf('\n', at);
      int next = newline < 0 ? text.length() : newline + 1;
      String line = text.substring(at, newline < 0 ? text.length() : newline);
      if (line.stripLeading().startsWith("```")) {
        fenced = !fenced;
      } else if (!fenced && line.startsWith("## ")) {
        if (heading != null) {
          sections.add(new Section(heading, start, at));
        }
        heading = line.substring(3).strip();
        start = at;
      }
      at = next;
    }
    if (heading != null) {
      sections.add(new Section(heading, start, text.length()));
    }
    return sections;
  }

  /**
   * Returns the section of a text with the given heading, the first if there are several.
   *
   * @param text a Markdown text, never null
   * @param heading the heading without its {@code "## "}
   * @return the section, or empty
   */
  static Optional<Section> find(String text, String heading) {
    return sections(text).stream().filter(s -> s.heading().equals(heading)).findFirst();
  }

  /**
   * Returns a freshly generated report followed by every section of the previous file that the
   * generator does not write and the report does not hold, in the previous file's order, each
   * ending in one blank line; the report as it is when there is none.
   *
   * @param previous the file being replaced, or the empty string
   * @param report the new report
   * @param generated the headings (without {@code "## "}) that the generator writes, whether or not
   *     this report has them: a table of a benchmark not run this time is dropped, not kept stale
   * @return the text to write
   */
  static String carryOver(String previous, String report, Set<String> generated) {
    Set<String> written = new HashSet<>(generated);
    sections(report).forEach(s -> written.add(s.heading()));
    StringBuilder kept = new StringBuilder();
    for (Section s : sections(previous)) {
      if (!written.contains(s.heading())) {
        kept.append(s.in(previous).stripTrailing()).append("\n\n");
      }
    }
    return kept.length() == 0 ? report : report.stripTrailing() + "\n\n" + kept;
  }
}
