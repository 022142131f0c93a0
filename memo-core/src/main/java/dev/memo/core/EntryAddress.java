package dev.memo.core;

import dev.memo.Signature;
import dev.memo.spi.Store;
import org.jspecify.annotations.Nullable;

/**
 * Where an entry is: its store, namespace and signature; the key of the object tier's results and
 * of the entries waiting to be published. A class rather than a record: a record's equals and
 * hashCode are bootstrapped through {@code java.lang.runtime.ObjectMethods} on first use, some
 * fifty classes a new process's first hit would load for one hash. Immutable.
 */
final class EntryAddress {
  final Store store;
  final String namespace;
  final Signature signature;

  EntryAddress(Store store, String namespace, Signature signature) {
    this.store = store;
    this.namespace = namespace;
    this.signature = signature;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof EntryAddress k
        && store.equals(k.store)
        && namespace.equals(k.namespace)
        && signature.equals(k.signature);
  }

  @Override
  public int hashCode() {
    return (store.hashCode() * 31 + namespace.hashCode()) * 31 + signature.hashCode();
  }
}
