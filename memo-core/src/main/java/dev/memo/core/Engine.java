package dev.memo.core;

import dev.memo.Explanation;
import dev.memo.FunctionOptions;
import dev.memo.MemoConfig;
import dev.memo.MemoScope;
import dev.memo.MemoStats;
import dev.memo.core.store.DirectoryStoreProvider;
import dev.memo.spi.Store;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Memo} does behind its facade, chosen once when it is built: {@link MemoEngine}
 * memoizes, {@link PassThroughEngine} runs every function at every call ({@code
 * memo.enabled=false}). The facade checks its arguments and that it is open before it asks.
 * Implementations are thread-safe.
 */
sealed interface Engine permits MemoEngine, PassThroughEngine {
  /** Makes the handle of a function object, given as a serializable lambda or class. */
  Handle handle(FunctionOptions options, Object function, String sam, int arity);

  /** Makes the handle of a {@code @Memoize} method of a proxied implementation. */
  Handle handle(FunctionOptions options, Object target, Method method, int arity);

  /** Calls through a handle: the result of the call, read, computed or kept. */
  @Nullable Object call(Handle h, @Nullable Object[] args, Supplier<?> body);

  Explanation explain(Handle h, @Nullable Object[] args);

  boolean contains(Handle h, @Nullable Object[] args);

  boolean invalidate(Handle h, @Nullable Object[] args);

  long clear(Handle h);

  MemoScope suspend();

  MemoScope storingIn(Path directory);

  MemoStats stats();

  /** The counters of the functions wrapped under a name; empty if there are none. */
  MemoStats stats(String function);

  /** The counters of every named function, in the order the names were first wrapped. */
  Map<String, MemoStats> functionStats();

  Optional<String> storeName();

  Optional<String> serdeName();

  Optional<String> signerName();

  boolean enabled();

  void close();

  /** The {@code directory} store of a {@code storingIn} scope, configured as the main one is. */
  static Store temporaryStore(MemoConfig config, Path directory) {
    DirectoryStoreProvider provider = new DirectoryStoreProvider();
    String scope = MemoConfig.STORE + "." + provider.name();
    MemoConfig scoped =
        MemoConfig.of("storingIn", Map.of(scope + ".path", directory.toString()))
            .withFallback(config)
            .scoped(scope);
    return provider.create(scoped);
  }
}
