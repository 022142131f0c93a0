/**
 * Stored entries: their byte format ({@link dev.memo.core.entry.EntryFormat}, written down there),
 * the one reader that holds every rule for reading an entry back ({@link
 * dev.memo.core.entry.EntryReader}), the keyed integrity tag ({@link
 * dev.memo.core.entry.EntryIntegrity}), the exceptions that mark an entry as broken ({@link
 * dev.memo.core.entry.CorruptEntryException}) or as written in a format that names no key ({@link
 * dev.memo.core.entry.OutdatedEntryException}, a plain miss), and the counting streams that measure
 * entries read and written. Not exported: types are public only so that the memoizer, {@code
 * StoreAdmin} and the stores can use them.
 */
@NullMarked
package dev.memo.core.entry;

import org.jspecify.annotations.NullMarked;
