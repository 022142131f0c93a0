package dev.memo.store.redis;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A System.Logger that keeps what it is given, for tests that check what is logged and how often.
 */
final class RecordingLogger implements System.Logger {
  /** A record: its level and message. */
  record Entry(Level level, String message) {}

  final List<Entry> entries = new CopyOnWriteArrayList<>();

  List<String> messages(Level level) {
    return entries.stream().filter(e -> e.level() == level).map(Entry::message).toList();
  }

  @Override
  public String getName() {
    return "test";
  }

  @Override
  public boolean isLoggable(Level level) {
    return true;
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    entries.add(new Entry(level, msg));
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    entries.add(
        new Entry(
            level,
            params == null || params.length == 0 ? format : MessageFormat.format(format, params)));
  }
}
