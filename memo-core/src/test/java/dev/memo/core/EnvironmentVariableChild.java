package dev.memo.core;

import static dev.memo.core.fakes.TestCompiler.call;
import static dev.memo.core.fakes.TestCompiler.loader;

import dev.memo.Explanation;
import dev.memo.MemoFunction;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * The child JVM of {@link EnvironmentVariableTest}: memoizes {@code t.Work.function()} from a class
 * directory on a directory store and prints {@code hit} or {@code miss}, the result, and what
 * explain said changed in the environment.
 *
 * <p>Arguments: the store's root and the class directory.
 */
public final class EnvironmentVariableChild {
  private EnvironmentVariableChild() {}

  public static void main(String[] args) {
    try (Memo memo = ProcessChild.memo(Path.of(args[0]), Map.of())) {
      MemoFunction<Integer, Object> f = call(loader(Path.of(args[1])), "t.Work", "function");
      Function<Integer, Object> m = memo.function("work", f);
      Explanation e = memo.explain(m, 3);
      Object result = m.apply(3);
      System.out.println(
          (memo.stats().hitCount() == 1 ? "hit " : "miss ")
              + result
              + " "
              + e.changedEnvironment());
    }
  }
}
