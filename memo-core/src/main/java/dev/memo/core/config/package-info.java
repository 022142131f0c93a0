/**
 * Configuration and provider selection: the layers a memoizer's configuration is read from
 * (builder, system properties, environment, {@code memo.properties}; {@link
 * dev.memo.core.config.ConfigLoader}) and the choice of a store, serde or signer provider by
 * instance, name or priority ({@link dev.memo.core.config.ProviderSelector}). Not exported: types
 * are public only so that the rest of memo-core (and {@code StoreAdmin}) can use them.
 */
@NullMarked
package dev.memo.core.config;

import org.jspecify.annotations.NullMarked;
