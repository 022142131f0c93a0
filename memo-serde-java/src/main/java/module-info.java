/**
 * The {@code java} and {@code java-gzip} serdes: Java serialization read through an allow-list
 * filter, plain or compressed with gzip. Exports {@code dev.memo.serde.java}, the serialization and
 * filter that other serdes (memo-serde-zstd) reuse; the serdes themselves are found through {@link
 * java.util.ServiceLoader} and selected by name.
 */
module dev.memo.serde.java {
  requires static org.jspecify;
  requires transitive dev.memo;
  requires org.apache.commons.compress;

  exports dev.memo.serde.java;

  provides dev.memo.spi.SerdeProvider with
      dev.memo.serde.java.internal.JavaSerdeProvider,
      dev.memo.serde.java.internal.GzipJavaSerdeProvider;
}
