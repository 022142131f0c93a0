/**
 * Signing values: the canonical, type-tagged encoding of arguments, captured variables and static
 * fields that is streamed into a signer's digest ({@link dev.memo.core.sign.CanonicalEncoder}, with
 * its tag table), the shapes of the types it knows, the registry of type signers found by {@link
 * java.util.ServiceLoader} ({@link dev.memo.core.sign.TypeSigners}), and the error that names a
 * value memo cannot sign. Not exported: types are public only so that the rest of memo-core can use
 * them.
 */
@NullMarked
package dev.memo.core.sign;

import org.jspecify.annotations.NullMarked;
