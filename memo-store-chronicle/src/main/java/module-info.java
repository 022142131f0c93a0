/**
 * The {@code chronicle} store: entries in a memory-mapped, persisted Chronicle Map that the
 * processes of one host share, with large values as files beside it. Exports nothing: the provider
 * is found through {@link java.util.ServiceLoader} and selected with {@code memo.store=chronicle}.
 *
 * <p>Chronicle's jars are automatic modules; the one read here is {@code chronicle.map} (the {@code
 * Automatic-Module-Name} of chronicle-map). On JDK 17 and later Chronicle needs the {@code
 * --add-opens}/{@code --add-exports} flags listed in {@code README.md}.
 */
module dev.memo.store.chronicle {
  requires static org.jspecify;
  requires dev.memo;
  requires chronicle.map;

  provides dev.memo.spi.StoreProvider with
      dev.memo.store.chronicle.ChronicleStoreProvider;
}
