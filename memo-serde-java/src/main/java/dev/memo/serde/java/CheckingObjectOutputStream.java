package dev.memo.serde.java;

import dev.memo.SerdeException;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import org.jspecify.annotations.Nullable;

/**
 * An object stream that fails fast and says why, with unchecked exceptions that the stream lets
 * pass: on an object that is not serializable, naming its class; and on a class the read filter
 * would refuse, since such a value could be written but never read back, and every later call would
 * silently miss.
 *
 * <p>Unchecked, because {@link ObjectOutputStream#writeObject} answers an {@link IOException} at
 * the top level by serializing the exception itself into the payload. For the same reason, that
 * serialization is stopped when it happens anyway (an {@code IOException} from a class's own {@code
 * writeObject}): {@link AbortedWrite} carries the exception out instead.
 */
final class CheckingObjectOutputStream extends ObjectOutputStream {
  private static final StackWalker STACK = StackWalker.getInstance();

  private final ObjectInputFilter filter;
  private final String valueType;

  CheckingObjectOutputStream(OutputStream out, ObjectInputFilter filter, String valueType)
      throws IOException {
    super(out);
    this.filter = filter;
    this.valueType = valueType;
    enableReplaceObject(true);
  }

  /** Carries the exception the stream was about to serialize into the payload. */
  static final class AbortedWrite extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AbortedWrite(Throwable failure) {
      super(failure);
    }
  }

  // Called for every object after its writeReplace, before the stream decides how to write it.
  @Override
  protected Object replaceObject(Object obj) {
    if (obj instanceof Throwable && writingFatalException()) {
      throw new AbortedWrite((Throwable) obj);
    }
    if (obj != null && !(obj instanceof Serializable) && !obj.getClass().isArray()) {
      throw new SerdeException(notSerializable(valueType, obj.getClass().getName()));
    }
    return obj;
  }

  private static boolean writingFatalException() {
    return STACK.walk(
        frames ->
            frames.anyMatch(
                f ->
                    f.getClassName().equals("java.io.ObjectOutputStream")
                        && f.getMethodName().equals("writeFatalException")));
  }

  /** Returns the message for a value that is, or holds, an object of a non-serializable class. */
  static String notSerializable(String valueType, String culprit) {
    String fix =
        " implement java.io.Serializable (or turn it into a record that does), or choose"
            + " another serde with memo.serde";
    if (valueType.equals(culprit)) {
      return "value of type "
          + valueType
          + " cannot be serialized: "
          + culprit
          + " is not Serializable; make it"
          + fix;
    }
    return "value of type "
        + valueType
        + " cannot be serialized: it contains a "
        + culprit
        + ", which is not Serializable; make "
        + culprit
        + fix;
  }

  @Override
  protected void annotateClass(Class<?> type) {
    check(type);
  }

  @Override
  protected void annotateProxyClass(Class<?> type) {
    check(type);
  }

  private void check(Class<?> type) {
    String refusal = writeRefusal(filter, type);
    if (refusal != null) {
      throw new SerdeException("value of type " + valueType + " contains " + refusal);
    }
  }

  /**
   * Returns why a value holding {@code type} must not be written, since {@code filter} would refuse
   * it on reading, or null if it may be written.
   */
  static @Nullable String writeRefusal(ObjectInputFilter filter, Class<?> type) {
    if (filter instanceof AllowListFilter) {
      return ((AllowListFilter) filter).writeRefusal(type);
    }
    ObjectInputFilter.Status status = filter.checkInput(new FilterQuery(type, -1));
    return status == ObjectInputFilter.Status.REJECTED
        ? "class " + type.getName() + ", which the filter refuses, so it could not be read back"
        : null;
  }
}
