package dev.memo.core;

import dev.memo.MemoScope;
import dev.memo.spi.Store;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The scopes a thread has open: suspensions and temporary stores. Each thread sees only its own;
 * they nest, and closing one restores what was in force when it was opened. Thread-safe (all state
 * is per thread).
 */
final class ThreadScopes {
  private final ThreadLocal<State> states = new ThreadLocal<>();

  /** What one thread has open, innermost last. */
  private static final class State {
    final ArrayDeque<Scope> open = new ArrayDeque<>();
    int suspended;
    @Nullable StoreScope store;
  }

  /**
   * The route a call of the current thread takes: null when memoization is suspended, the innermost
   * temporary store's when one is open, else {@code base}.
   */
  @Nullable Route route(Route base) {
    State s = states.get();
    if (s == null) {
      return base;
    }
    if (s.suspended > 0) {
      return null;
    }
    return s.store == null ? base : s.store.route(base);
  }

  /** The route a call of the current thread reads and writes when it is not suspended. */
  Route storeRoute(Route base) {
    State s = states.get();
    return s == null || s.store == null ? base : s.store.route(base);
  }

  MemoScope suspend() {
    State s = state();
    s.suspended++;
    return push(
        s,
        new Scope(s) {
          @Override
          void end() {
            s.suspended--;
          }
        });
  }

  /**
   * Opens a temporary store scope over a store that the scope owns.
   *
   * @param onClose called with the store when the scope closes, to forget and close it
   */
  MemoScope storingIn(Store store, MissRecords records, Consumer<Store> onClose) {
    State s = state();
    StoreScope scope = new StoreScope(store, records, s.store);
    s.store = scope;
    return push(
        s,
        new Scope(s) {
          @Override
          void end() {
            s.store = scope.outer;
            onClose.accept(store);
          }
        });
  }

  private State state() {
    State s = states.get();
    if (s == null) {
      s = new State();
      states.set(s);
    }
    return s;
  }

  private MemoScope push(State s, Scope scope) {
    s.open.addLast(scope);
    return scope;
  }

  /** A temporary store and the routes of the policies over it. */
  private static final class StoreScope {
    final Store store;
    final MissRecords records;
    final StoreScope outer;
    final Map<Route, Route> routes = new HashMap<>();

    StoreScope(Store store, MissRecords records, StoreScope outer) {
      this.store = store;
      this.records = records;
      this.outer = outer;
    }

    Route route(Route base) {
      if (!base.enabled) {
        return base;
      }
      return routes.computeIfAbsent(base, b -> b.over(store, records));
    }
  }

  private abstract class Scope implements MemoScope {
    private final State state;
    private final Thread owner = Thread.currentThread();
    private boolean closed;

    Scope(State state) {
      this.state = state;
    }

    abstract void end();

    @Override
    public void close() {
      if (closed) {
        return;
      }
      if (Thread.currentThread() != owner) {
        throw new IllegalStateException(
            "a memo scope must be closed by the thread that opened it ("
                + owner.getName()
                + "), not by "
                + Thread.currentThread().getName());
      }
      if (state.open.peekLast() != this) {
        throw new IllegalStateException(
            "a memo scope was closed while a scope opened inside it"
                + " is still open; close scopes in the reverse order of opening, as"
                + " try-with-resources does");
      }
      closed = true;
      state.open.removeLast();
      try {
        end();
      } finally {
        if (state.open.isEmpty()) {
          states.remove(); // a pooled thread keeps nothing once its scopes are closed
        }
      }
    }
  }
}
