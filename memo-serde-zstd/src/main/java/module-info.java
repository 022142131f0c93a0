/**
 * The {@code zstd} serde: Java serialization read through memo-serde-java's allow-list filter,
 * compressed with zstd (zstd-jni). Exports nothing: the serde is found through {@link
 * java.util.ServiceLoader} and selected by name or, as the highest-priority Java-family serde, by
 * being on the class path.
 */
module dev.memo.serde.zstd {
  requires static org.jspecify;
  requires transitive dev.memo;
  requires dev.memo.serde.java;
  requires com.github.luben.zstd_jni;

  provides dev.memo.spi.SerdeProvider with
      dev.memo.serde.zstd.ZstdSerdeProvider;
}
