package dev.memo.core.store;

import static dev.memo.core.store.Entries.key;
import static dev.memo.core.store.Entries.put;
import static dev.memo.core.store.Entries.random;
import static dev.memo.core.store.Entries.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.spi.ByteBufferSource;
import dev.memo.spi.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory store reads entries of {@value WholeEntries#MIN_BYTES} to {@value
 * WholeEntries#MAX_BYTES} bytes whole into a reused direct buffer, and serves them from memory;
 * others, and any entry on an interrupted thread, through the file's stream. Either way a read
 * gives exactly the file's bytes.
 */
final class WholeEntriesTest {
  private static final String NS = "whole";

  @TempDir Path tempDir;

  private Store store() {
    MemoConfig config =
        MemoConfig.of(
                "test", Map.of("memo.store.directory.path", tempDir.resolve("store").toString()))
            .scoped("memo.store.directory");
    return new DirectoryStoreProvider().create(config);
  }

  @Test
  void entriesOnBothSidesOfTheBounds_readAsWritten_inMemoryOnlyWithinThem() throws IOException {
    int min = WholeEntries.MIN_BYTES;
    int max = WholeEntries.MAX_BYTES;
    int[] sizes = {1, min - 1, min, min + 1, 1024 * 1024 + 5, max, max + 1};
    try (Store store = store()) {
      for (int size : sizes) {
        byte[] bytes = random(size, size);
        put(store, NS, key("k" + size), bytes);
        assertArrayEquals(bytes, read(store, NS, key("k" + size)).orElseThrow(), "size " + size);
        try (InputStream in = store.get(NS, key("k" + size)).orElseThrow()) {
          assertEquals(
              size >= min && size <= max,
              in instanceof ByteBufferSource,
              "in memory, size " + size);
        }
      }
    }
  }

  @Test
  void viewsAndReads_mixed_giveTheFileInOrder() throws IOException {
    byte[] bytes = random(300_000, 7);
    try (Store store = store()) {
      put(store, NS, key("k"), bytes);
      try (InputStream in = store.get(NS, key("k")).orElseThrow()) {
        ByteBufferSource source = (ByteBufferSource) in;
        byte[] seen = new byte[bytes.length];
        int at = 0;
        int step = 1;
        while (at < bytes.length) {
          if (step % 2 == 0) {
            ByteBuffer view = source.next(step * 997);
            int n = view.remaining();
            view.get(seen, at, n);
            at += n;
          } else {
            int n = in.read(seen, at, Math.min(step * 131, bytes.length - at));
            at += n;
          }
          step++;
        }
        assertArrayEquals(bytes, seen);
        assertEquals(-1, in.read());
        assertFalse(source.next(10).hasRemaining(), "an empty view at the end");
        assertThrows(IllegalArgumentException.class, () -> source.next(0));
      }
    }
  }

  @Test
  void twoEntriesOpenAtOnce_haveTheirOwnBytes_andAClosedStreamReadsNothing() throws IOException {
    byte[] a = random(200_000, 1);
    byte[] b = random(200_000, 2);
    try (Store store = store()) {
      put(store, NS, key("a"), a);
      put(store, NS, key("b"), b);
      InputStream inA = store.get(NS, key("a")).orElseThrow();
      InputStream inB = store.get(NS, key("b")).orElseThrow();
      byte[] seenA = new byte[a.length];
      byte[] seenB = new byte[b.length];
      for (int at = 0; at < a.length; at += 1000) {
        assertEquals(1000, inA.read(seenA, at, 1000));
        assertEquals(1000, inB.read(seenB, at, 1000));
      }
      inA.close();
      // The buffer inA gave back is the next read's: b's bytes, still open, are untouched by it.
      assertArrayEquals(a, read(store, NS, key("a")).orElseThrow());
      assertArrayEquals(a, seenA);
      assertArrayEquals(b, seenB);
      inB.close();
      assertThrows(IOException.class, inA::read);
      assertThrows(IOException.class, () -> ((ByteBufferSource) inA).next(1));
    }
  }

  @Test
  void onAnInterruptedThread_theEntryIsReadThroughTheStream_andTheInterruptKept()
      throws IOException {
    byte[] bytes = random(500_000, 3);
    try (Store store = store()) {
      put(store, NS, key("k"), bytes);
      Thread.currentThread().interrupt();
      try {
        try (InputStream in = store.get(NS, key("k")).orElseThrow()) {
          assertFalse(in instanceof ByteBufferSource);
          assertArrayEquals(bytes, in.readAllBytes());
        }
        assertTrue(Thread.currentThread().isInterrupted());
      } finally {
        Thread.interrupted();
      }
      try (InputStream in = store.get(NS, key("k")).orElseThrow()) {
        assertTrue(in instanceof ByteBufferSource, "read whole again once not interrupted");
      }
    }
  }

  @Test
  void idleBuffers_areBounded() throws IOException {
    int size = 4 * 1024 * 1024;
    int open = (int) (WholeEntries.MAX_IDLE_BYTES / size) + 4;
    try (Store store = store()) {
      put(store, NS, key("big"), random(size, 5));
      InputStream[] streams = new InputStream[open];
      for (int i = 0; i < open; i++) {
        streams[i] = store.get(NS, key("big")).orElseThrow();
        assertTrue(streams[i] instanceof ByteBufferSource);
      }
      for (InputStream in : streams) {
        in.close();
      }
      assertTrue(
          WholeEntries.idleBytes() <= WholeEntries.MAX_IDLE_BYTES,
          "idle " + WholeEntries.idleBytes());
      assertTrue(WholeEntries.idleBytes() >= WholeEntries.MAX_IDLE_BYTES - size - 65536);
    }
  }
}
