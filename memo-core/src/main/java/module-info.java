/**
 * memo's core: the {@link dev.memo.core.Memo} entry point, provider selection, signing, the entry
 * format, and the built-in {@code directory} and {@code memory} stores and {@code sha256} and
 * {@code xxh3-128} signers. Exports {@code dev.memo.core} and {@code dev.memo.core.admin}
 * (operating a store, as the {@code memo} command line does).
 */
module dev.memo.core {
  requires static org.jspecify;
  requires transitive dev.memo;
  requires hash4j;
  requires com.github.benmanes.caffeine;
  requires org.objectweb.asm;
  // Flight recorder events of calls and sweeps (CallEvent, SweepEvent); every JDK has it.
  requires jdk.jfr;

  exports dev.memo.core;
  exports dev.memo.core.admin;

  uses dev.memo.spi.SignerProvider;
  uses dev.memo.spi.SerdeProvider;
  uses dev.memo.spi.StoreProvider;
  uses dev.memo.spi.TypeSigner;

  provides dev.memo.spi.StoreProvider with
      dev.memo.core.store.DirectoryStoreProvider,
      dev.memo.core.store.MemoryStoreProvider,
      dev.memo.core.store.TieredStoreProvider;
  provides dev.memo.spi.SignerProvider with
      dev.memo.core.signer.Sha256SignerProvider,
      dev.memo.core.signer.Xxh3SignerProvider;
}
