/**
 * Contract tests that every memo backend extends: {@link dev.memo.testkit.StoreContract}, {@link
 * dev.memo.testkit.SerdeContract}, {@link dev.memo.testkit.SignerContract} and {@link
 * dev.memo.testkit.ProviderContract}; and the JUnit 5 extension that gives a test a memo of its own
 * ({@link dev.memo.testkit.MemoTest}, {@link dev.memo.testkit.MemoAssertions}). Open, so that JUnit
 * can run the inherited test methods.
 */
open module dev.memo.testkit {
  requires static org.jspecify;
  requires transitive dev.memo;
  requires transitive dev.memo.core;
  requires transitive org.junit.jupiter.api;
  requires org.junit.jupiter.params;

  exports dev.memo.testkit;

  uses dev.memo.spi.StoreProvider;
  uses dev.memo.spi.SerdeProvider;
  uses dev.memo.spi.SignerProvider;
}
