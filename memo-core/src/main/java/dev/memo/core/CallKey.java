package dev.memo.core;

import dev.memo.Signature;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The key of one call, and the environment and argument parts it covers. A hit needs only the key,
 * which is one digest over the function part, the environment and the arguments; the parts (and
 * each item's digest, from which they are made) are taken once, only when a miss records them or
 * explain compares them. Not thread-safe: it belongs to the call that made it.
 */
final class CallKey {
  final Signature key;
  private final CallKeys keys;
  private final Handle h;
  private final @Nullable Object[] args;
  private CallKeys.@Nullable Parts parts;

  CallKey(Signature key, CallKeys keys, Handle h, @Nullable Object[] args) {
    this.key = key;
    this.keys = keys;
    this.h = h;
    this.args = args;
  }

  /** The parts and each item's digest, taken at the first ask: a miss asks before it computes. */
  CallKeys.Parts parts() {
    if (parts == null) {
      parts = keys.parts(h, args);
    }
    return parts;
  }

  /** The environment part, as the state and static fields were read when the parts were taken. */
  Signature environment() {
    return parts().environment();
  }

  /** The arguments part. */
  Signature arguments() {
    return parts().arguments();
  }

  /** The digest of each environment item and signed argument, by name. */
  Map<String, String> items() {
    return parts().items();
  }
}
