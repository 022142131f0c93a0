package dev.memo.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a stretch of calls cost beyond time: the process's minor page faults (the first touch of a
 * page, which on a virtual machine costs tens of microseconds while the heap grows) and the bytes
 * the calling thread allocated.
 */
final class ProcessCounters {
  private ProcessCounters() {}

  /** The process's minor page faults so far (field 10 of /proc/self/stat), or 0 off Linux. */
  static long minorFaults() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[7]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Bytes the calling thread has allocated so far. */
  static long allocatedByThisThread() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  /** Bytes every live thread has allocated so far. */
  static long allocatedByAllThreads() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      if (bytes > 0) {
        sum += bytes;
      }
    }
    return sum;
  }
}
