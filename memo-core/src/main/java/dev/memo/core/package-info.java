/**
 * The memoizer: {@link dev.memo.core.Memo#create()} and {@link dev.memo.core.Memo#builder()}.
 */
package dev.memo.core;
