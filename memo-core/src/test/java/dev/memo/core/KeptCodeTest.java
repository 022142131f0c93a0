package dev.memo.core;

import static dev.memo.core.fakes.TestCompiler.call;
import static dev.memo.core.fakes.TestCompiler.compile;
import static dev.memo.core.fakes.TestCompiler.loader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.FunctionOptions;
import dev.memo.MemoConfigurationException;
import dev.memo.MemoFunction;
import dev.memo.core.admin.StoreAdmin;
import dev.memo.core.code.CodeSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a memoizer keeps the walked code of its functions across runs: under the folder of its
 * store ({@code .code}), for the directory store and a tiered store in front of which it stands;
 * nowhere with {@code memo.code.cache=false} or an integrity key. {@code memo clear --all} removes
 * it. Functions are compiled at test time into a class directory, as an application's would be.
 */
final class KeptCodeTest {
  @TempDir Path tmp;

  private static final String CALC =
      """
      package app;

      import dev.memo.MemoFunction;

      public class Calc {
        public static MemoFunction<Integer, Integer> function() {
          return Calc::compute;
        }

        static Integer compute(Integer x) {
          return x * 2 + 1;
        }
      }
      """;

  private Path store() {
    return tmp.resolve("store");
  }

  /** Builds a memoizer with {@code config}, calls app.Calc's function once, and closes it. */
  private void callOnce(Map<String, String> config) {
    Path classes = tmp.resolve("classes");
    if (!Files.isDirectory(classes)) {
      compile(classes, List.of(), List.of(), CALC);
    }
    var builder = Memo.builder();
    config.forEach(builder::config);
    try (Memo memo = builder.build()) {
      MemoFunction<Integer, Integer> f = call(loader(classes), "app.Calc", "function");
      assertEquals(7, memo.function(FunctionOptions.named("calc"), f).apply(3));
    }
  }

  private Map<String, String> directory(String... more) {
    Map<String, String> config = new HashMap<>();
    config.put("memo.store", "directory");
    config.put("memo.store.directory.path", store().toString());
    for (int i = 0; i < more.length; i += 2) {
      config.put(more[i], more[i + 1]);
    }
    return config;
  }

  private List<Path> kept() throws IOException {
    Path folder = store().resolve(CodeSigner.CACHE_FOLDER);
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.toList();
    }
  }

  @Test
  void directoryStore_keepsTheWalkUnderItsRoot() throws IOException {
    callOnce(directory());
    List<Path> kept = kept();
    assertEquals(1, kept.size(), kept.toString());
    assertTrue(kept.get(0).getFileName().toString().endsWith(CodeSigner.CACHE_SUFFIX));
  }

  @Test
  void tieredStore_keepsTheWalkInItsNearestLayerWithAFolder() throws IOException {
    callOnce(directory("memo.store", "tiered", "memo.store.tiered.layers", "memory,directory"));
    assertEquals(1, kept().size(), kept().toString());
  }

  @Test
  void codeCacheOff_keepsNothing() throws IOException {
    callOnce(directory("memo.code.cache", "false"));
    assertTrue(Files.isDirectory(store()), "the entry was stored");
    assertFalse(Files.exists(store().resolve(CodeSigner.CACHE_FOLDER)));
  }

  @Test
  void codeCacheNeitherTrueNorFalse_isRejectedQuotingIt() {
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class,
            () -> Memo.builder().config("memo.code.cache", "yes").build().close());
    assertTrue(e.getMessage().contains("memo.code.cache"), e.getMessage());
    assertTrue(e.getMessage().contains("\"yes\""), e.getMessage());
  }

  @Test
  void integrityKey_keepsNothing() throws IOException {
    Path key = tmp.resolve("key");
    Files.writeString(key, Base64.getEncoder().encodeToString(new byte[32]) + "\n");
    callOnce(directory("memo.integrity.key-file", key.toString()));
    assertTrue(Files.isDirectory(store()), "the entry was stored");
    assertFalse(Files.exists(store().resolve(CodeSigner.CACHE_FOLDER)));
  }

  @Test
  void clearAll_removesTheKeptCodeToo() throws IOException {
    callOnce(directory());
    Path folder = store().resolve(CodeSigner.CACHE_FOLDER);
    Files.writeString(folder.resolve(".dead.code.5f3c.tmp"), "half a walk");
    assertEquals(2, kept().size(), kept().toString());
    try (StoreAdmin admin = StoreAdmin.open("directory", directory())) {
      assertTrue(admin.clearAll() >= 1, "the entry of calc(3)");
    }
    assertFalse(Files.exists(folder), kept().toString());
  }
}
