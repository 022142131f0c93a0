/**
 * The {@code java} and {@code java-gzip} serdes and their providers, found through {@link
 * java.util.ServiceLoader}. Not exported: users select the serdes by name ({@code memo.serde}).
 */
@NullMarked
package dev.memo.serde.java.internal;

import org.jspecify.annotations.NullMarked;
