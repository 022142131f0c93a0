package dev.memo.serde.zstd;

import dev.memo.NotSigned;
import dev.memo.core.Memo;
import dev.memo.spi.Serde;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run by {@link CraftedEntryTest} in a JVM with a small heap: plants an entry with valid checksums
 * whose fast-path payload declares an int[] of nine tenths of the heap in 16 bytes, then calls the
 * function from four threads at once through a directory store and the java serde. Prints {@code
 * results <r> computed <n> broken <b>}, or the failure of a call.
 */
public final class CraftedEntryMain {
  @NotSigned static final AtomicInteger COMPUTED = new AtomicInteger();

  static String value(Integer x) {
    COMPUTED.incrementAndGet();
    return "value " + x;
  }

  /** Writes the crafted bytes whatever the value, recorded as the java serde's. */
  private static final class Crafting implements Serde {
    @Override
    public String name() {
      return "java";
    }

    @Override
    public void write(Object value, OutputStream out) throws java.io.IOException {
      int length = (int) (Runtime.getRuntime().maxMemory() / 4 * 9 / 10);
      out.write(
          ByteBuffer.allocate(3 + 4 + 16)
              .put((byte) 'm')
              .put((byte) 'r')
              .put((byte) 5)
              .putInt(length)
              .array());
    }

    @Override
    public Object read(InputStream in) {
      throw new UnsupportedOperationException();
    }
  }

  public static void main(String[] args) throws Exception {
    String store = args[0];
    try (Memo attacker =
        Memo.builder().config("memo.store.directory.path", store).serde(new Crafting()).build()) {
      attacker.function("crafted", CraftedEntryMain::value).apply(1);
    }
    COMPUTED.set(0);
    try (Memo memo =
        Memo.builder()
            .config("memo.store.directory.path", store)
            .config("memo.object-tier.max-entries", "0")
            .serde("java")
            .build()) {
      var f = memo.function("crafted", CraftedEntryMain::value);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        calls.add(pool.submit((Callable<String>) () -> f.apply(1)));
      }
      List<String> results = new ArrayList<>();
      for (Future<String> call : calls) {
        results.add(call.get());
      }
      pool.shutdown();
      System.out.println(
          "results "
              + results
              + " computed "
              + COMPUTED.get()
              + " broken "
              + memo.stats().loadFailureCount());
    }
  }
}
