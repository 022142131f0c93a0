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
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
          // A small entry is in memory too, read at once into an array of its size.
          assertEquals(size <= max, in instanceof ByteBufferSource, "in memory, size " + size);
        }
      }
    }
  }

  @Test
  void smallEntries_areReadAtOnceIntoAnArray_andAFileLongerThanSaid_keepsItsRest()
      throws IOException {
    byte[] bytes = random(5_000, 9);
    try (Store store = store()) {
      put(store, NS, key("small"), bytes);
      try (InputStream in = store.get(NS, key("small")).orElseThrow()) {
        assertTrue(in instanceof ByteArrayInputStream, in.getClass().getName());
        assertArrayEquals(bytes, in.readAllBytes());
      }
      try (InputStream in = store.peek(NS, key("small")).orElseThrow()) {
        assertFalse(in instanceof ByteArrayInputStream, "peek reads headers only, as it goes");
      }
    }
    boolean[] closed = {false};
    InputStream longer = closeRecorded(bytes, closed);
    try (InputStream in = WholeEntries.small(longer, 1_000)) {
      assertFalse(closed[0], "the rest is still to be read");
      assertArrayEquals(bytes, in.readAllBytes(), "every byte, past the size the file had");
    }
    assertTrue(closed[0]);
    closed[0] = false;
    InputStream shorter = closeRecorded(bytes, closed);
    try (InputStream in = WholeEntries.small(shorter, 9_000)) {
      assertTrue(closed[0], "read to its end and closed");
      assertArrayEquals(bytes, in.readAllBytes());
    }
  }

  /** A stream over {@code bytes} that sets {@code closed[0]} when closed. */
  private static InputStream closeRecorded(byte[] bytes, boolean[] closed) {
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
  }

  @ParameterizedTest
  @ValueSource(ints = {5_000, 300_000})
  void viewsAndReads_mixed_giveTheFileInOrder(int size) throws IOException {
    byte[] bytes = random(size, 7);
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
      byte[] seenB = new byte[b.length];
      int half = b.length / 2;
      assertEquals(half, inB.readNBytes(seenB, 0, half));
      inA.close();
      // A's buffer is the next read's: reading A again into it leaves B's, still open, untouched.
      assertArrayEquals(a, read(store, NS, key("a")).orElseThrow());
      try (InputStream again = store.get(NS, key("a")).orElseThrow()) {
        assertEquals(a[0] & 0xFF, again.read());
        assertEquals(b.length - half, inB.readNBytes(seenB, half, b.length - half));
      }
      assertArrayEquals(b, seenB);
      inB.close();
      assertThrows(IOException.class, inA::read);
      assertThrows(IOException.class, () -> ((ByteBufferSource) inA).next(1));
    }
  }

  @Test
  void peek_neverReadsAnEntryWhole() throws IOException {
    try (Store store = store()) {
      put(store, NS, key("k"), random(1_000_000, 4));
      try (InputStream in = store.peek(NS, key("k")).orElseThrow()) {
        assertFalse(in instanceof ByteBufferSource, "listings read headers only");
      }
    }
  }

  @Test
  void readsBeyondTheBudget_goThroughTheStream_withTheSameBytes() throws IOException {
    int size = 4 * 1024 * 1024;
    byte[] bytes = random(size, 6);
    int count = (int) (WholeEntries.BUDGET_BYTES / size) + 3;
    try (Store store = store()) {
      put(store, NS, key("big"), bytes);
      List<InputStream> streams = new ArrayList<>();
      try {
        int inMemory = 0;
        for (int i = 0; i < count; i++) {
          InputStream in = store.get(NS, key("big")).orElseThrow();
          streams.add(in);
          inMemory += in instanceof ByteBufferSource ? 1 : 0;
          assertTrue(
              WholeEntries.ownedBytes() <= WholeEntries.BUDGET_BYTES,
              "owned " + WholeEntries.ownedBytes());
        }
        assertTrue(inMemory < count, "some reads went through the stream");
        for (InputStream in : streams) {
          assertArrayEquals(bytes, in.readAllBytes());
        }
      } finally {
        for (InputStream in : streams) {
          in.close();
        }
      }
      assertTrue(
          WholeEntries.idleBytes() <= WholeEntries.MAX_IDLE_BYTES,
          "idle " + WholeEntries.idleBytes());
      try (InputStream in = store.get(NS, key("big")).orElseThrow()) {
        assertTrue(in instanceof ByteBufferSource, "whole again once the buffers came back");
      }
    }
  }

  @Test
  void interruptsAtRandomMoments_neverLoseTheEntryOrTheInterrupt() throws Exception {
    byte[] bytes = random(8 * 1024 * 1024, 8);
    try (Store store = store()) {
      put(store, NS, key("k"), bytes);
      Thread reader = Thread.currentThread();
      Random random = new Random(8);
      ExecutorService interrupter = Executors.newSingleThreadExecutor();
      try {
        for (int i = 0; i < 60; i++) {
          long delayMicros = random.nextInt(3000);
          Future<?> interrupt =
              interrupter.submit(
                  () -> {
                    LockSupport.parkNanos(delayMicros * 1000);
                    reader.interrupt();
                  });
          byte[] seen = read(store, NS, key("k")).orElseThrow();
          while (!interrupt.isDone()) {
            Thread.onSpinWait(); // not Future.get, which the interrupt would end
          }
          assertTrue(Thread.interrupted(), "the interrupt is kept, round " + i);
          assertArrayEquals(bytes, seen, "round " + i);
        }
      } finally {
        interrupter.shutdownNow();
        Thread.interrupted();
      }
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
}
