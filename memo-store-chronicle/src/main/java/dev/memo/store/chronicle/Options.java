package dev.memo.store.chronicle;

import java.nio.file.Path;

/**
 * The store's options, read by {@link ChronicleStoreProvider}.
 *
 * @param root the store's folder, absolute and normalized
 * @param entries how many entries the first map generation is sized for
 * @param averageValueSize the expected size of an entry kept in the map, in bytes
 * @param maxInlineBytes entries larger than this are kept as files beside the map
 * @param maxBytes the byte budget: entry bytes (in the map and in files) above it are evicted
 * @param maxEntries the entry budget: entries above it are evicted
 */
record Options(
    Path root,
    long entries,
    int averageValueSize,
    int maxInlineBytes,
    long maxBytes,
    long maxEntries) {}
