package dev.memo.core.fakes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures what memo logs (System.Logger goes to java.util.logging when nothing else is bound). */
public final class LogCapture implements AutoCloseable {
  private final Logger logger = Logger.getLogger("dev.memo");
  private final Level previous = logger.getLevel();
  public final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord r) {
      records.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  public LogCapture() {
    logger.setLevel(Level.ALL);
    logger.addHandler(handler);
  }

  public long count(Level level) {
    return records.stream().filter(r -> r.getLevel() == level).count();
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
    logger.setLevel(previous);
  }
}
