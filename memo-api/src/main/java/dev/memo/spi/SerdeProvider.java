package dev.memo.spi;

/** Creates {@link Serde}s; register it for {@link java.util.ServiceLoader}. */
public interface SerdeProvider extends Provider<Serde> {}
