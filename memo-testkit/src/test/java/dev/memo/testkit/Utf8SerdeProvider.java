package dev.memo.testkit;

import dev.memo.MemoConfig;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;

/**
 * Provides {@link Utf8Serde} by name, so that the memos {@link MemoExtension} builds in these tests
 * find a serde: memo-testkit cannot depend on memo-serde-java, whose tests depend on it.
 */
public final class Utf8SerdeProvider implements SerdeProvider {
  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public Utf8SerdeProvider() {}

  @Override
  public String name() {
    return "testkit-utf8";
  }

  @Override
  public Serde create(MemoConfig config) {
    return new Utf8Serde();
  }
}
