/**
 * memo-core's machinery, not exported: configuration layers, provider selection, the entry format,
 * function analysis, the canonical encoding that signs arguments ({@link
 * dev.memo.core.internal.CanonicalEncoder}) and the registry of type signers ({@link
 * dev.memo.core.internal.TypeSigners}). Types here are public only so that {@code dev.memo.core}
 * can use them; they are not API and change without notice.
 */
package dev.memo.core.internal;
