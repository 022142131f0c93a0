/**
 * memo's built-in stores: {@code directory}, the default, which keeps one file per entry under a
 * root folder, and {@code memory}, which keeps entries in a byte-bounded in-process cache.
 *
 * <p>Not exported: the providers are found through {@link java.util.ServiceLoader} and selected by
 * name ({@code memo.store=directory}, {@code memo.store=memory}); their stores are package-private.
 */
@NullMarked
package dev.memo.core.store;

import org.jspecify.annotations.NullMarked;
