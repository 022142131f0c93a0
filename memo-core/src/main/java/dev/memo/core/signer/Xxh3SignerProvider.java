package dev.memo.core.signer;

import dev.memo.MemoConfig;
import dev.memo.spi.Signer;
import dev.memo.spi.SignerProvider;
import java.util.Optional;
import java.util.Set;

/**
 * Provides the {@code xxh3-128} signer: XXH3 with 128-bit output, 16-byte signatures, several times
 * faster than SHA-256 on large arguments but not collision-resistant against an adversary. Choose
 * it by name ({@code memo.signer=xxh3-128}); its priority of -200 keeps {@code sha256} the default.
 * Thread-safe.
 */
public final class Xxh3SignerProvider implements SignerProvider {
  /** Creates the provider; cheap, as {@link java.util.ServiceLoader} requires. */
  public Xxh3SignerProvider() {}

  /**
   * Returns {@code xxh3-128}.
   *
   * @return the name
   */
  @Override
  public String name() {
    return Xxh3Signer.NAME;
  }

  /**
   * Returns -200.
   *
   * @return the priority
   */
  @Override
  public int priority() {
    return -200;
  }

  /**
   * Returns the keys this provider reads: none.
   *
   * @return the full keys
   */
  @Override
  public Optional<Set<String>> configKeys() {
    return Optional.of(Set.of());
  }

  /**
   * Creates the signer. It has no options.
   *
   * @param config ignored
   * @return a new signer, never null
   */
  @Override
  public Signer create(MemoConfig config) {
    return new Xxh3Signer();
  }
}
