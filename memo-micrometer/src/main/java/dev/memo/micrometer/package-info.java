/**
 * Binds a memoizer's counters to a Micrometer {@code MeterRegistry}: {@link
 * dev.memo.micrometer.MemoMetrics}.
 */
package dev.memo.micrometer;
