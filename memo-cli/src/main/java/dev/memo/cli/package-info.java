/** The {@code memo} command: {@link dev.memo.cli.MemoCli} and its subcommands. */
@NullMarked
package dev.memo.cli;

import org.jspecify.annotations.NullMarked;
