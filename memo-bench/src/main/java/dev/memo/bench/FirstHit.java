package dev.memo.bench;

import dev.memo.core.Memo;
import java.util.List;

/**
 * A new process as a user runs it: creates a memoizer configured by system properties only ({@code
 * -Dmemo.store=…} and the store's path), makes the small call of {@link Workloads} once and prints
 * its result, then whether it was a hit. {@link Peers} starts it in a child JVM and times it from
 * start to the first line.
 */
public final class FirstHit {
  private FirstHit() {}

  /**
   * Makes one call and prints the result's last element, then {@code hit} or {@code miss}.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (Memo memo = Memo.create()) {
      var small = memo.triFunction("small", Workloads::small);
      List<Integer> result = small.apply(42, "some-string-argument", Workloads.ones());
      System.out.println(result.get(9));
      System.out.println(memo.stats().hitCount() == 1 ? "hit" : "miss");
    }
  }
}
