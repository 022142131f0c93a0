package dev.memo.core;

import dev.memo.spi.Serde;
import dev.memo.spi.Store;

/**
 * Where and how the results of one policy are kept: the store and serde, the explain records beside
 * them, the time to live, and whether the object tier holds them. Immutable.
 */
final class Route {
  /** The policy's name, a tag or {@code default} / {@code memory}. */
  final String policy;

  /** False when the policy is off: the function runs every time. */
  final boolean enabled;

  final Store store;
  final Serde serde;
  final MissRecords records;

  /** The time to live in milliseconds, or 0 for none. */
  final long ttlMillis;

  final boolean objectTier;

  Route(
      String policy,
      boolean enabled,
      Store store,
      Serde serde,
      MissRecords records,
      long ttlMillis,
      boolean objectTier) {
    this.policy = policy;
    this.enabled = enabled;
    this.store = store;
    this.serde = serde;
    this.records = records;
    this.ttlMillis = ttlMillis;
    this.objectTier = objectTier;
  }

  /** The same policy over another store, for a {@code storingIn} scope. */
  Route over(Store other, MissRecords otherRecords) {
    return new Route(policy, enabled, other, serde, otherRecords, ttlMillis, objectTier);
  }

  /**
   * Whether an entry created at this time is too old to be used.
   *
   * @param createdMillis the entry's creation time, or -1 if unknown (then it is kept)
   */
  boolean expired(long createdMillis) {
    return ttlMillis > 0
        && createdMillis >= 0
        && System.currentTimeMillis() - createdMillis >= ttlMillis;
  }

  @Override
  public String toString() {
    return "policy "
        + policy
        + (enabled ? " (" + store.name() + ", " + serde.name() + ")" : " (off)");
  }
}
