/**
 * Service provider interfaces: {@link dev.memo.spi.Signer}, {@link dev.memo.spi.Serde}, {@link
 * dev.memo.spi.Store} and {@link dev.memo.spi.TypeSigner}.
 *
 * <p>A backend ships a provider ({@link dev.memo.spi.SignerProvider}, {@link
 * dev.memo.spi.SerdeProvider}, {@link dev.memo.spi.StoreProvider}) registered for {@link
 * java.util.ServiceLoader} in both {@code module-info.java} ({@code provides}) and {@code
 * META-INF/services}. memo picks one provider of each kind: an instance given to the builder; else
 * the name from the builder or the configuration ({@code memo.store}, {@code memo.serde}, {@code
 * memo.signer}); else the provider of highest {@code priority()}. Provider constructors must be
 * cheap and must not fail: real work belongs in {@code create}.
 *
 * <p>Names are unique and stable, lower case letters, digits and dashes. Two providers with one
 * name are an error, as is a tie at the highest priority when nothing was chosen by name.
 */
@NullMarked
package dev.memo.spi;

import org.jspecify.annotations.NullMarked;
