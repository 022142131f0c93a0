package dev.memo.serde.zstd;

import dev.memo.testkit.SerdeContract;

final class ZstdSerdeTest extends SerdeContract {
  @Override
  protected String providerName() {
    return "zstd";
  }
}
