package dev.memo.core;

import dev.memo.Explanation;
import dev.memo.FunctionOptions;
import dev.memo.MemoConfig;
import dev.memo.MemoScope;
import dev.memo.MemoStats;
import dev.memo.spi.Store;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The engine of a memoizer switched off for the whole run ({@link MemoConfig#ENABLED} {@code
 * false}): every call runs its function, nothing is signed, read or stored, and no store, serde or
 * signer is created. Scopes still open and close as they would, and a {@code storingIn} scope still
 * checks its folder. Thread-safe.
 */
final class PassThroughEngine implements Engine {
  private final MemoConfig config;
  private final ThreadScopes scopes = new ThreadScopes();

  PassThroughEngine(MemoConfig config) {
    this.config = config;
  }

  @Override
  public Handle handle(FunctionOptions options, Object function, String sam, int arity) {
    return Handle.passThrough(options.name().orElse("function"), options, arity);
  }

  @Override
  public Handle handle(FunctionOptions options, Object target, Method method, int arity) {
    return Handle.passThrough(options.name().orElse(method.getName()), options, arity);
  }

  @Override
  public @Nullable Object call(Handle h, @Nullable Object[] args, Supplier<?> body) {
    return body.get();
  }

  @Override
  public Explanation explain(Handle h, @Nullable Object[] args) {
    return Explanation.firstMiss(h.id);
  }

  @Override
  public boolean contains(Handle h, @Nullable Object[] args) {
    return false;
  }

  @Override
  public boolean invalidate(Handle h, @Nullable Object[] args) {
    return false;
  }

  @Override
  public long clear(Handle h) {
    return 0;
  }

  @Override
  public MemoScope suspend() {
    return scopes.suspend();
  }

  @Override
  public MemoScope storingIn(Path directory) {
    Store temporary = Engine.temporaryStore(config, directory);
    return scopes.storingIn(temporary, null, Store::close);
  }

  @Override
  public MemoStats stats() {
    return MemoStats.empty();
  }

  @Override
  public MemoStats stats(String function) {
    return MemoStats.empty();
  }

  @Override
  public Map<String, MemoStats> functionStats() {
    return Map.of();
  }

  @Override
  public Optional<String> storeName() {
    return Optional.empty();
  }

  @Override
  public Optional<String> serdeName() {
    return Optional.empty();
  }

  @Override
  public Optional<String> signerName() {
    return Optional.empty();
  }

  @Override
  public boolean enabled() {
    return false;
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "Memo{disabled}";
  }
}
