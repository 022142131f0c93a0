package dev.memo.core.fakes;

import java.lang.System.Logger.Level;
import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Captures what memo logs while open. Installed as the JVM's {@link System.LoggerFinder} through
 * this module's test {@code META-INF/services}; outside a capture it prints warnings to stderr.
 */
public final class LogCapture implements AutoCloseable {
  private static final List<LogCapture> OPEN = new CopyOnWriteArrayList<>();

  /** A captured record. */
  public record Entry(Level level, String message) {}

  public final List<Entry> records = new CopyOnWriteArrayList<>();

  public LogCapture() {
    OPEN.add(this);
  }

  public long count(Level level) {
    return records.stream().filter(r -> r.level() == level).count();
  }

  @Override
  public void close() {
    OPEN.remove(this);
  }

  /** The finder the JVM loads. */
  public static final class Finder extends System.LoggerFinder {
    @Override
    public System.Logger getLogger(String name, Module module) {
      return new Logger(name);
    }
  }

  private static final class Logger implements System.Logger {
    private final String name;

    Logger(String name) {
      this.name = name;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      record(level, msg + (thrown == null ? "" : ": " + thrown));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      record(
          level,
          params == null || params.length == 0 ? format : MessageFormat.format(format, params));
    }

    @Override
    public void log(Level level, Supplier<String> msgSupplier) {
      record(level, msgSupplier.get());
    }

    private void record(Level level, String message) {
      if (OPEN.isEmpty()) {
        if (level.getSeverity() >= Level.WARNING.getSeverity()) {
          System.err.println(level + " " + name + ": " + message);
        }
        return;
      }
      for (LogCapture c : OPEN) {
        c.records.add(new Entry(level, message));
      }
    }
  }
}
