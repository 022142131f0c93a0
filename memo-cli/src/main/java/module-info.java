/**
 * The {@code memo} command line: list, sum up, prune, clear and verify the entries of a store. Runs
 * as one jar ({@code java -jar memo-cli.jar}); see {@link dev.memo.cli.MemoCli}.
 */
module dev.memo.cli {
  requires static org.jspecify;
  requires dev.memo.core;
  requires info.picocli;

  opens dev.memo.cli to
      info.picocli;
}
