/**
 * Contract tests for memo backends, in the manner of Micrometer's compatibility kit: a backend
 * proves itself with a few-line subclass.
 *
 * <pre>{@code
 * final class ChronicleStoreTest extends StoreContract implements ListingContract, PruningContract {
 *   protected String providerName() { return "chronicle"; }
 *   protected Map<String, String> config(Path dir) {
 *     return Map.of("memo.store.chronicle.path", dir.toString());
 *   }
 * }
 * }</pre>
 *
 * <p>A store's optional capabilities ({@link dev.memo.spi.Store#capabilities()}) have contracts of
 * their own, {@link dev.memo.testkit.ListingContract}, {@link dev.memo.testkit.PruningContract} and
 * {@link dev.memo.testkit.ClaimsContract}, which the store's test implements exactly when the store
 * declares the capability; {@link dev.memo.testkit.StoreContract} checks that it does, and for each
 * capability not declared, that memo refuses what needs it with a message that says so.
 *
 * <p>Each contract finds the backend through {@link java.util.ServiceLoader} by its provider name,
 * so discovery is tested too.
 *
 * <p>For applications' own tests, {@link dev.memo.testkit.MemoTest} (the JUnit 5 extension {@link
 * dev.memo.testkit.MemoExtension}) injects a memo on a temporary store of the test's own, and
 * {@link dev.memo.testkit.MemoAssertions} asserts what the test computed and reused.
 */
@NullMarked
package dev.memo.testkit;

import org.jspecify.annotations.NullMarked;
