package dev.memo.serde.java;

import java.io.ObjectInputFilter;
import org.jspecify.annotations.Nullable;

/**
 * What a filter is asked about a class outside a stream being read: the class (or null for a
 * reference), an array length or -1, and the depth and reference count an object stream would
 * report at that point. Used to ask the read filter before writing a value (so that nothing is
 * stored that could not be read back) and before allocating a raw array or list.
 */
record FilterQuery(@Nullable Class<?> serialClass, long arrayLength, long depth, long references)
    implements ObjectInputFilter.FilterInfo {

  /** A query about a top-level value: depth 1, one reference. */
  FilterQuery(@Nullable Class<?> serialClass, long arrayLength) {
    this(serialClass, arrayLength, 1, 1);
  }

  @Override
  public long streamBytes() {
    return 0;
  }
}
