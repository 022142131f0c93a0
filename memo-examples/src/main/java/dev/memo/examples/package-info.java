/** Runnable examples of memo; {@link dev.memo.examples.Demo} is the README's demo. */
@NullMarked
package dev.memo.examples;

import org.jspecify.annotations.NullMarked;
