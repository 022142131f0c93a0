package dev.memo.core;

import dev.memo.FunctionOptions;
import dev.memo.Signature;
import dev.memo.core.code.CodeItem;
import dev.memo.core.code.FunctionCode;
import dev.memo.core.code.FunctionRef;
import dev.memo.core.code.StaticField;
import dev.memo.core.sign.CanonicalEncoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The keys of calls: the part of a function fixed when it is wrapped (signer, id, code, and an
 * environment that cannot change), and for each call one digest over that part, the environment
 * (state the function carries and static fields its code reads, read at the call) and the
 * arguments; also those parts on their own and a digest per item, for the records that explain a
 * miss. Thread-safe: each thread encodes with its own {@link CanonicalEncoder}, which is reset when
 * encoding fails so that the next key starts clean.
 */
final class CallKeys {
  private static final String SIGNATURE_DOMAIN = "memo/signature/3";

  private final String signerName;
  private final ThreadLocal<CanonicalEncoder> encoders;

  CallKeys(String signerName, ThreadLocal<CanonicalEncoder> encoders) {
    this.signerName = signerName;
    this.encoders = encoders;
  }

  /**
   * Makes the handle of a function whose code is signed: its parts, and the digest its calls' keys
   * start from. Signs its environment once, so that an unsignable captured variable fails now
   * rather than at the first call.
   *
   * @throws dev.memo.SignatureException if an item of the environment cannot be signed
   */
  Handle handle(
      String id,
      FunctionOptions options,
      FunctionRef ref,
      FunctionCode code,
      int arity,
      Route route,
      String stateHint,
      Counters counters) {
    CallItems items = new CallItems(id, options, ref, code, arity, stateHint);
    CanonicalEncoder enc = encoders.get();
    try {
      enc.putString("function-id").putString(id);
      Signature idPart = enc.finish();
      if (options.ignoresCode()) {
        enc.putString("code/ignored").putString(options.version().orElse(""));
      } else {
        // The items come sorted by key, so the order methods were reached in does not count.
        enc.putString("code/2").putInt(code.items().size());
        for (CodeItem item : code.items()) {
          enc.putString(item.key()).putString(item.hash());
        }
      }
      Signature codePart = enc.finish();
      Signature latestKey = enc.putString("memo/latest-entry/1").putString(id).finish();
      enc.putString(SIGNATURE_DOMAIN).putString(signerName);
      enc.putBytes(idPart.bytes()).putBytes(codePart.bytes());
      // With nothing captured and no static field read, the environment's encoding and the
      // arguments' header are the same at every call: digested once here, so that a small call
      // hashes as few bytes as the arguments' own (a SHA-256 block fewer).
      boolean fixedEnvironment = ref.state().isEmpty() && code.staticFields().isEmpty();
      enc.putBoolean(fixedEnvironment);
      if (fixedEnvironment) {
        putEnvironment(items, enc);
        putArgumentsHeader(items, enc);
      }
      byte[] functionPart = enc.finish().bytes();
      Handle h =
          new Handle(
              id,
              options,
              arity,
              route,
              items,
              idPart,
              codePart,
              latestKey,
              functionPart,
              fixedEnvironment,
              counters);
      environment(h);
      return h;
    } catch (RuntimeException e) {
      enc.reset();
      throw e;
    }
  }

  /** The key of a call: the function part, then the environment read now, then the arguments. */
  CallKey sign(Handle h, @Nullable Object[] args) {
    CanonicalEncoder enc = encoders.get();
    try {
      CallItems items = h.items;
      // A digest of fixed length first: no tag or length is needed to delimit it.
      enc.putRaw(h.functionPart);
      if (!h.fixedEnvironment) {
        putEnvironment(items, enc);
        putArgumentsHeader(items, enc);
      }
      putArgumentValues(items, args, enc);
      return new CallKey(enc.finish(), this, h, args);
    } catch (RuntimeException e) {
      enc.reset();
      throw e;
    }
  }

  /**
   * Digests the environment as the keys encode it, so that an item that cannot be signed fails when
   * the function is wrapped rather than at its first call.
   */
  Signature environment(Handle h) {
    CanonicalEncoder enc = encoders.get();
    try {
      putEnvironment(h.items, enc);
      return enc.finish();
    } catch (RuntimeException e) {
      enc.reset();
      throw e;
    }
  }

  /**
   * The environment and arguments parts of a call, which its records keep and explain compares, and
   * the digest of each item they are made of (each captured value, static field and signed
   * argument), so that explain can name the one that differs. Each item is encoded and digested
   * once; each part is a digest over its items' digests. Not the call's key: that is {@link #sign},
   * one digest over the items' encodings.
   */
  record Parts(Signature environment, Signature arguments, Map<String, String> items) {}

  /** The parts of a call: see {@link Parts}. */
  Parts parts(Handle h, @Nullable Object[] args) {
    CallItems items = h.items;
    CanonicalEncoder enc = encoders.get();
    Map<String, String> digests = new LinkedHashMap<>();
    try {
      int states = items.ref.state().size();
      Signature[] stateDigests = new Signature[states];
      for (int i = 0; i < states; i++) {
        putState(items, enc, i);
        stateDigests[i] = enc.finish();
        digests.put("environment." + items.environmentNames.get(i), stateDigests[i].hex());
      }
      List<StaticField> fields = items.code.staticFields();
      Signature[] fieldDigests = new Signature[fields.size()];
      for (int i = 0; i < fields.size(); i++) {
        putStaticField(items, enc, i);
        fieldDigests[i] = enc.finish();
        digests.put("environment." + fields.get(i).label(), fieldDigests[i].hex());
      }
      @Nullable Signature[] argumentDigests = new Signature[args.length];
      for (int i = 0; i < args.length; i++) {
        if (items.signs(i)) {
          putArgument(items, enc, args, i);
          argumentDigests[i] = enc.finish();
          digests.put("argument." + i, argumentDigests[i].hex());
        }
      }
      enc.putString("environment-part/1").putInt(states);
      for (Signature d : stateDigests) {
        enc.putBytes(d.bytes());
      }
      enc.putInt(fields.size());
      for (int i = 0; i < fields.size(); i++) {
        enc.putString(fields.get(i).name()).putBytes(fieldDigests[i].bytes());
      }
      Signature environment = enc.finish();
      enc.putString("arguments-part/1").putInt(items.arity).putLong(items.ignoredMask);
      for (Signature d : argumentDigests) {
        if (d != null) {
          enc.putBytes(d.bytes());
        }
      }
      return new Parts(environment, enc.finish(), digests);
    } catch (RuntimeException e) {
      enc.reset();
      throw e;
    }
  }

  private static void putEnvironment(CallItems items, CanonicalEncoder enc) {
    enc.putString("environment/2");
    List<Object> state = items.ref.state();
    enc.putInt(state.size());
    for (int i = 0; i < state.size(); i++) {
      putState(items, enc, i);
    }
    List<StaticField> fields = items.code.staticFields();
    enc.putInt(fields.size());
    for (int i = 0; i < fields.size(); i++) {
      enc.putString(fields.get(i).name());
      putStaticField(items, enc, i);
    }
  }

  private static void putState(CallItems items, CanonicalEncoder enc, int i) {
    enc.putRoot(items.ref.state().get(i), items.stateWhat[i], items.stateHint);
  }

  private static void putStaticField(CallItems items, CanonicalEncoder enc, int i) {
    enc.putRoot(items.code.staticFields().get(i).read(), items.fieldWhat[i], items.fieldHint[i]);
  }

  private static void putArgumentsHeader(CallItems items, CanonicalEncoder enc) {
    enc.putString("arguments/1").putInt(items.arity).putLong(items.ignoredMask);
  }

  private static void putArgumentValues(
      CallItems items, @Nullable Object[] args, CanonicalEncoder enc) {
    for (int i = 0; i < args.length; i++) {
      if (items.signs(i)) {
        putArgument(items, enc, args, i);
      }
    }
  }

  private static void putArgument(
      CallItems items, CanonicalEncoder enc, @Nullable Object[] args, int i) {
    enc.putRoot(args[i], items.argumentWhat[i], items.argumentHint[i]);
  }
}
