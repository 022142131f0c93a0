/**
 * The {@code chronicle} store: a memory-mapped Chronicle Map persisted under a folder and shared by
 * the processes of one host, made safe against the ways Chronicle Map breaks.
 *
 * <h2>Growth: the estimate may be wrong</h2>
 *
 * A Chronicle Map is sized when it is created ({@code entries} × {@code average-value-size}) and
 * refuses puts once it is outgrown ("Attempt to allocate #N extra segment tier"), or an entry far
 * larger than the average ("Entry is too large"). memo combines two remedies, so that a put never
 * fails for size:
 *
 * <ol>
 *   <li><b>Large entries as files.</b> An entry larger than {@code max-inline-bytes} is streamed to
 *       a file under {@code blobs/}, and the map keeps only a 33-byte record pointing at it. The
 *       map therefore holds small records of bounded size, which is what its sizing assumes; and an
 *       inline entry that Chronicle still refuses as too large goes to a file too. Large entries
 *       gain nothing from the map's speed anyway: reading them costs far more than finding them.
 *   <li><b>Rolling to a larger generation.</b> When the map is full, the process that meets the
 *       refusal takes the store lock, creates {@code map-(N+1).cm3} sized for twice the live
 *       entries (at least) and for the average record actually seen, copies every entry over,
 *       publishes the new generation in the shared {@code control} file and deletes the old map.
 *       Other processes see the new generation on their next operation and switch to it. Copying
 *       keeps one map in use, so a read is always one lookup; doubling makes the copying cost
 *       constant per entry over time. A write another process makes to the old map while the copy
 *       runs can be lost: that entry is computed again, never read wrong.
 * </ol>
 *
 * Maps are sparse files, so a generous estimate costs address space, not disk.
 *
 * <h2>Eviction</h2>
 *
 * A Chronicle Map never shrinks and does not evict, so memo does. Every record carries a stamp from
 * a logical clock in the {@code control} file that every put advances. A read re-stamps its entry
 * with the current clock when the stamp lags by more than an eighth of the entry count (so hits
 * rarely write). When a put takes the entry count above {@code max-entries} or the bytes (keys,
 * records and files) above {@code max-bytes}, one process sweeps: it removes the entries with the
 * oldest stamps until both are at most 90% of their budget. That is least recently used, to within
 * an eighth of the entries for reads, exact for writes. The counts that trigger a sweep are shared
 * counters kept approximately (a crash may skew them); each sweep recounts them. Freed space in the
 * map is reused; the file's size does not shrink, but it is bounded by the budget.
 *
 * <h2>Several processes, and crashes</h2>
 *
 * Chronicle Map's segment locks live in the mapped file, so processes on one host share the map
 * safely. Each process holds a shared lock on {@code users.lock} while it has the store open; the
 * {@code control} file says whether any process had it open. A process that opens the store and
 * finds itself alone (it gets {@code users.lock} exclusively) while {@code control} says the store
 * is in use knows that the last user died (killed, crashed) without closing: it runs Chronicle's
 * {@code recoverPersistedTo}, which releases locks a dead process held and drops entries whose
 * checksums fail, and deletes blob files no entry refers to. Recovery is only safe alone, so a
 * process killed while others keep the store open is recovered from only once they have all closed
 * it; until then an operation that meets a lock the dead process held fails after Chronicle's
 * timeout with a {@link dev.memo.StoreException}, which memo turns into a computed result.
 *
 * <h2>The JVM</h2>
 *
 * On Java 17 and later Chronicle needs access to JDK internals; {@link
 * dev.memo.store.chronicle.ChronicleStoreProvider} checks for it before touching Chronicle and
 * lists the missing flags. Nothing here reaches the network: chronicle-analytics is excluded from
 * the dependencies and Chronicle's analytics and announcements are switched off. Nothing is
 * compiled at run time: the one class chronicle-values would generate and compile with javac when a
 * process first opens a map ships compiled, and {@code PrecompiledValues} defines it first (when
 * the Chronicle present is the version it was built for). Chronicle logs through SLF4J 1.7; a
 * library binds no logger, so the application chooses (memo-cli and memo-bench bind {@code
 * slf4j-nop}).
 */
@NullMarked
package dev.memo.store.chronicle;

import org.jspecify.annotations.NullMarked;
