package dev.memo.core;

import org.jspecify.annotations.Nullable;

/**
 * What looking for a call's entry in a store found: a {@link Hit} with the value, a {@link Miss},
 * or a {@link Broken} entry, which was counted and reported already and is computed again like a
 * miss. Immutable and thread-safe.
 */
sealed interface Lookup permits Lookup.Hit, Lookup.Miss, Lookup.Broken {
  /** No entry, or one older than its policy's time to live. */
  Miss MISS = new Miss();

  /** An entry that could not be used. */
  Broken BROKEN = new Broken();

  /**
   * A value and the entry it came from, for the object tier's weight and time to live. Also what a
   * computation gives back: the value with the entry it wrote (0 bytes when none was written).
   *
   * @param value the value, as read or computed; may be null
   * @param bytes the entry's size in the store, or 0 if unknown
   * @param created when the entry was made (epoch milliseconds), or -1 if unknown
   */
  record Hit(@Nullable Object value, long bytes, long created) implements Lookup {}

  /** No usable entry was found: compute. */
  record Miss() implements Lookup {}

  /** An entry was found but was broken or unreadable; it was counted already. */
  record Broken() implements Lookup {}
}
