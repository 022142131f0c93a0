package dev.memo.core.config;

import java.util.ResourceBundle;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link System.Logger} that asks {@link System#getLogger} for the real one on first use. Memo's
 * classes keep their loggers in static fields; made eagerly, the first of them finds the logging
 * backend (a service lookup, {@code java.util.logging}, security properties) while a memoizer is
 * built, tens of milliseconds of a new process's first hit that logs nothing.
 *
 * <p>Thread-safe: the real logger is looked up at most a few times in a race, and {@link
 * System#getLogger} returns an equivalent logger each time. Never null.
 */
public final class LazyLogger implements System.Logger {
  private final String name;
  private volatile System.@Nullable Logger real;

  private LazyLogger(String name) {
    this.name = name;
  }

  /**
   * Returns a logger of this name that is looked up on first use.
   *
   * @param name the logger's name, as for {@link System#getLogger(String)}
   * @return the logger
   */
  public static System.Logger of(String name) {
    return new LazyLogger(name);
  }

  private System.Logger real() {
    System.Logger r = real;
    if (r == null) {
      r = System.getLogger(name);
      real = r;
    }
    return r;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public boolean isLoggable(Level level) {
    return real().isLoggable(level);
  }

  @Override
  public void log(Level level, String msg) {
    real().log(level, msg);
  }

  @Override
  public void log(Level level, Supplier<String> msgSupplier) {
    real().log(level, msgSupplier);
  }

  @Override
  public void log(Level level, Object obj) {
    real().log(level, obj);
  }

  @Override
  public void log(Level level, String msg, Throwable thrown) {
    real().log(level, msg, thrown);
  }

  @Override
  public void log(Level level, Supplier<String> msgSupplier, Throwable thrown) {
    real().log(level, msgSupplier, thrown);
  }

  @Override
  public void log(Level level, String format, Object... params) {
    real().log(level, format, params);
  }

  @Override
  public void log(
      Level level, @Nullable ResourceBundle bundle, String msg, @Nullable Throwable thrown) {
    real().log(level, bundle, msg, thrown);
  }

  @Override
  public void log(
      Level level, @Nullable ResourceBundle bundle, String format, @Nullable Object... params) {
    real().log(level, bundle, format, params);
  }
}
