package dev.memo.serde.zstd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.memo.MemoConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The compressing stream's first block grows from a small array to a whole block as bytes come:
 * payloads of every size around the growth points and the block's end, written through single bytes
 * and arrays of random lengths, compressible or not, come back as they went in.
 */
final class ZstdCompressionStreamTest {
  @ParameterizedTest
  @ValueSource(
      ints = {
        0, 1, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 4097, 65_536, 131_071, 131_072,
        131_073, 262_145, 400_000
      })
  void compress_ofAnySizeInMixedWrites_decompressesToTheSameBytes(int size) throws IOException {
    ZstdCompression zstd = (ZstdCompression) ZstdCompression.of(MemoConfig.empty());
    Random random = new Random(size);
    for (boolean compressible : new boolean[] {true, false}) {
      byte[] data = new byte[size];
      if (compressible) {
        for (int i = 0; i < size; i++) {
          data[i] = (byte) (i / 97);
        }
      } else {
        random.nextBytes(data);
      }
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      try (OutputStream out = zstd.compress(sink)) {
        int at = 0;
        while (at < size) {
          if (random.nextInt(4) == 0) {
            out.write(data[at++]);
          } else {
            int n = Math.min(size - at, 1 + random.nextInt(random.nextBoolean() ? 700 : 70_000));
            out.write(data, at, n);
            at += n;
          }
        }
      }
      try (InputStream in = zstd.decompress(new ByteArrayInputStream(sink.toByteArray()))) {
        assertArrayEquals(
            data, in.readAllBytes(), "size " + size + ", compressible " + compressible);
      }
    }
  }
}
