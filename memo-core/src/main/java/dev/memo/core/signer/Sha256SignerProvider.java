package dev.memo.core.signer;

import dev.memo.MemoConfig;
import dev.memo.spi.Signer;
import dev.memo.spi.SignerProvider;
import java.util.Optional;
import java.util.Set;

/**
 * Provides the {@code sha256} signer: SHA-256 from the Java runtime, 32-byte signatures. memo's
 * default; its priority of -100 lets any added signer win when none is chosen by name, and keeps it
 * ahead of {@code xxh3-128}. Thread-safe.
 */
public final class Sha256SignerProvider implements SignerProvider {
  /** Creates the provider; cheap, as {@link java.util.ServiceLoader} requires. */
  public Sha256SignerProvider() {}

  /**
   * Returns {@code sha256}.
   *
   * @return the name
   */
  @Override
  public String name() {
    return Sha256Signer.NAME;
  }

  /**
   * Returns -100.
   *
   * @return the priority
   */
  @Override
  public int priority() {
    return -100;
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
    return new Sha256Signer();
  }
}
