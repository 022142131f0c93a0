package dev.memo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memo.NotSigned;
import dev.memo.core.fakes.MapStore;
import dev.memo.core.fakes.SerialSerdeProvider.SerialSerde;
import dev.memo.spi.Serde;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A serde that runs out of heap or stack while reading an entry (a payload declaring more than the
 * heap can give, or nesting deeper than the stack goes) makes the entry broken: counted,
 * quarantined and recomputed, never the caller's failure. The same errors from the user's function
 * pass through.
 */
final class SerdeErrorTest {
  @NotSigned static final AtomicInteger CALLS = new AtomicInteger();
  @NotSigned static volatile Error fromFunction;

  /** Reads through the test serde, throwing {@link #failure} instead while it is set. */
  private static final class FailingReads implements Serde {
    private final Serde serde = new SerialSerde("test-serial");
    volatile Error failure;

    @Override
    public String name() {
      return serde.name();
    }

    @Override
    public void write(Object value, OutputStream out) throws IOException {
      serde.write(value, out);
    }

    @Override
    public Object read(InputStream in) throws IOException {
      if (failure != null) {
        throw failure;
      }
      return serde.read(in);
    }
  }

  private final MapStore store = new MapStore();
  private final FailingReads serde = new FailingReads();

  @BeforeEach
  void reset() {
    CALLS.set(0);
    fromFunction = null;
  }

  static Long twice(Integer x) {
    CALLS.incrementAndGet();
    if (fromFunction != null) {
      throw fromFunction;
    }
    return 2L * x;
  }

  private Memo memo() {
    return MemoTest.isolated()
        .store(store)
        .serde(serde)
        .config("memo.object-tier.max-entries", "0")
        .build();
  }

  @Test
  void apply_serdeRunsOutOfMemory_entryIsBrokenAndRecomputed() {
    try (Memo memo = memo()) {
      Function<Integer, Long> f = memo.function("twice", SerdeErrorTest::twice);
      f.apply(21);
      serde.failure = new OutOfMemoryError("Java heap space");

      assertEquals(42L, f.apply(21));

      assertEquals(2, CALLS.get());
      assertEquals(1, memo.stats().loadFailureCount());
      assertEquals(
          List.of(
              "SerdeException: serde \"test-serial\" ran out of memory reading the"
                  + " entry (java.lang.OutOfMemoryError: Java heap space)"),
          reasons());
    }
  }

  @Test
  void apply_serdeOverflowsTheStack_entryIsBrokenAndRecomputed() {
    try (Memo memo = memo()) {
      Function<Integer, Long> f = memo.function("twice", SerdeErrorTest::twice);
      f.apply(21);
      serde.failure = new StackOverflowError();

      assertEquals(42L, f.apply(21));

      assertEquals(2, CALLS.get());
      assertEquals(
          List.of(
              "SerdeException: serde \"test-serial\" ran out of stack reading the"
                  + " entry (java.lang.StackOverflowError)"),
          reasons());
    }
  }

  @Test
  void apply_functionRunsOutOfMemory_passesThroughUnchanged() {
    try (Memo memo = memo()) {
      Function<Integer, Long> f = memo.function("twice", SerdeErrorTest::twice);
      OutOfMemoryError error = new OutOfMemoryError("the function's own");
      fromFunction = error;

      assertSame(error, assertThrows(OutOfMemoryError.class, () -> f.apply(21)));
      assertEquals(0, memo.stats().loadFailureCount());
    }
  }

  private List<String> reasons() {
    return store.quarantined.stream().map(q -> q.substring(q.indexOf(' ') + 1)).toList();
  }
}
