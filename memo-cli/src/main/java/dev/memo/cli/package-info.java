/** The {@code memo} command: {@link dev.memo.cli.MemoCli} and its subcommands. */
package dev.memo.cli;
