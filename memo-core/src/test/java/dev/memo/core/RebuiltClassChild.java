package dev.memo.core;

import dev.memo.FunctionOptions;
import dev.memo.MemoFunction;
import dev.memo.core.fakes.LogCapture;
import dev.memo.core.fakes.MapStore;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.function.Function;

/**
 * The child JVM of {@link RebuiltClassTest}: runs {@code t.Work.function()} from its class path (so
 * that {@code t.Helper} is loaded from disk), then overwrites {@code t/Helper.class} with another
 * version, as a build running beside a long-lived JVM does, and only then memoizes the function.
 * Prints {@code direct <result>}, {@code memoized <result>} for two calls, {@code stored <entries>}
 * and each warning as {@code warning <message>}.
 *
 * <p>Arguments: the class directory on this JVM's class path, and the rebuilt Helper.class.
 */
public final class RebuiltClassChild {
  private RebuiltClassChild() {}

  public static void main(String[] args) throws Exception {
    Path classes = Path.of(args[0]);
    Path rebuilt = Path.of(args[1]);
    @SuppressWarnings("unchecked")
    MemoFunction<Integer, Object> f =
        (MemoFunction<Integer, Object>) Class.forName("t.Work").getMethod("function").invoke(null);
    System.out.println("direct " + f.apply(3));
    // A rebuild comes later than the JVM's start: leave the second the start time is rounded to.
    Instant start = ProcessHandle.current().info().startInstant().orElseThrow();
    while (Instant.now().isBefore(start.plusMillis(1500))) {
      Thread.sleep(50);
    }
    Path helper = classes.resolve("t/Helper.class");
    Files.copy(rebuilt, helper, StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(helper, FileTime.from(Instant.now()));
    MapStore store = new MapStore();
    try (LogCapture logs = new LogCapture();
        Memo memo = MemoTest.isolated().store(store).build()) {
      Function<Integer, Object> memoized = memo.function(FunctionOptions.named("work"), f);
      System.out.println("memoized " + memoized.apply(3));
      System.out.println("memoized " + memoized.apply(3));
      System.out.println("stored " + store.entries.size());
      logs.records.stream()
          .filter(r -> r.level() == Level.WARNING)
          .forEach(r -> System.out.println("warning " + r.message()));
    }
  }
}
