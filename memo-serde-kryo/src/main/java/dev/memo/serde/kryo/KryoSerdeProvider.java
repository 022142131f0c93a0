package dev.memo.serde.kryo;

import dev.memo.MemoConfig;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;
import java.util.Optional;
import java.util.Set;

/**
 * Provides the {@code kryo} serde: records, JDK collections, enums, {@code java.time} values and
 * arrays written with Kryo 5, several times faster than Java serialization, with classes registered
 * by name and allowed by the same kind of list as the {@code java} serde's.
 *
 * <p>Priority -300, below every Java serde: adding this module changes nothing until the serde is
 * chosen by name ({@code memo.serde=kryo}) or by a policy. Kryo cannot write a value with a cycle,
 * and reads every class through Kryo's serializers, not through the class's own {@code readObject}:
 * a class that guards its invariants there must stay with the {@code java} serde.
 *
 * <p>Configuration, shared with {@code kryo-zstd}:
 *
 * <ul>
 *   <li>{@code memo.serde.kryo.allow}: comma-separated classes ({@code com.example.Point}),
 *       packages ({@code com.example.model.*}) and package trees ({@code com.example.**}) that
 *       payloads may name besides the JDK values and collections, enums and records; such a class
 *       is written field by field and needs a no-argument constructor; empty by default;
 *   <li>{@code memo.serde.kryo.max-depth}: deepest nesting of objects, default 100;
 *   <li>{@code memo.serde.kryo.max-length}: most elements of one array, collection, map or string,
 *       default 2147483639; independently, no declared size may exceed what the bytes left in the
 *       payload can hold.
 * </ul>
 *
 * <p>Thread-safe; constructing it does nothing.
 */
public final class KryoSerdeProvider implements SerdeProvider {
  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public KryoSerdeProvider() {}

  /**
   * Returns {@code kryo}.
   *
   * @return the name
   */
  @Override
  public String name() {
    return KryoSerde.NAME;
  }

  /**
   * Returns the keys the kryo serdes read: {@code memo.serde.kryo.allow}, {@code max-depth} and
   * {@code max-length}.
   *
   * @return the full keys
   */
  @Override
  public Optional<Set<String>> configKeys() {
    return Optional.of(Set.of(KryoRules.ALLOW, KryoRules.MAX_DEPTH, KryoRules.MAX_LENGTH));
  }

  /**
   * Returns -300: below the Java serdes, so that kryo is used only when chosen.
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
   * @param config the configuration scoped to {@code memo.serde.kryo}
   * @return a new serde
   * @throws dev.memo.MemoConfigurationException if a {@code memo.serde.kryo.*} value is invalid,
   *     quoting the key and the value
   */
  @Override
  public Serde create(MemoConfig config) {
    return new KryoSerde(KryoSerde.NAME, KryoRules.of(config), null);
  }
}
