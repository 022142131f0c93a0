package dev.memo.core;

/** memo's entry point; filled in by the memoizer commit. */
public final class Memo {
  private Memo() {}
}
