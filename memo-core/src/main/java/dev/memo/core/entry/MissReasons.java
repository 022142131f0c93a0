package dev.memo.core.entry;

import dev.memo.Explanation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reason for a miss as a function's latest-entry record keeps it, so that {@code memo why} can
 * tell after the fact why a run recomputed. Stateless and thread-safe.
 *
 * <p>Format, in the record's metadata (all values UTF-8 strings):
 *
 * <pre>
 * miss.reason        first | changed | gone   (gone: same signature, entry no longer stored)
 * miss.code          code items that differ, separated by a line feed (absent when none)
 * miss.environment   environment items that differ, separated by a line feed (absent when none)
 * miss.arguments     0-based parameter positions that differ, separated by commas (absent when none)
 * </pre>
 *
 * A record written before this format has no {@code miss.reason}: it records no reason, and {@link
 * #decode} returns empty for it, as for a reason it cannot read.
 */
public final class MissReasons {
  /** The namespace of memo's records, whose control character no function name can contain. */
  public static final String NAMESPACE = "\u0001memo-records";

  /** The serde name in a record's header. */
  public static final String SERDE = "memo-record";

  private static final String REASON = "miss.reason";
  private static final String CODE = "miss.code";
  private static final String ENVIRONMENT = "miss.environment";
  private static final String ARGUMENTS = "miss.arguments";

  private MissReasons() {}

  /**
   * Returns the metadata pairs that keep a miss's explanation.
   *
   * @param why the explanation of a miss, not a hit; not null
   * @return the pairs, in the order to write them
   */
  public static Map<String, String> encode(Explanation why) {
    Map<String, String> m = new LinkedHashMap<>();
    if (!why.hasEarlierEntry()) {
      m.put(REASON, "first");
      return m;
    }
    m.put(REASON, why.changedParts().isEmpty() ? "gone" : "changed");
    if (!why.changedCode().isEmpty()) {
      m.put(CODE, String.join("\n", why.changedCode()));
    }
    if (!why.changedEnvironment().isEmpty()) {
      m.put(ENVIRONMENT, String.join("\n", why.changedEnvironment()));
    }
    if (!why.changedArguments().isEmpty()) {
      List<String> positions = new ArrayList<>();
      for (int p : why.changedArguments()) {
        positions.add(Integer.toString(p));
      }
      m.put(ARGUMENTS, String.join(",", positions));
    }
    return m;
  }

  /**
   * Reads the explanation a record keeps.
   *
   * @param function the function the record is of; not null
   * @param metadata the record's metadata; not null
   * @return the explanation of the miss that wrote the record; empty for a record written before
   *     reasons were kept, or one whose reason cannot be read
   */
  public static Optional<Explanation> decode(String function, Map<String, String> metadata) {
    String reason = metadata.get(REASON);
    if ("first".equals(reason)) {
      return Optional.of(Explanation.firstMiss(function));
    }
    if (!"changed".equals(reason) && !"gone".equals(reason)) {
      return Optional.empty();
    }
    List<Integer> arguments = new ArrayList<>();
    String positions = metadata.getOrDefault(ARGUMENTS, "");
    if (!positions.isEmpty()) {
      for (String p : positions.split(",", -1)) {
        try {
          arguments.add(Integer.parseInt(p));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.of(
        Explanation.miss(
            function, lines(metadata.get(CODE)), lines(metadata.get(ENVIRONMENT)), arguments));
  }

  private static List<String> lines(String joined) {
    return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split("\n", -1));
  }
}
