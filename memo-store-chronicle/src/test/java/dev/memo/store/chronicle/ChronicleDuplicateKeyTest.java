package dev.memo.store.chronicle;

import static dev.memo.store.chronicle.Payloads.NS;
import static dev.memo.store.chronicle.Payloads.key;
import static dev.memo.store.chronicle.Payloads.open;
import static dev.memo.store.chronicle.Payloads.payload;
import static dev.memo.store.chronicle.Payloads.put;
import static dev.memo.store.chronicle.Payloads.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.openhft.chronicle.hash.impl.BigSegmentHeader;
import net.openhft.chronicle.hash.impl.CompactOffHeapLinearHashTable;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key held twice in the map, as a process killed in the middle of a write can leave it: the
 * duplicate is made by hand, a second hash-lookup slot pointing at an entry, which is what
 * Chronicle's shift deletion leaves when it is cut short.
 */
final class ChronicleDuplicateKeyTest {
  private static final int ENTRIES = 60;

  @TempDir Path dir;

  @Test
  void removeDuplicateKeys_keyHeldTwice_copiesToANewGenerationWithOneEntryPerKey()
      throws IOException {
    try (ChronicleStore store = open(dir, "entries", "1000")) {
      for (int i = 0; i < ENTRIES; i++) {
        put(store, key(i), payload(i, 0));
      }
      SharedMap shared = store.shared();
      byte[] doubled = shared.withMap(ChronicleDuplicateKeyTest::duplicateOneKey);
      assertEquals(ENTRIES + 1, keys(shared).size(), "iteration yields the doubled key twice");
      assertEquals(1, shared.withMap(SharedMap::duplicateKeys));

      assertEquals(1, shared.removeDuplicateKeys());

      assertEquals(2, shared.generation());
      assertFalse(Files.exists(dir.resolve("map-1.cm3")), "the generation holding it is deleted");
      List<ByteBuffer> keys = keys(shared);
      assertEquals(ENTRIES, keys.size(), "one entry per key");
      assertEquals(ENTRIES, new HashSet<>(keys).size());
      assertEquals(0, shared.withMap(SharedMap::duplicateKeys));
      for (int i = 0; i < ENTRIES; i++) {
        assertArrayEquals(payload(i, 0), read(store, key(i)).orElseThrow(), "entry " + i);
      }
      // One removal takes the key out for good.
      int n = indexOf(doubled);
      assertTrue(store.remove(NS, key(n)));
      assertEquals(Optional.empty(), read(store, key(n)));
      assertFalse(keys(shared).contains(ByteBuffer.wrap(doubled)));
    }
  }

  @Test
  void removeDuplicateKeys_noKeyHeldTwice_leavesTheMap() throws IOException {
    try (ChronicleStore store = open(dir, "entries", "1000")) {
      for (int i = 0; i < ENTRIES; i++) {
        put(store, key(i), payload(i, 0));
      }
      assertEquals(0, store.shared().removeDuplicateKeys());
      assertEquals(1, store.shared().generation());
      assertEquals(ENTRIES, keys(store.shared()).size());
    }
  }

  private static List<ByteBuffer> keys(SharedMap shared) {
    List<ByteBuffer> keys = new ArrayList<>();
    shared.withMap(
        m -> {
          m.forEachEntry(e -> keys.add(ByteBuffer.wrap(e.key().get().clone())));
          return null;
        });
    return keys;
  }

  private static int indexOf(byte[] mapKey) {
    for (int i = 0; i < ENTRIES; i++) {
      if (ByteBuffer.wrap(ChronicleStore.key(NS, key(i))).equals(ByteBuffer.wrap(mapKey))) {
        return i;
      }
    }
    throw new AssertionError("not a key of this test");
  }

  /**
   * Copies the first occupied hash-lookup slot of the first segment that has one into the next free
   * slot of the same lookup, counts it as Chronicle's recovery would, and returns the key of its
   * entry.
   */
  private static byte[] duplicateOneKey(ChronicleMap<byte[], byte[]> m) {
    VanillaChronicleHash<?, ?, ?, ?> h = (VanillaChronicleHash<?, ?, ?, ?>) m;
    CompactOffHeapLinearHashTable lookup = h.hashLookup;
    Set<ByteBuffer> before = new HashSet<>();
    m.forEachEntry(e -> before.add(ByteBuffer.wrap(e.key().get().clone())));
    for (int segment = 0; segment < h.actualSegments; segment++) {
      long address = h.segmentBaseAddr(segment);
      long occupied = -1;
      long pos = 0;
      do {
        if (!lookup.empty(lookup.readEntry(address, pos))) {
          occupied = pos;
          break;
        }
        pos = lookup.step(pos);
      } while (pos != 0);
      if (occupied < 0) {
        continue;
      }
      long free = lookup.step(occupied);
      while (!lookup.empty(lookup.readEntry(address, free))) {
        free = lookup.step(free);
      }
      lookup.writeEntry(address, free, lookup.readEntry(address, occupied));
      // Chronicle's recovery counts the tier's entries from its occupied slots; iteration visits
      // as many slots as the count says.
      long header = h.segmentHeaderAddress(segment);
      BigSegmentHeader.INSTANCE.entries(header, BigSegmentHeader.INSTANCE.entries(header) + 1);
      List<ByteBuffer> after = new ArrayList<>();
      m.forEachEntry(e -> after.add(ByteBuffer.wrap(e.key().get().clone())));
      for (ByteBuffer k : before) {
        if (after.indexOf(k) != after.lastIndexOf(k)) {
          return k.array();
        }
      }
      throw new AssertionError("copying a hash-lookup slot did not double a key");
    }
    throw new AssertionError("no segment holds an entry");
  }
}
