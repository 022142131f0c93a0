package dev.memo.serde.java.internal;

import dev.memo.testkit.SerdeContract;

final class JavaSerdeTest extends SerdeContract {
  @Override
  protected String providerName() {
    return "java";
  }
}
