package dev.memo.core;

import dev.memo.MemoConfig;
import java.time.Duration;
import jdk.jfr.FlightRecorder;

/**
 * Records memoized calls as {@link CallEvent}s while a flight recording has the event enabled. When
 * it is not, {@link #begin} costs one check of the event's state: no allocation that survives
 * compilation, no clock read. The phases of a call are measured where the work is done (reading,
 * deserializing, waiting, computing, writing; signing in the engine), and reach its event through a
 * thread local that only recorded calls touch, so that every look in the store counts, not only the
 * first. Thread-safe.
 */
final class CallEvents {
  private static final ThreadLocal<CallEvent> CURRENT = new ThreadLocal<>();

  private final long thresholdNanos;

  /**
   * @param config the memoizer's configuration, for {@link MemoConfig#JFR_THRESHOLD}
   */
  CallEvents(MemoConfig config) {
    this.thresholdNanos =
        config.getDuration(MemoConfig.JFR_THRESHOLD, Duration.ofMillis(1)).toNanos();
  }

  /**
   * Returns whether calls are being recorded. Until a recording has started in this JVM, the answer
   * is no without touching the event class: registering it loads and initializes much of the flight
   * recorder, which would cost a new process's first call tens of milliseconds for nothing. After,
   * the event JFR's documentation recommends asking is made and dropped here, so that escape
   * analysis removes it.
   */
  static boolean recording() {
    return FlightRecorder.isInitialized() && new CallEvent().isEnabled();
  }

  /**
   * Starts the event of a call of the function, or returns null when calls are not recorded.
   *
   * @param function the function's name
   */
  CallEvent begin(String function) {
    if (!recording()) {
      return null;
    }
    CallEvent event = new CallEvent();
    event.begin();
    event.function = function;
    event.outer = CURRENT.get();
    CURRENT.set(event);
    event.start = System.nanoTime();
    return event;
  }

  /** Ends a call's event, committing it if the call took at least the threshold. */
  void end(CallEvent event) {
    long elapsed = System.nanoTime() - event.start;
    if (event.outer == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(event.outer);
    }
    event.outer = null;
    event.end();
    if (elapsed >= thresholdNanos && event.shouldCommit()) {
      event.commit();
    }
  }

  /** Returns the clock now if calls are recorded, else 0: the start of a phase. */
  static long mark() {
    return recording() ? System.nanoTime() : 0;
  }

  /**
   * Adds the time since {@code mark} to the reading of the current call, if recorded: one look in
   * the store, whose deserializing {@link #deserialized} moved out of it.
   */
  static void read(long mark) {
    CallEvent event = mark == 0 ? null : CURRENT.get();
    if (event != null) {
      event.reading += System.nanoTime() - mark;
    }
  }

  /**
   * Moves the time since {@code mark}, spent deserializing within a read (see {@link #read}), from
   * the reading of the current call to its deserializing, if recorded.
   */
  static void deserialized(long mark) {
    CallEvent event = mark == 0 ? null : CURRENT.get();
    if (event != null) {
      long nanos = System.nanoTime() - mark;
      event.deserializing += nanos;
      event.reading -= nanos;
    }
  }

  /** Adds the time since {@code mark} to the waiting of the current call, if recorded. */
  static void waited(long mark) {
    CallEvent event = mark == 0 ? null : CURRENT.get();
    if (event != null) {
      event.waiting += System.nanoTime() - mark;
    }
  }

  /** Adds the time since {@code mark} to the writing of the current call, if recorded. */
  static void written(long mark) {
    CallEvent event = mark == 0 ? null : CURRENT.get();
    if (event != null) {
      event.writing += System.nanoTime() - mark;
    }
  }

  /** Adds the function's run time to the current call, if recorded. */
  static void computed(long nanos) {
    CallEvent event = recording() ? CURRENT.get() : null;
    if (event != null) {
      event.computing += nanos;
    }
  }
}
