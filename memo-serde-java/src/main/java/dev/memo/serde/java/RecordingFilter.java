package dev.memo.serde.java;

import java.io.ObjectInputFilter;

/**
 * Wraps the filter of one read and keeps the reason for its first refusal: the stream itself only
 * reports {@code filter status: REJECTED}, which tells the user nothing. One per stream.
 */
final class RecordingFilter implements ObjectInputFilter {
  private final ObjectInputFilter filter;
  private String refusal;

  RecordingFilter(ObjectInputFilter filter) {
    this.filter = filter;
  }

  /** Returns why the filter refused part of the payload, or null if it refused nothing. */
  String refusal() {
    return refusal;
  }

  @Override
  public Status checkInput(FilterInfo info) {
    if (filter instanceof AllowListFilter) {
      String reason = ((AllowListFilter) filter).refusal(info);
      if (reason != null) {
        return refuse(reason);
      }
      return info.serialClass() == null ? Status.UNDECIDED : Status.ALLOWED;
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
    return status;
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
    return sb.append("depth ").append(info.depth())
        .append(", references ").append(info.references()).append(')').toString();
  }
}
