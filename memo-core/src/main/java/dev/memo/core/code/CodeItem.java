package dev.memo.core.code;

/**
 * One thing a function's code signature depends on: a method, a class-path resource, a jar, the
 * Java version, the version string.
 *
 * @param key what identifies it in the code digest: independent of compiler-made lambda numbers and
 *     of where a jar lies, so that neither changes the signature
 * @param name what {@code explain} calls it: {@code app.Prices.discount(int)}, {@code callback
 *     app.Key.hashCode()}, {@code initializer of app.Size}, {@code resource app/rates.csv}, {@code
 *     jar pricing-1.2.jar}, {@code Java 17}, {@code version "2"}
 * @param hash its hash, in hex
 */
public record CodeItem(String key, String name, String hash) {}
