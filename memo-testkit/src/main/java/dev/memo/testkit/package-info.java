/**
 * Contract tests for memo backends, in the manner of Micrometer's compatibility kit: a backend
 * proves itself with a few-line subclass.
 *
 * <pre>{@code
 * final class ChronicleStoreTest extends StoreContract {
 *   protected String providerName() { return "chronicle"; }
 *   protected Map<String, String> config(Path dir) {
 *     return Map.of("memo.store.chronicle.path", dir.toString());
 *   }
 * }
 * }</pre>
 *
 * <p>Each contract finds the backend through {@link java.util.ServiceLoader} by its provider name,
 * so discovery is tested too.
 */
package dev.memo.testkit;
