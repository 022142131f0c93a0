/**
 * Stored entries: their byte format ({@link dev.memo.core.entry.EntryFormat}, written down there),
 * the one reader that holds every rule for reading an entry back ({@link
 * dev.memo.core.entry.EntryReader}), the keyed integrity tag ({@link
 * dev.memo.core.entry.EntryIntegrity}), the exception that marks an entry as broken, and the
 * counting streams that measure entries read and written. Not exported: types are public only so
 * that the memoizer, {@code StoreAdmin} and the stores can use them.
 */
package dev.memo.core.entry;
