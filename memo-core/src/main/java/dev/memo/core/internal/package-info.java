/**
 * memo's internals shared across its packages, not exported: the canonical encoding that signs
 * arguments ({@link dev.memo.core.internal.CanonicalEncoder}) and the registry of type signers
 * ({@link dev.memo.core.internal.TypeSigners}).
 */
package dev.memo.core.internal;
