package dev.memo.serde.java;

import java.io.ObjectInputFilter;

/**
 * What a filter is asked about a class outside a stream being read: the class, and an array length
 * or -1. Used to ask the read filter before writing a value (so that nothing is stored that could
 * not be read back) and before allocating a raw array.
 */
record FilterQuery(Class<?> serialClass, long arrayLength) implements ObjectInputFilter.FilterInfo {
  @Override
  public long depth() {
    return 1;
  }

  @Override
  public long references() {
    return 1;
  }

  @Override
  public long streamBytes() {
    return 0;
  }
}
