package dev.memo.serde.kryo;

import dev.memo.testkit.SerdeContract;

final class KryoSerdeTest extends SerdeContract {
  @Override
  protected String providerName() {
    return "kryo";
  }
}
