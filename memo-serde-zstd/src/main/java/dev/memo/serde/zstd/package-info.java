/**
 * The {@code zstd} serde and its provider. Not exported: users select it by name ({@code
 * memo.serde=zstd}) or get it by default once the module is on the class path. Its streams reuse
 * pooled zstd contexts and direct buffers, never one context per call.
 */
@NullMarked
package dev.memo.serde.zstd;

import org.jspecify.annotations.NullMarked;
