package dev.memo;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface method whose results a {@linkplain Memoizer#proxy(Class, Object) memoizing
 * proxy} reuses. Methods of the interface without it are called straight through.
 *
 * <pre>{@code
 * interface Maps {
 *   @Memoize(name = "rms-squared", tags = "disk")
 *   double[] squared(double[] map);
 * }
 * Maps maps = memo.proxy(Maps.class, new MapsImpl());
 * }</pre>
 *
 * <p>The result's name identifies its entries in the store and lets any holder of the memoizer ask
 * for it with {@link Memoizer#result(String, Object...)}. The tags select a policy (see {@link
 * FunctionOptions#tags(String...)}); a method without tags uses the in-memory {@code memory}
 * policy, so its results last as long as the memoizer, while {@code tags = "disk"} keeps them in
 * the configured store across runs.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Memoize {
  /**
   * The result's name; by default the implementing method's qualified name ({@code
   * com.example.MapsImpl.squared}). See {@link FunctionOptions#name(String)}.
   *
   * @return the name, or empty for the default
   */
  String name() default "";

  /**
   * Tags that select the policy: which store, serde, time to live, or none at all. See {@link
   * FunctionOptions#tags(String...)}.
   *
   * @return the tags, lower-case letters, digits and dashes
   */
  String[] tags() default {};

  /**
   * A version string mixed into every signature; see {@link FunctionOptions#version(String)}.
   *
   * @return the version, or empty for none
   */
  String version() default "";

  /**
   * Zero-based positions of parameters left out of the signature; see {@link
   * FunctionOptions#ignoreParameters(int...)}.
   *
   * @return the positions
   */
  int[] ignoreParameters() default {};
}
