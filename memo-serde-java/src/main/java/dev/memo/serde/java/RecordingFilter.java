package dev.memo.serde.java;

import java.io.IOException;
import java.io.ObjectInputFilter;
import org.jspecify.annotations.Nullable;

/**
 * Wraps the filter of one read and keeps the reason for its first refusal: the stream itself only
 * reports {@code filter status: REJECTED}, which tells the user nothing. One per stream.
 */
final class RecordingFilter implements ObjectInputFilter {
  /**
   * How far the object stream may have read ahead of what it used when it asks about an array: its
   * block buffer (1024 bytes and a 5-byte header), its peeked byte, and the two bytes pushed back
   * after the fast path's marker was looked for.
   */
  static final long READ_AHEAD = 2048;

  private final ObjectInputFilter filter;
  private EvidenceInputStream evidence;
  private @Nullable String refusal;

  RecordingFilter(ObjectInputFilter filter) {
    this.filter = filter;
  }

  /**
   * Has every array the filter allows also proven against the bytes that follow it: an array of
   * primitives must be followed by its elements' bytes, an array of references (or the table of a
   * collection being read) by at least one byte per eight elements, since each element takes at
   * least one byte of its own and a hash table has at most eight slots per element.
   */
  void requireEvidence(EvidenceInputStream stream) {
    this.evidence = stream;
  }

  /** Returns why the filter refused part of the payload, or null if it refused nothing. */
  @Nullable String refusal() {
    return refusal;
  }

  @Override
  public Status checkInput(FilterInfo info) {
    if (filter instanceof AllowListFilter) {
      String reason = ((AllowListFilter) filter).refusal(info);
      if (reason != null) {
        return refuse(reason);
      }
      return proven(info, info.serialClass() == null ? Status.UNDECIDED : Status.ALLOWED);
    }
    Status status;
    try {
      status = filter.checkInput(info);
    } catch (RuntimeException e) {
      return refuse(describe(info) + ": the filter threw " + e);
    }
    if (status == null || status == Status.REJECTED) {
      return refuse(describe(info));
    }
    return proven(info, status);
  }

  private Status proven(FilterInfo info, Status status) {
    Class<?> type = info.serialClass();
    long length = info.arrayLength();
    if (evidence == null || length < 0 || type == null || !type.isArray()) {
      return status;
    }
    Class<?> component = type.getComponentType();
    long bytes = component.isPrimitive() ? length * primitiveBytes(component) : length / 8;
    boolean held;
    try {
      held = evidence.holds(bytes, READ_AHEAD);
    } catch (IOException | RuntimeException e) {
      // The caller's stream's failure is rethrown by the reader; a limit's carries its reason.
      return refuse(e.getMessage() == null ? e.toString() : e.getMessage());
    }
    if (!held) {
      return refuse(
          "payload declares an array of "
              + length
              + " elements of "
              + component.getName()
              + ", more than the bytes it holds can fill; it is corrupt");
    }
    return status;
  }

  private static long primitiveBytes(Class<?> component) {
    if (component == long.class || component == double.class) {
      return 8;
    }
    if (component == int.class || component == float.class) {
      return 4;
    }
    return component == char.class || component == short.class ? 2 : 1;
  }

  private Status refuse(String reason) {
    if (refusal == null) {
      refusal = reason;
    }
    return Status.REJECTED;
  }

  private static String describe(FilterInfo info) {
    StringBuilder sb = new StringBuilder("payload was refused by the filter (");
    if (info.serialClass() != null) {
      sb.append("class ").append(info.serialClass().getName()).append(", ");
    }
    if (info.arrayLength() >= 0) {
      sb.append("array length ").append(info.arrayLength()).append(", ");
    }
    return sb.append("depth ")
        .append(info.depth())
        .append(", references ")
        .append(info.references())
        .append(')')
        .toString();
  }
}
