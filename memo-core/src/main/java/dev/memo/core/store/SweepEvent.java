package dev.memo.core.store;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The Java Flight Recorder event of one sweep of a directory store by {@link DirectorySweeper}:
 * what it found and removed. Not thread-safe: the sweeping thread owns it.
 */
@Name("dev.memo.Sweep")
@Label("Directory Store Sweep")
@Category("memo")
@Description("A sweep that keeps a directory store within its bounds")
@StackTrace(false)
// Off unless a recording's settings turn it on: JFR's default for an event class is on.
@Enabled(false)
final class SweepEvent extends Event {
  @Label("Directory")
  @Description("The store's root folder")
  String directory;

  @Label("Entries Kept")
  long entries;

  @Label("Bytes Kept")
  @DataAmount
  long bytes;

  @Label("Entries Removed")
  long removedEntries;

  @Label("Bytes Removed")
  @DataAmount
  long removedBytes;

  @Label("Temporary Files Removed")
  @Description("Files left by writers that died before finishing an entry")
  long removedTemporaryFiles;

  @Label("Quarantined Entries Removed")
  long removedQuarantined;

  @Label("Code Files Removed")
  @Description("Kept walks of functions' code unused for longer than the age bound")
  long removedCodeFiles;

  /** Commits the event of a sweep of {@code root} that came to {@code r}, if it is enabled. */
  void commit(java.nio.file.Path root, DirectorySweeper.Result r) {
    end();
    if (shouldCommit()) {
      directory = root.toString();
      entries = r.entries();
      bytes = r.bytes();
      removedEntries = r.removedEntries();
      removedBytes = r.removedBytes();
      removedTemporaryFiles = r.removedTemporaryFiles();
      removedQuarantined = r.removedQuarantined();
      removedCodeFiles = r.removedCodeFiles();
      commit();
    }
  }
}
