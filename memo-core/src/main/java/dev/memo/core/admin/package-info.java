/**
 * Operating a store: list, summarize, prune, clear and verify its entries, as the {@code memo}
 * command line does. Start at {@link dev.memo.core.admin.StoreAdmin}.
 */
@NullMarked
package dev.memo.core.admin;

import org.jspecify.annotations.NullMarked;
