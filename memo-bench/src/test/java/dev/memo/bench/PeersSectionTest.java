package dev.memo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class PeersSectionTest {
  private static final String JMH =
      "# memo-bench results\n\nintro\n\n## SigningBench\n\n| a |\n\n" + "## CallBench\n\n| b |\n";
  private static final String SECTION =
      PeersSection.HEADING + "\n\n| workload | memo |\n| x | 1 |\n";

  @Test
  void replace_withoutSection_appendsItAfterTheRest() {
    assertEquals(JMH + "\n" + SECTION + "\n", PeersSection.replace(JMH, SECTION));
  }

  @Test
  void replace_withSection_replacesOnlyIt() {
    String withOld =
        "# memo-bench results\n\n"
            + PeersSection.HEADING
            + "\n\nold table\n\n"
            + "## SigningBench\n\n| a |\n";
    assertEquals(
        "# memo-bench results\n\n" + SECTION + "\n## SigningBench\n\n| a |\n",
        PeersSection.replace(withOld, SECTION));
  }

  @Test
  void replace_ofEmptyFile_isTheSection() {
    assertEquals(SECTION + "\n", PeersSection.replace("", SECTION));
  }

  @Test
  void find_headingInAFencedBlock_isNotTheSection() {
    String text = JMH + "\n```\n" + PeersSection.HEADING + "\n```\n";
    assertEquals("", PeersSection.find(text));
    assertEquals(
        text.stripTrailing() + "\n\n" + SECTION + "\n", PeersSection.replace(text, SECTION));
  }

  @Test
  void parsePeers_readsTheLinesOfJoblibBench() {
    Map<String, Map<String, Double>> peers =
        Peers.parsePeers(
            List.of(
                "joblib hit small: 121.0 us/call",
                "diskcache hit 1MiB float64 result: 139.5 us/call",
                "joblib hit with 1MiB float64 arg: 1650.2 us/call",
                "a line of something else"));
    assertEquals(
        Map.of(
            "joblib",
            Map.of("hit small", 121.0, "hit with 1MiB float64 arg", 1650.2),
            "diskcache",
            Map.of("hit 1MiB float64 result", 139.5)),
        peers);
  }
}
