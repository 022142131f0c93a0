package dev.memo.store.chronicle;

import static dev.memo.store.chronicle.Payloads.key;
import static dev.memo.store.chronicle.Payloads.payload;
import static dev.memo.store.chronicle.Payloads.put;
import static dev.memo.store.chronicle.Payloads.read;

import dev.memo.MemoException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Run in a child JVM by {@link ChronicleStoreProviderTest}: {@code create <root>} creates a store
 * and prints "created" or the error's class and message; {@code use <root>} puts, reads, rolls,
 * evicts and removes; {@code socket} opens a socket channel and nothing else, to prove that the
 * network test would notice one; {@code compile} has chronicle-values generate and compile a class,
 * to prove that {@link PrecompiledValuesTest} would notice a compilation.
 */
public final class StoreProbe {
  private StoreProbe() {}

  /**
   * Runs one mode.
   *
   * @param args the mode and its arguments
   * @throws Exception if the store or the socket fails
   */
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "create":
        try (ChronicleStore store = Payloads.open(Path.of(args[1]))) {
          System.out.println("created");
        } catch (MemoException e) {
          System.out.println(e.getClass().getName() + ": " + e.getMessage());
        }
        break;
      case "use":
        try (ChronicleStore store =
            Payloads.open(Path.of(args[1]), "entries", "100", "max-entries", "400")) {
          for (int i = 0; i < 1000; i++) {
            put(store, key(i), payload(i, 0));
            if (!Arrays.equals(payload(i, 0), read(store, key(i)).orElseThrow())) {
              throw new AssertionError("entry " + i);
            }
          }
          store.remove(Payloads.NS, key(999));
          System.out.println("used, generation " + store.shared().generation());
        }
        break;
      case "socket":
        try (SocketChannel channel = SocketChannel.open()) {
          System.out.println("opened " + channel);
        }
        break;
      case "compile":
        // A value interface memo ships no class for: chronicle-values compiles one with javac.
        Class<?> compiled =
            (Class<?>)
                Class.forName("net.openhft.chronicle.values.Values")
                    .getMethod("nativeClassFor", Class.class)
                    .invoke(
                        null,
                        Class.forName("net.openhft.chronicle.map.ReplicatedGlobalMutableStateV2"));
        System.out.println("compiled " + compiled.getName());
        break;
      default:
        throw new IllegalArgumentException(args[0]);
    }
  }
}
