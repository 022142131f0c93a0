package dev.memo.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memo.core.Memo;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The JUnit extension example of README.md, which copies the code between the markers. */
final class ReadmeExampleTest {
  /** What the example memoizes. */
  static final class Reports {
    static String render(String quarter) {
      return "report for " + quarter;
    }
  }

  // README begin
  @Test
  @MemoTest
  void secondCall_isReused(Memo memo) {
    Function<String, String> report = memo.function("report", Reports::render);
    assertEquals(report.apply("q3"), report.apply("q3"));
    MemoAssertions.assertComputed(memo, 1);
    MemoAssertions.assertReused(memo, 1);
  }

  @Test
  @MemoTest(enabled = false) // memoization off: the result must not come from a store
  void report_doesNotDependOnTheStore(Memo memo) {
    Function<String, String> report = memo.function("report", Reports::render);
    assertEquals("report for q3", report.apply("q3"));
  }
  // README end
}
