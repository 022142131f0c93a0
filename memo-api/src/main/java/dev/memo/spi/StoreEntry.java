package dev.memo.spi;

import dev.memo.Signature;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a store's listing says about one entry without reading it: its key, the bytes it takes and,
 * where the store tracks it, when it was last written or read.
 *
 * @param key the entry's key, the call's signature; never null
 * @param size the bytes the entry takes in the store, at least 0
 * @param lastAccess when the entry was last written or read, as the store tracks it (a store may
 *     track reads coarsely, for instance once an hour per entry); empty when the store does not
 *     track time; never null
 */
public record StoreEntry(Signature key, long size, Optional<Instant> lastAccess) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException if {@code key} or {@code lastAccess} is null
   * @throws IllegalArgumentException if {@code size} is negative
   */
  public StoreEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(lastAccess, "lastAccess");
    if (size < 0) {
      throw new IllegalArgumentException("size " + size + " is negative");
    }
  }
}
