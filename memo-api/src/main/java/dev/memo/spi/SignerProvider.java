package dev.memo.spi;

/** Creates {@link Signer}s; register it for {@link java.util.ServiceLoader}. */
public interface SignerProvider extends Provider<Signer> {}
