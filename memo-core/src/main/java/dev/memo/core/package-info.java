/** The memoizer: {@link dev.memo.core.Memo#create()} and {@link dev.memo.core.Memo#builder()}. */
@NullMarked
package dev.memo.core;

import org.jspecify.annotations.NullMarked;
