/**
 * Micrometer meters for a memoizer: {@link dev.memo.micrometer.MemoMetrics}. Exports {@code
 * dev.memo.micrometer}.
 */
module dev.memo.micrometer {
  requires transitive dev.memo;
  requires transitive micrometer.core;

  exports dev.memo.micrometer;
}
