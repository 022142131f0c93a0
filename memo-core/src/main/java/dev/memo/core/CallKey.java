package dev.memo.core;

import dev.memo.Signature;
import org.jspecify.annotations.Nullable;

/**
 * The key of one call, and the environment and argument parts it covers. A hit needs only the key,
 * which is one digest over the function part, the environment and the arguments; the parts are
 * digested on their own, once, only when a miss records them or explain compares them. Not
 * thread-safe: it belongs to the call that made it.
 */
final class CallKey {
  final Signature key;
  private final CallKeys keys;
  private final Handle h;
  private final @Nullable Object[] args;
  private @Nullable Signature environment;
  private @Nullable Signature arguments;

  CallKey(Signature key, CallKeys keys, Handle h, @Nullable Object[] args) {
    this.key = key;
    this.keys = keys;
    this.h = h;
    this.args = args;
  }

  /** The environment part, as the state and static fields read now. */
  Signature environment() {
    if (environment == null) {
      environment = keys.environment(h);
    }
    return environment;
  }

  /** The arguments part. */
  Signature arguments() {
    if (arguments == null) {
      arguments = keys.arguments(h, args);
    }
    return arguments;
  }
}
