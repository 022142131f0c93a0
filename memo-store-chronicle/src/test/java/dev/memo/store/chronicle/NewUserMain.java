package dev.memo.store.chronicle;

import dev.memo.MemoFunction;
import dev.memo.NotSigned;
import dev.memo.core.Memo;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A program as a new user writes it, unaware of the store: run by {@link NewUserTest} in a child
 * JVM whose only memo setting is {@code -Dmemo.store=chronicle}. Prints the memoizer, then one line
 * per call, "computed" or "reused".
 */
public final class NewUserMain {
  // A counter cannot change the result, and memo signs the static fields a function reads.
  @NotSigned private static final AtomicInteger COMPUTED = new AtomicInteger();

  private NewUserMain() {}

  static String repeat(Integer n) {
    COMPUTED.incrementAndGet();
    return "ab".repeat(n);
  }

  /**
   * Calls the memoized function once per argument.
   *
   * @param args numbers of repetitions
   */
  public static void main(String[] args) {
    try (Memo memo = Memo.create()) {
      System.out.println(memo);
      MemoFunction<Integer, String> fn = NewUserMain::repeat;
      var repeat = memo.function("repeat", fn);
      for (String a : args) {
        int before = COMPUTED.get();
        String result = repeat.apply(Integer.valueOf(a));
        if (result.length() != 2 * Integer.parseInt(a)) {
          throw new AssertionError("wrong result for " + a);
        }
        System.out.println(a + " " + (COMPUTED.get() > before ? "computed" : "reused"));
      }
    }
  }
}
