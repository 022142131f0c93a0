/**
 * JMH benchmarks of memo's hot path, each beside the raw operation it wraps, measured in the same
 * run: a benchmark method {@code foo} is paired with {@code fooBaseline} at the same parameters,
 * and {@link dev.memo.bench.Run} writes their ratio to {@code RESULTS.md}.
 */
package dev.memo.bench;
