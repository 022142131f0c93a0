package dev.memo.core.fakes;

import dev.memo.MemoConfig;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;

/** A second serde, below {@code test-serial} in priority, for tests that route results to it. */
public final class OtherSerdeProvider implements SerdeProvider {
  @Override
  public String name() {
    return "test-other";
  }

  @Override
  public int priority() {
    return -1;
  }

  @Override
  public Serde create(MemoConfig config) {
    return new SerialSerdeProvider.SerialSerde(name());
  }
}
