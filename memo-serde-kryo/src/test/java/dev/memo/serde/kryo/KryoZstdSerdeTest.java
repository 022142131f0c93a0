package dev.memo.serde.kryo;

import dev.memo.testkit.SerdeContract;

final class KryoZstdSerdeTest extends SerdeContract {
  @Override
  protected String providerName() {
    return "kryo-zstd";
  }
}
