package dev.memo.core;

import dev.memo.MemoException;
import dev.memo.Signature;
import dev.memo.spi.Store;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The computations of missed calls: one per key at a time in this process (single flight: callers
 * with the same key wait for the one computation and share its result), and, where the store
 * coordinates processes ({@link Store#claim}), one across processes. A computed result is saved
 * through {@link Entries}. Exceptions of the user's function reach every waiting caller unwrapped
 * and are never stored. Thread-safe.
 *
 * <p>The leader of a computation looks in the store a second time (after its caller's first look
 * missed) only when a computation of this process that may have had the same key finished since
 * that first look: {@link #stamp} counts finished computations in stripes of keys, and a stripe
 * unchanged since before the first look proves that no computation of this process stored the key
 * after it. Another process's entry is seen by the first look, or by the look after taking a claim
 * where the store coordinates processes ({@link Store.Capability#CLAIMS}); where it does not, a
 * second look would only narrow a race with other processes that it cannot close (both then
 * compute, and either entry is right).
 */
final class Computations {
  /** Stripes of finished computations; a power of two. */
  private static final int STRIPES = 64;

  private final Map<Signature, Flight> inflight = new ConcurrentHashMap<>();
  private final AtomicLongArray finished = new AtomicLongArray(STRIPES);
  private final ChangingFields changingFields;
  private final Entries entries;
  private final Explainer explainer;
  private final Warnings warnings;

  Computations(
      Entries entries, Explainer explainer, Warnings warnings, ChangingFields changingFields) {
    this.changingFields = changingFields;
    this.entries = entries;
    this.explainer = explainer;
    this.warnings = warnings;
  }

  /**
   * Returns how many computations of keys in the key's stripe have finished: read before the first
   * look in the store, and passed to {@link #compute}.
   */
  long stamp(Signature key) {
    return finished.get(stripe(key));
  }

  private static int stripe(Signature key) {
    return key.hashCode() & (STRIPES - 1);
  }

  /**
   * Computes a call that missed, unless another thread is computing it (then waits for it) or it
   * was stored meanwhile.
   *
   * @param recheck whether the store may be worth a second look: after a miss, not after a broken
   *     entry
   * @param stamp {@link #stamp} of the key, read before the first look
   * @return the result, with the entry it was read from or written to
   */
  Lookup.Hit compute(
      Handle h,
      Route route,
      @Nullable Object[] args,
      CallKey call,
      Supplier<?> body,
      boolean recheck,
      long stamp) {
    Signature key = call.key;
    Flight mine = new Flight();
    Flight other = inflight.putIfAbsent(key, mine);
    if (other != null) {
      if (other.owner == Thread.currentThread()) {
        throw new MemoException(
            "function \""
                + h.id
                + "\" called itself with the same arguments while computing them;"
                + " this recursion would never end");
      }
      long waiting = CallEvents.mark();
      Object v = other.await();
      CallEvents.waited(waiting);
      h.counters.hit();
      return new Lookup.Hit(v, 0, System.currentTimeMillis());
    }
    Store.Claim claim = null;
    try {
      // Another thread may have stored it since our first look: only if one finished since.
      if (recheck
          && stamp(key) != stamp
          && entries.load(h, route, call) instanceof Lookup.Hit stored) {
        mine.result.complete(stored.value());
        return stored;
      }
      // Another process may be computing it: a store that coordinates processes says so.
      ClaimOutcome claimed = claimOrAwait(h, route, call);
      if (claimed instanceof Found found) {
        mine.result.complete(found.hit().value());
        return found.hit();
      }
      if (claimed instanceof Held held) {
        claim = held.claim();
      }
      if (Warnings.LOG.isLoggable(Level.DEBUG)) {
        explainer.logMiss(h, route, call);
      }
      // The parts and each item's digest are recorded as they were before the function ran, which
      // may change what it read, or its arguments.
      call.parts();
      long start = System.nanoTime();
      Object result;
      try {
        result = changingFields.compute(h.id, h.items.code, body);
      } catch (Throwable t) {
        mine.result.completeExceptionally(t);
        throw t;
      }
      long nanos = System.nanoTime() - start;
      h.counters.miss(nanos);
      CallEvents.computed(nanos);
      long writing = CallEvents.mark();
      // Published on this thread while a claim is held: the claim must not go before the entry is
      // there.
      Lookup.Hit saved = entries.save(h, route, args, call, result, nanos, claim == null);
      CallEvents.written(writing);
      mine.result.complete(result);
      return saved;
    } finally {
      release(h, route, key, claim);
      // Counted before the flight goes: a caller that finds no flight then sees the count changed.
      finished.incrementAndGet(stripe(key));
      inflight.remove(key, mine);
    }
  }

  /** What claiming a computation across processes came to. */
  private sealed interface ClaimOutcome permits Held, Found, Unclaimed {}

  /** This process holds the claim: compute, then release it. */
  private record Held(Store.Claim claim) implements ClaimOutcome {}

  /** Another process stored the entry while this one waited: use it. */
  private record Found(Lookup.Hit hit) implements ClaimOutcome {}

  /** The store does not coordinate processes, cannot, or the wait was interrupted: compute. */
  private record Unclaimed() implements ClaimOutcome {}

  private static final Unclaimed UNCLAIMED = new Unclaimed();

  /**
   * Claims the computation of an entry from a store that coordinates processes, waiting while
   * another process holds the claim.
   */
  private ClaimOutcome claimOrAwait(Handle h, Route route, CallKey call) {
    Signature key = call.key;
    Store store = route.store;
    long pauseMillis = 1;
    while (true) {
      Optional<Store.Claim> claim;
      try {
        claim = store.claim(h.id, key);
      } catch (IOException | RuntimeException e) {
        warnings.once(
            "claim:" + h.id + ":" + e.getClass().getName(),
            "cannot claim entry "
                + key
                + " of \""
                + h.id
                + "\" in the "
                + store.name()
                + " store; computing it without a claim",
            e);
        return UNCLAIMED;
      }
      if (claim.isEmpty()) {
        return UNCLAIMED;
      }
      if (claim.get().held()) {
        // The previous holder may have stored it just before letting the claim go.
        if (entries.load(h, route, call) instanceof Lookup.Hit stored) {
          release(h, route, key, claim.get());
          return new Found(stored);
        }
        return new Held(claim.get());
      }
      long waiting = CallEvents.mark();
      try {
        Thread.sleep(pauseMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return UNCLAIMED;
      } finally {
        CallEvents.waited(waiting);
      }
      pauseMillis = Math.min(pauseMillis * 2, 100);
      if (entries.load(h, route, call) instanceof Lookup.Hit stored) {
        return new Found(stored);
      }
    }
  }

  private void release(Handle h, Route route, Signature key, Store.Claim claim) {
    if (claim == null) {
      return;
    }
    try {
      claim.close();
    } catch (IOException | RuntimeException e) {
      warnings.once(
          "release:" + h.id + ":" + e.getClass().getName(),
          "cannot release the claim on entry "
              + key
              + " of \""
              + h.id
              + "\" in the "
              + route.store.name()
              + " store; other processes wait for it until it times out",
          e);
    }
  }

  /** A computation in progress, which callers with the same key wait for. */
  private static final class Flight {
    final Thread owner = Thread.currentThread();
    final CompletableFuture<Object> result = new CompletableFuture<>();

    Object await() {
      try {
        return result.join();
      } catch (CompletionException e) {
        throw Computations.<RuntimeException>sneaky(e.getCause());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }
}
