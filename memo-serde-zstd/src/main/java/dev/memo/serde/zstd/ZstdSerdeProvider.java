package dev.memo.serde.zstd;

import com.github.luben.zstd.Zstd;
import dev.memo.MemoConfig;
import dev.memo.serde.java.AllowListFilter;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;
import java.util.Optional;
import java.util.Set;

/**
 * Provides the {@code zstd} serde: Java serialization, read through memo-serde-java's allow-list
 * filter, compressed with zstd through pooled contexts.
 *
 * <p>Priority -50: above {@code java} (-100) and {@code java-gzip} (-200), so that adding this
 * module makes zstd the serde new entries are written with; below 0, so that any other serde a user
 * adds still wins. Entries already written stay readable, each by the serde named in its header, as
 * long as memo-serde-java (which this module requires) is there.
 *
 * <p>Configuration:
 *
 * <ul>
 *   <li>{@code memo.serde.zstd.level}: the zstd level, default 3; negative levels (down to -131072)
 *       are faster and compress less, 19 to 22 are slow and compress most;
 *   <li>{@code memo.serde.zstd.min-size}: payloads smaller than this are stored uncompressed,
 *       default 512 bytes, at most 128KiB;
 *   <li>the filter's {@code memo.serde.java.*} keys, shared with {@code java} and {@code
 *       java-gzip}: see {@link AllowListFilter}.
 * </ul>
 *
 * <p>Thread-safe; constructing it does nothing. zstd-jni's native library is loaded when the first
 * payload is compressed or decompressed (or by {@link #create} when {@code memo.serde.zstd.level}
 * is set, to check it), not before: a process whose hits read only small payloads, stored
 * uncompressed, never unpacks it.
 */
public final class ZstdSerdeProvider implements SerdeProvider {
  /** The key of the zstd level, relative to {@code memo.serde.zstd}. */
  static final String LEVEL = "level";

  /** The key of the size below which payloads are stored uncompressed. */
  static final String MIN_SIZE = "min-size";

  /** The zstd level used unless configured: zstd's own default. */
  static final int DEFAULT_LEVEL = 3;

  /** The default of {@code min-size}: below it, a frame's overhead eats what compression saves. */
  static final long DEFAULT_MIN_SIZE = 512;

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public ZstdSerdeProvider() {}

  /**
   * Returns {@code zstd}.
   *
   * @return the name
   */
  @Override
  public String name() {
    return ZstdSerde.NAME;
  }

  /**
   * Returns -50: above the Java serdes, below any serde a user adds.
   *
   * @return the priority
   */
  @Override
  public int priority() {
    return -50;
  }

  /**
   * Returns the keys this provider reads: {@code memo.serde.zstd.level}, {@code
   * memo.serde.zstd.min-size} and the filter's {@code memo.serde.java.*} keys.
   *
   * @return the full keys
   */
  @Override
  public Optional<Set<String>> configKeys() {
    return Optional.of(keys());
  }

  /**
   * Creates the serde.
   *
   * @param config the configuration scoped to {@code memo.serde.zstd}
   * @return a new serde
   * @throws dev.memo.MemoConfigurationException if the level, the minimum size or a {@code
   *     memo.serde.java.*} value is invalid, quoting the key and the value
   * @throws dev.memo.MemoException if {@code memo.serde.zstd.level} is set and zstd-jni's native
   *     library cannot be loaded on this platform, naming the platform and the ways out (without
   *     the level, the serde's first compression or decompression throws it)
   */
  @Override
  public Serde create(MemoConfig config) {
    AllowListFilter filter = AllowListFilter.of(config);
    return new ZstdSerde(filter, new ZstdCompression(level(config), minSize(config)));
  }

  static int level(MemoConfig config) {
    String raw = config.get(LEVEL).orElse(null);
    if (raw == null) {
      return DEFAULT_LEVEL;
    }
    NativeLibrary.require(); // zstd-jni reports its levels from the native library
    int min = Zstd.minCompressionLevel();
    int max = Zstd.maxCompressionLevel();
    try {
      int level = Integer.parseInt(raw);
      if (level >= min && level <= max && level != 0) {
        return level;
      }
    } catch (NumberFormatException e) {
      // reported below, in the same words as an out-of-range level
    }
    throw config.invalid(
        LEVEL,
        "a whole number from "
            + min
            + " (fastest) to "
            + max
            + " (smallest), not 0; negative levels trade ratio for speed");
  }

  static int minSize(MemoConfig config) {
    long size = config.getBytes(MIN_SIZE, DEFAULT_MIN_SIZE);
    if (size > ZstdCompression.BLOCK) {
      throw config.invalid(MIN_SIZE, "a size from 0 to 128KiB (zstd's block size)");
    }
    return (int) size;
  }

  private static Set<String> keys() {
    Set<String> keys = new java.util.HashSet<>(AllowListFilter.keys());
    keys.add("memo.serde." + ZstdSerde.NAME + "." + LEVEL);
    keys.add("memo.serde." + ZstdSerde.NAME + "." + MIN_SIZE);
    return Set.copyOf(keys);
  }
}
