package dev.memo.core;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The Java Flight Recorder event of one memoized call that took at least {@code
 * memo.jfr.threshold}: its function, how it was answered and where its time went. {@link
 * CallEvents} fills and commits it. Not thread-safe: one call's thread owns it.
 */
@Name(CallEvent.NAME)
@Label("Memoized Call")
@Category("memo")
@Description(
    "A memoized call: how it was answered and the time spent signing, reading,"
        + " deserializing, waiting, computing and writing")
@StackTrace(false)
// Off unless a recording's settings turn it on: JFR's default for an event class is on.
@Enabled(false)
final class CallEvent extends Event {
  static final String NAME = "dev.memo.Call";

  /** The call's value came from the object tier. */
  static final String TIER_HIT = "tier-hit";

  /** The call's value was read from the store. */
  static final String STORE_HIT = "store-hit";

  /** No entry was stored: the function ran (or another caller's run was waited for). */
  static final String MISS = "miss";

  /** An entry was stored but could not be used: the function ran again. */
  static final String BROKEN_ENTRY = "broken-entry";

  /** The function, the signing or the store threw: the caller received the exception. */
  static final String FAILED = "failed";

  @Label("Function")
  @Description("The memoized function's name")
  String function;

  @Label("Outcome")
  @Description("tier-hit, store-hit, miss, broken-entry or failed")
  String outcome = FAILED;

  @Label("Signing")
  @Description("Time spent signing the call's code, environment and arguments")
  @Timespan(Timespan.NANOSECONDS)
  long signing;

  @Label("Reading")
  @Description(
      "Time spent looking for and reading the stored entry, deserializing excluded: the first"
          + " look, and the looks again before computing")
  @Timespan(Timespan.NANOSECONDS)
  long reading;

  @Label("Deserializing")
  @Description("Time spent deserializing stored values")
  @Timespan(Timespan.NANOSECONDS)
  long deserializing;

  @Label("Waiting")
  @Description("Time spent waiting for another thread's or process's computation of the same call")
  @Timespan(Timespan.NANOSECONDS)
  long waiting;

  @Label("Computing")
  @Description("Time spent running the function")
  @Timespan(Timespan.NANOSECONDS)
  long computing;

  @Label("Writing")
  @Description("Time spent serializing and writing the entry")
  @Timespan(Timespan.NANOSECONDS)
  long writing;

  /** The start of the call, from System.nanoTime. */
  transient long start;

  /** The event of the enclosing memoized call in this thread, restored when this one ends. */
  transient CallEvent outer;
}
