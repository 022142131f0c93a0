/**
 * The {@code zstd} serde: Java serialization read through memo-serde-java's allow-list filter,
 * compressed with zstd (zstd-jni). Exports {@code dev.memo.serde.zstd} for {@link
 * dev.memo.serde.zstd.ZstdCompression#of}, the compression other serdes compose with; the serde
 * itself is found through {@link java.util.ServiceLoader} and selected by name or, as the
 * highest-priority Java-family serde, by being on the class path.
 */
module dev.memo.serde.zstd {
  requires static org.jspecify;
  requires transitive dev.memo;
  requires transitive dev.memo.serde.java;
  requires com.github.luben.zstd_jni;

  exports dev.memo.serde.zstd;

  provides dev.memo.spi.SerdeProvider with
      dev.memo.serde.zstd.ZstdSerdeProvider;
}
