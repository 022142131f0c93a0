package dev.memo.core;

import dev.memo.Signature;
import dev.memo.SignatureException;
import dev.memo.core.code.FunctionCode;
import dev.memo.core.code.StaticField;
import dev.memo.core.config.LazyLogger;
import dev.memo.core.sign.CanonicalEncoder;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Notices a function that changes a static field it reads (a call counter it increments), which
 * makes every call a miss without a word: after {@value #MISSES} consecutive misses in which the
 * function itself changed the same signed field, logs one warning naming the field and the way out.
 * Costs nothing for a function whose reached code assigns no signed static field; otherwise signs
 * those fields before and after each computation.
 *
 * <p>Thread-safe: counts are kept per function and field in a concurrent map; two threads computing
 * at once may count a streak once too often or too rarely, which only moves the warning by a call.
 */
final class ChangingFields {
  /** Consecutive misses, each of which changed the field, before the warning. */
  static final int MISSES = 3;

  private static final System.Logger LOG = LazyLogger.of("dev.memo");

  /** Warned streaks are kept as -1, so that each field is named once per function. */
  private final Map<String, Integer> streaks = new ConcurrentHashMap<>();

  private final Supplier<CanonicalEncoder> encoders;

  /**
   * Creates the detector of one memoizer.
   *
   * @param encoders the calling thread's encoder
   */
  ChangingFields(Supplier<CanonicalEncoder> encoders) {
    this.encoders = encoders;
  }

  /**
   * Computes a missed result, watching the signed static fields the function's code assigns.
   *
   * @param id the function's id, for the warning
   * @param code the function's code
   * @param body the computation
   * @return what the body returned; its exceptions pass through
   */
  Object compute(String id, FunctionCode code, Supplier<?> body) {
    List<StaticField> fields = code.writtenFields();
    if (fields.isEmpty()) {
      return body.get();
    }
    Signature[] before = sign(fields);
    Object result = body.get();
    Signature[] after = sign(fields);
    for (int i = 0; i < fields.size(); i++) {
      StaticField f = fields.get(i);
      String key = id + "\u0000" + f.name();
      boolean changed = !Objects.equals(before[i], after[i]);
      Integer streak =
          streaks.compute(
              key, (k, n) -> n != null && n < 0 ? n : changed ? (n == null ? 1 : n + 1) : 0);
      if (streak == MISSES) {
        streaks.put(key, -1);
        LOG.log(
            Level.WARNING,
            f.label()
                + " changed during each of the last "
                + MISSES
                + " computations of \""
                + id
                + "\": the function assigns it, and since its value is"
                + " signed, every call misses; if its value cannot change the result, mark the field"
                + " @dev.memo.NotSigned (or list "
                + f.name()
                + " in memo.code.ignore-fields)");
      }
    }
    return result;
  }

  /** The fields' current signatures; null for one that cannot be signed now. */
  private @Nullable Signature[] sign(List<StaticField> fields) {
    CanonicalEncoder enc = encoders.get();
    Signature[] out = new Signature[fields.size()];
    for (int i = 0; i < out.length; i++) {
      try {
        enc.putRoot(fields.get(i).read(), fields.get(i).label(), null);
        out[i] = enc.finish();
      } catch (SignatureException e) {
        out[i] = null; // the call's own signing reports it
      }
    }
    return out;
  }
}
