package dev.memo.serde.kryo;

import dev.memo.MemoConfig;
import dev.memo.MemoException;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Provides the {@code kryo-zstd} serde: the {@code kryo} serde's bytes compressed by
 * memo-serde-zstd's {@code zstd} serde, which must be on the class path (it is an optional
 * dependency of this module).
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
   * @throws MemoException if memo-serde-zstd is not on the class path, naming it
   */
  @Override
  public Serde create(MemoConfig config) {
    KryoRules rules = KryoRules.of(config);
    List<SerdeProvider> zstd = new ArrayList<>();
    for (SerdeProvider p :
        ServiceLoader.load(SerdeProvider.class, KryoZstdSerdeProvider.class.getClassLoader())) {
      if (p.name().equals("zstd")) {
        zstd.add(p);
      }
    }
    if (zstd.size() != 1) {
      throw new MemoException(
          "serde \"kryo-zstd\" compresses with the serde \"zstd\", but "
              + (zstd.isEmpty() ? "none" : zstd.size() + " providers")
              + " named \"zstd\" "
              + (zstd.size() == 1 ? "is" : "are")
              + " on the class path; add dev.memo:memo-serde-zstd"
              + " once");
    }
    Serde compression = zstd.get(0).create(config.root().scoped("memo.serde.zstd"));
    return new KryoSerde(KryoSerde.ZSTD_NAME, rules, compression);
  }
}
