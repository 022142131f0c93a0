package dev.memo.spi;

/** Creates {@link Store}s; register it for {@link java.util.ServiceLoader}. */
public interface StoreProvider extends Provider<Store> {}
