package dev.memo.serde.kryo;

import dev.memo.MemoConfig;
import dev.memo.MemoException;
import dev.memo.serde.java.Compression;
import dev.memo.serde.zstd.ZstdCompression;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;
import java.util.Optional;
import java.util.Set;

/**
 * Provides the {@code kryo-zstd} serde: the {@code kryo} serde's bytes streamed through
 * memo-serde-zstd's compression ({@link ZstdCompression}, as the {@code zstd} serde uses it), which
 * must be on the class path (it is an optional dependency of this module).
 *
 * <p>Priority -300, like {@code kryo}: used only when chosen by name or by a policy.
 *
 * <p>Configuration: the {@code memo.serde.kryo.*} keys (see {@link KryoSerdeProvider}) and the
 * {@code memo.serde.zstd.*} keys of the zstd serde ({@code level}, {@code min-size}).
 *
 * <p>Thread-safe; constructing it does nothing.
 */
public final class KryoZstdSerdeProvider implements SerdeProvider {
  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public KryoZstdSerdeProvider() {}

  /**
   * Returns {@code kryo-zstd}.
   *
   * @return the name
   */
  @Override
  public String name() {
    return KryoSerde.ZSTD_NAME;
  }

  /**
   * Returns the keys of the {@code kryo} serde, which this one shares; the compression is
   * configured by the {@code zstd} serde's keys ({@code memo.serde.zstd.*}).
   *
   * @return the full keys
   */
  @Override
  public Optional<Set<String>> configKeys() {
    return Optional.of(Set.of(KryoRules.ALLOW, KryoRules.MAX_DEPTH, KryoRules.MAX_LENGTH));
  }

  /**
   * Returns -300: below the Java serdes, so that kryo-zstd is used only when chosen.
   *
   * @return the priority
   */
  @Override
  public int priority() {
    return -300;
  }

  /**
   * Creates the serde.
   *
   * @param config the configuration scoped to {@code memo.serde.kryo-zstd}
   * @return a new serde
   * @throws dev.memo.MemoConfigurationException if a {@code memo.serde.kryo.*} or {@code
   *     memo.serde.zstd.*} value is invalid, quoting the key and the value
   * @throws MemoException if memo-serde-zstd is not on the class path, naming it, or if zstd-jni's
   *     native library cannot be loaded
   */
  @Override
  public Serde create(MemoConfig config) {
    KryoRules rules = KryoRules.of(config);
    Compression compression;
    try {
      compression = Zstd.compression(config.root().scoped("memo.serde.zstd"));
    } catch (NoClassDefFoundError e) {
      throw new MemoException(
          "serde \"kryo-zstd\" compresses with memo-serde-zstd's zstd, which is not on the class"
              + " path ("
              + e.getMessage()
              + " is missing); add dev.memo:memo-serde-zstd",
          e);
    }
    return new KryoSerde(KryoSerde.ZSTD_NAME, rules, compression);
  }

  /** The one place that names memo-serde-zstd, an optional dependency: loaded only when used. */
  private static final class Zstd {
    static Compression compression(MemoConfig zstdConfig) {
      return ZstdCompression.of(zstdConfig);
    }
  }
}
