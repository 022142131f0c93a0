package dev.memo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

final class ResultsSectionsTest {
  private static final Set<String> GENERATED = Set.of("Targets", "SigningBench", "CallBench");
  private static final String REPORT =
      "# memo-bench results\n\nnew intro\n\n## Targets\n\n| t2 |\n\n## SigningBench\n\n| a2 |\n";
  private static final String HAND = "## RedisBench (run by hand)\n\nhand table\n";
  private static final String PEERS = PeersSection.HEADING + "\n\n| workload | memo |\n";
  private static final String LATER = "## Flight recorder (hand-run)\n\n- a note\n";

  private static List<String> headings(String text) {
    return ResultsSections.sections(text).stream()
        .map(ResultsSections.Section::heading)
        .collect(Collectors.toList());
  }

  @Test
  void carryOver_keepsEverySectionItDoesNotWrite_inTheirOrderAfterTheReport() {
    String previous =
        "# memo-bench results\n\nold intro\n\n## Targets\n\n| t |\n\n"
            + HAND
            + "\n## SigningBench\n\n| a |\n\n"
            + PEERS
            + "\n"
            + LATER;
    assertEquals(
        REPORT + "\n" + HAND + "\n" + PEERS + "\n" + LATER + "\n",
        ResultsSections.carryOver(previous, REPORT, GENERATED));
  }

  @Test
  void carryOver_tableOfABenchmarkNotRunThisTime_isDroppedNotKeptStale() {
    String previous = "# r\n\n## CallBench\n\n| stale |\n\n" + HAND;
    String written = ResultsSections.carryOver(previous, REPORT, GENERATED);
    assertEquals(REPORT + "\n" + HAND + "\n", written);
    assertFalse(written.contains("stale"));
  }

  @Test
  void carryOver_sectionTheReportHolds_isNotRepeated() {
    String report = REPORT + "\n## Extra\n\nnew\n";
    String previous = "# r\n\n## Extra\n\nold\n";
    assertEquals(report, ResultsSections.carryOver(previous, report, GENERATED));
  }

  @Test
  void carryOver_previousWithOnlyGeneratedSections_writesTheReportAsItIs() {
    assertEquals(REPORT, ResultsSections.carryOver(REPORT.replace("2", ""), REPORT, GENERATED));
    assertEquals(REPORT, ResultsSections.carryOver("", REPORT, GENERATED));
  }

  @Test
  void sections_headingLinesInFencedCode_belongToTheSectionAroundThem() {
    String previous = "## Notes (hand-run)\n\n```\n## SigningBench\n```\n\nafter\n";
    assertEquals(List.of("Notes (hand-run)"), headings(previous));
    assertEquals(
        REPORT + "\n" + previous + "\n", ResultsSections.carryOver(previous, REPORT, GENERATED));
  }

  @Test
  void carryOver_ofTheCommittedResults_keepsEveryHandWrittenSectionAndNoOldTable()
      throws IOException {
    String previous = Files.readString(Path.of("RESULTS.md"), StandardCharsets.UTF_8);
    Set<String> generated = Run.generatedHeadings();
    List<ResultsSections.Section> kept =
        ResultsSections.sections(previous).stream()
            .filter(s -> !generated.contains(s.heading()))
            .collect(Collectors.toList());
    assertTrue(
        kept.stream().anyMatch(s -> s.heading().equals(PeersSection.HEADING.substring(3))),
        "the committed file has the peers' section: " + headings(previous));
    assertTrue(kept.size() > 1, "and hand-written ones: " + headings(previous));
    String report = "# memo-bench results\n\nregenerated\n\n## Targets\n\n| new |\n";

    String written = ResultsSections.carryOver(previous, report, generated);

    List<String> expected = new ArrayList<>(List.of("Targets"));
    kept.forEach(s -> expected.add(s.heading()));
    assertEquals(expected, headings(written));
    for (ResultsSections.Section s : kept) {
      assertTrue(written.contains(s.in(previous).stripTrailing()), s.heading());
    }
  }

  @Test
  void generatedHeadings_areTheTargetsAndEveryBenchmarkTable() {
    Set<String> generated = Run.generatedHeadings();
    assertTrue(
        generated.containsAll(Set.of("Targets", "SigningBench", "RedisBench")), "" + generated);
    assertFalse(generated.contains(PeersSection.HEADING.substring(3)));
  }
}
