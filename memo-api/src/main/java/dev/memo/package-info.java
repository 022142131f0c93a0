/**
 * memo's user API: the {@link dev.memo.Memoizer}, the serializable function types it wraps, the
 * {@link dev.memo.MemoConfig configuration}, {@link dev.memo.Signature signatures}, {@link
 * dev.memo.MemoStats statistics} and the {@link dev.memo.MemoException exceptions}.
 *
 * <p>Every type here is thread-safe unless its documentation says otherwise, and no method accepts
 * or returns {@code null} unless its documentation says so.
 */
@NullMarked
package dev.memo;

import org.jspecify.annotations.NullMarked;
