/**
 * The {@code kryo} and {@code kryo-zstd} serdes: records, collections and JDK values written with
 * Kryo 5 (the self-contained {@code kryo5} artifact), classes registered by name and allowed by a
 * list, every declared size bounded by the bytes of the payload. Exports nothing: the serdes are
 * found through {@link java.util.ServiceLoader} and selected by name ({@code memo.serde=kryo}) or
 * by a policy; {@code kryo-zstd} streams through memo-serde-zstd's compression, an optional
 * dependency.
 */
module dev.memo.serde.kryo {
  requires static org.jspecify;
  requires transitive dev.memo;
  requires dev.memo.serde.java;
  requires com.esotericsoftware.kryo.kryo5;
  requires static dev.memo.serde.zstd;

  provides dev.memo.spi.SerdeProvider with
      dev.memo.serde.kryo.KryoSerdeProvider,
      dev.memo.serde.kryo.KryoZstdSerdeProvider;
}
