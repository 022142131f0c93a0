/** Runnable examples of memo; {@link dev.memo.examples.Demo} is the README's demo. */
package dev.memo.examples;
