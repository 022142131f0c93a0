package dev.memo.core;

import dev.memo.FunctionOptions;
import dev.memo.Signature;

/**
 * One wrapped function: everything fixed for all its calls, made once when it is wrapped. A handle
 * of a memoizer that is switched off ({@code memo.enabled=false}) has only its id, options and
 * arity; its other fields are null. Immutable and thread-safe.
 */
final class Handle {
  final String id;
  final FunctionOptions options;
  final int arity;

  /** Where its results go, by its tags' policy. */
  final Route route;

  final CallItems items;
  final Signature idPart;
  final Signature codePart;

  /** Where the record of this function's latest entry is kept; see {@link MissRecords}. */
  final Signature latestKey;

  /**
   * The digest of everything fixed for the function (signer, id, code; and, when the function
   * captures nothing and reads no static field, its empty environment and the arguments' header),
   * which every call's key starts from: a call then hashes this digest and its arguments rather
   * than all the parts in full.
   */
  final byte[] functionPart;

  /** Whether {@link #functionPart} covers the environment and the arguments' header. */
  final boolean fixedEnvironment;

  /** What its calls are counted in: its name's counters; see {@link FunctionCounters}. */
  final Counters counters;

  Handle(
      String id,
      FunctionOptions options,
      int arity,
      Route route,
      CallItems items,
      Signature idPart,
      Signature codePart,
      Signature latestKey,
      byte[] functionPart,
      boolean fixedEnvironment,
      Counters counters) {
    this.id = id;
    this.options = options;
    this.arity = arity;
    this.route = route;
    this.items = items;
    this.idPart = idPart;
    this.codePart = codePart;
    this.latestKey = latestKey;
    this.functionPart = functionPart;
    this.fixedEnvironment = fixedEnvironment;
    this.counters = counters;
  }

  /** The handle of a function of a memoizer that is switched off: it runs at every call. */
  static Handle passThrough(String id, FunctionOptions options, int arity) {
    return new Handle(id, options, arity, null, null, null, null, null, null, false, null);
  }
}
