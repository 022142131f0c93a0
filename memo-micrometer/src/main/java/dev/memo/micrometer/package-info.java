/**
 * Binds a memoizer's counters to a Micrometer {@code MeterRegistry}: {@link
 * dev.memo.micrometer.MemoMetrics}.
 */
@NullMarked
package dev.memo.micrometer;

import org.jspecify.annotations.NullMarked;
