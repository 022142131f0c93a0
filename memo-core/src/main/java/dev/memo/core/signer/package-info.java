/**
 * memo's built-in signers: {@code sha256} (the default, priority -100) and {@code xxh3-128}
 * (faster, non-cryptographic, priority -200). Registered for {@link java.util.ServiceLoader} as
 * {@link dev.memo.spi.SignerProvider}s; not exported.
 */
@NullMarked
package dev.memo.core.signer;

import org.jspecify.annotations.NullMarked;
