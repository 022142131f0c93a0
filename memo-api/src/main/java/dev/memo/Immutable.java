package dev.memo;

/**
 * A result type that knows its own immutable form. memo hands out memoized results immutable, so
 * that one caller cannot change what the next one receives; it converts JDK collections, arrays and
 * records itself and asks every other type to implement this interface (or to be handed out as a
 * fresh copy, with {@code memo.immutability=copy}).
 *
 * <pre>{@code
 * final class Histogram implements Immutable, Serializable {
 *   private final long[] counts;
 *   public Object asImmutable() { return new FrozenHistogram(counts.clone()); }
 * }
 * }</pre>
 *
 * <p>An object that is already immutable returns itself.
 */
public interface Immutable {
  /**
   * Returns an immutable form of this object that callers can share: this object itself if it
   * cannot change, or an unmodifiable copy or view. memo hands it out as it is, without looking
   * inside. It must be of a type the caller expects in place of this one (usually the same type or
   * a subtype of the declared result type).
   *
   * @return the immutable form, never null
   */
  Object asImmutable();
}
