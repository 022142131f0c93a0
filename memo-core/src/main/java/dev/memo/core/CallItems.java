package dev.memo.core;

import dev.memo.FunctionOptions;
import dev.memo.core.code.FunctionCode;
import dev.memo.core.code.FunctionRef;
import dev.memo.core.code.StaticField;
import java.util.ArrayList;
import java.util.List;

/**
 * What the calls of one wrapped function sign beside its fixed part: the items of its environment
 * (the state the function object carries, then the static fields its code reads) and its arguments
 * (how many, which are ignored), with the labels that errors name each item by, made once rather
 * than at every call. Immutable and thread-safe (the state's values and static fields are read when
 * a call is signed).
 */
final class CallItems {
  final FunctionRef ref;
  final FunctionCode code;
  final int arity;

  /** Bit {@code i} set: argument {@code i} is left out of the key. */
  final long ignoredMask;

  /** Names of the environment's items: captured state, then static fields. */
  final List<String> environmentNames;

  /** How to get rid of an unsignable item of the state, for the error. */
  final String stateHint;

  final String[] argumentWhat;
  final String[] argumentHint;
  final String[] stateWhat;
  final String[] fieldWhat;
  final String[] fieldHint;

  CallItems(
      String id,
      FunctionOptions options,
      FunctionRef ref,
      FunctionCode code,
      int arity,
      String stateHint) {
    this.ref = ref;
    this.code = code;
    this.arity = arity;
    this.ignoredMask = ignoredMask(options);
    this.stateHint = stateHint;
    List<String> names = new ArrayList<>(ref.stateNames());
    for (StaticField f : code.staticFields()) {
      names.add(f.label());
    }
    this.environmentNames = List.copyOf(names);
    argumentWhat = new String[arity];
    argumentHint = new String[arity];
    for (int i = 0; i < arity; i++) {
      argumentWhat[i] = "argument " + i + " of \"" + id + "\"";
      argumentHint[i] = "ignore the parameter with FunctionOptions.ignoreParameters(" + i + ")";
    }
    List<String> stateNames = ref.stateNames();
    stateWhat = new String[stateNames.size()];
    for (int i = 0; i < stateWhat.length; i++) {
      stateWhat[i] = stateNames.get(i) + " of \"" + id + "\"";
    }
    List<StaticField> fields = code.staticFields();
    fieldWhat = new String[fields.size()];
    fieldHint = new String[fields.size()];
    for (int i = 0; i < fieldWhat.length; i++) {
      StaticField f = fields.get(i);
      fieldWhat[i] = f.label() + " read by \"" + id + "\"";
      fieldHint[i] =
          "or mark the field @dev.memo.NotSigned (or list "
              + f.name()
              + " in memo.code.ignore-fields) if its value cannot change the result";
    }
  }

  /** Whether argument {@code i} is part of the key. */
  boolean signs(int i) {
    return (ignoredMask & (1L << i)) == 0;
  }

  static long ignoredMask(FunctionOptions options) {
    long mask = 0;
    for (int p : options.ignoredParameters()) {
      mask |= 1L << p;
    }
    return mask;
  }
}
