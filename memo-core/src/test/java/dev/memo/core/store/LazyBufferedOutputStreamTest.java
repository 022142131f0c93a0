package dev.memo.core.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class LazyBufferedOutputStreamTest {
  /** Records each write it is handed, and the bytes. */
  private static final class Calls extends ByteArrayOutputStream {
    final List<byte[]> arrays = new ArrayList<>();
    int singles;

    @Override
    public synchronized void write(int b) {
      singles++;
      super.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      arrays.add(b);
      super.write(b, off, len);
    }
  }

  @Test
  void write_wholeEntryInOneArray_goesStraightThroughWithoutABuffer() throws IOException {
    Calls file = new Calls();
    byte[] entry = new byte[LazyBufferedOutputStream.DIRECT];
    new Random(1).nextBytes(entry);
    try (LazyBufferedOutputStream out = new LazyBufferedOutputStream(file, 8192)) {
      out.write(entry, 0, entry.length);
    }
    assertEquals(1, file.arrays.size());
    assertSame(entry, file.arrays.get(0), "handed on as it came, not copied into a buffer");
    assertArrayEquals(entry, file.toByteArray());
  }

  @Test
  void write_smallPieces_areGatheredIntoFewWrites() throws IOException {
    Calls file = new Calls();
    try (LazyBufferedOutputStream out = new LazyBufferedOutputStream(file, 8192)) {
      for (int i = 0; i < 1000; i++) {
        out.write(i);
        out.write(new byte[] {1, 2, 3}, 0, 3);
      }
    }
    assertEquals(0, file.singles);
    assertEquals(1, file.arrays.size(), "4 000 bytes in one buffer of 8 KiB, written once");
    assertEquals(4000, file.size());
  }

  @Test
  void write_mixedSizes_keepsTheBytesInOrder() throws IOException {
    Random random = new Random(7);
    for (int round = 0; round < 50; round++) {
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      Calls file = new Calls();
      try (LazyBufferedOutputStream out = new LazyBufferedOutputStream(file, 1024)) {
        for (int i = 0; i < 200; i++) {
          if (random.nextInt(5) == 0) {
            int b = random.nextInt(256);
            out.write(b);
            expected.write(b);
          } else {
            byte[] piece = new byte[random.nextInt(random.nextBoolean() ? 40 : 3000)];
            random.nextBytes(piece);
            int off = piece.length == 0 ? 0 : random.nextInt(piece.length);
            out.write(piece, off, piece.length - off);
            expected.write(piece, off, piece.length - off);
          }
          if (random.nextInt(50) == 0) {
            out.flush();
            assertArrayEquals(expected.toByteArray(), file.toByteArray(), "after flush");
          }
        }
      }
      assertArrayEquals(expected.toByteArray(), file.toByteArray(), "round " + round);
    }
  }
}
