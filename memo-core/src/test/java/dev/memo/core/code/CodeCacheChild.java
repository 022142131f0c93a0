package dev.memo.core.code;

import dev.memo.FunctionOptions;
import dev.memo.MemoFunction;
import dev.memo.core.Memo;
import dev.memo.core.fakes.TestCompiler;
import java.nio.file.Path;

/**
 * A new process for {@link CodeCacheProcessTest}: memoizes {@code app.Calc.function()} from a class
 * directory against a directory store, calls it once, and prints the result and whether it was a
 * hit.
 */
public final class CodeCacheChild {
  private CodeCacheChild() {}

  /**
   * Runs one call.
   *
   * @param args the store's folder, the class directory
   */
  public static void main(String[] args) {
    try (Memo memo =
        Memo.builder()
            .config("memo.store", "directory")
            .config("memo.store.directory.path", args[0])
            .build()) {
      MemoFunction<Integer, Integer> f =
          TestCompiler.call(TestCompiler.loader(Path.of(args[1])), "app.Calc", "function");
      System.out.println(memo.function(FunctionOptions.named("calc"), f).apply(3));
      System.out.println(memo.stats().hitCount() == 1 ? "hit" : "miss");
    }
  }
}
