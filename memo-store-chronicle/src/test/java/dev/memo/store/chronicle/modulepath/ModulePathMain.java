package dev.memo.store.chronicle.modulepath;

import dev.memo.MemoException;
import dev.memo.MemoFunction;
import dev.memo.core.Memo;
import java.util.function.Function;

/**
 * A program whose memo and Chronicle jars are on the module path: run by {@code ModulePathTest} in
 * a child JVM. Prints the memoizer and the module the store came from, or the error creating it.
 */
public final class ModulePathMain {
  private ModulePathMain() {}

  static int length(String s) {
    return s.length();
  }

  /**
   * Memoizes one call.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    try (Memo memo = Memo.create()) {
      System.out.println(memo);
      MemoFunction<String, Integer> fn = ModulePathMain::length;
      Function<String, Integer> length = memo.function("length", fn);
      System.out.println("length " + length.apply("abc") + " " + length.apply("abc"));
      System.out.println(
          "store module "
              + ModuleLayer.boot()
                  .findModule("dev.memo.store.chronicle")
                  .map(m -> m.getDescriptor().isAutomatic() ? "automatic" : "named")
                  .orElse("absent"));
    } catch (MemoException e) {
      System.out.println(e.getClass().getName() + ": " + e.getMessage());
    }
  }
}
