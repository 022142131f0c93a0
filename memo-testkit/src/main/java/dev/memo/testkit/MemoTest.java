package dev.memo.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test a {@link dev.memo.core.Memo} on a store of its own: a {@code directory} store in a
 * new temporary folder, injected as a parameter of type {@code Memo} or {@link dev.memo.Memoizer},
 * closed and deleted after. On a test method it applies to that test; on a class to each of its
 * tests, or to all of them together with {@link Lifecycle#PER_CLASS}. A method's annotation wins
 * over its class's.
 *
 * <pre>{@code
 * @Test
 * @MemoTest(config = "memo.serde=java")
 * void secondCall_reuses(Memo memo) {
 *   Function<Integer, Integer> square = memo.function("square", x -> x * x);
 *   square.apply(3);
 *   square.apply(3);
 *   MemoAssertions.assertComputed(memo, 1);
 *   MemoAssertions.assertReused(memo, 1);
 * }
 * }</pre>
 *
 * <p>Equivalent to {@code @ExtendWith(MemoExtension.class)} with these settings; a test with the
 * extension but without the annotation gets the defaults.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(MemoExtension.class)
public @interface MemoTest {
  /**
   * Returns whether memoization is on. With {@code false} the memo runs every call (as {@code
   * memo.enabled=false} does) and stores nothing, which proves that a test's result does not depend
   * on what a store holds.
   *
   * @return true to memoize, the default
   */
  boolean enabled() default true;

  /**
   * Returns configuration values, each {@code key=value} with a key that starts with {@code memo.},
   * such as {@code "memo.serde=java"}. They override memo's other sources; the store is always the
   * temporary directory store.
   *
   * @return the values, none by default
   */
  String[] config() default {};

  /**
   * Returns how long one memo lives.
   *
   * @return {@link Lifecycle#PER_TEST} by default
   */
  Lifecycle lifecycle() default Lifecycle.PER_TEST;

  /** How long one memo, and its store, lives. */
  enum Lifecycle {
    /** A new memo and store for each test. */
    PER_TEST,
    /**
     * One memo and store for all the tests of the class (only on a class): a test sees what the
     * tests before it stored. The counts of {@link MemoAssertions} still start at each test.
     */
    PER_CLASS
  }
}
