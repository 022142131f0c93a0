/**
 * memo's examples. The {@code opens} clause lets memo read which method implements each lambda;
 * every application on the module path that memoizes lambdas needs one for its packages.
 */
module dev.memo.examples {
  requires static org.jspecify;
  requires dev.memo.core;

  opens dev.memo.examples to
      dev.memo.core;
}
