package dev.memo.store.chronicle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process opens a chronicle store without compiling anything: the class chronicle-values would
 * compile is the one memo ships, built for the Chronicle on the class path from the source
 * Chronicle itself generates.
 */
final class PrecompiledValuesTest {
  /** A class load in -Xlog:class+load output: the class and where it came from. */
  private static final Pattern LOADED = Pattern.compile("\\[class,load\\] (\\S+) source: (.*)$");

  /**
   * javac's compiler proper: parsing, attribution, code generation. Loading javac's API is not
   * compiling.
   */
  private static final List<String> COMPILING =
      List.of(
          "com.sun.tools.javac.main.",
          "com.sun.tools.javac.parser.",
          "com.sun.tools.javac.comp.",
          "com.sun.tools.javac.jvm.");

  private static final Path SOURCE =
      Path.of(
          "src/main/chronicle-values/net/openhft/chronicle/hash/"
              + "VanillaGlobalMutableState$$Native.java");

  @TempDir Path dir;

  @Test
  void openingAStore_newAndExisting_compilesNothing() throws Exception {
    for (String run : List.of("new", "existing")) {
      Map<String, String> loaded = loadedClasses(run, "use", dir.resolve("s").toString());
      assertTrue(
          loaded.containsKey("net.openhft.chronicle.map.ChronicleMapBuilder"),
          "the probe ran Chronicle Map");
      // Defined by PrecompiledValues through a Lookup; Chronicle's compiler defines it otherwise.
      assertEquals("__JVM_LookupDefineClass__", loaded.get(PrecompiledValues.NATIVE_CLASS), run);
      assertEquals(List.of(), compilerClasses(loaded), run);
    }
  }

  @Test
  void compilationCheck_aProgramThatCompiles_isCaught() throws Exception {
    Map<String, String> loaded = loadedClasses("compile", "compile");
    assertTrue(
        compilerClasses(loaded).size() > 10,
        () ->
            loaded.keySet().stream()
                .filter(c -> c.startsWith("com.sun.tools.javac"))
                .collect(Collectors.joining("\n")));
  }

  @Test
  void chronicleOnTheClassPath_isTheOneTheClassWasBuiltFor() throws IOException {
    assertNull(
        PrecompiledValues.mismatch(PrecompiledValuesTest.class.getClassLoader()),
        "upgrading Chronicle: see the comment at the top of " + SOURCE);
  }

  @Test
  void mismatch_anotherVersion_isNamed() throws IOException {
    ClassLoader empty = new ClassLoader(null) {};
    String m = PrecompiledValues.mismatch(empty);
    assertTrue(
        m.startsWith("net.openhft:chronicle-") && m.contains(" is of unknown version, not "), m);
  }

  @Test
  void shippedSource_isWhatChronicleGenerates() throws Exception {
    Class<?> valueType = Class.forName("net.openhft.chronicle.hash.VanillaGlobalMutableState");
    Class<?> model = Class.forName("net.openhft.chronicle.values.ValueModel");
    Object acquired = model.getMethod("acquire", Class.class).invoke(null, valueType);
    Method generate =
        Class.forName("net.openhft.chronicle.values.Generators")
            .getDeclaredMethod("generateNativeClass", model, String.class);
    generate.setAccessible(true);
    String generated =
        (String) generate.invoke(null, acquired, "VanillaGlobalMutableState$$Native");
    String shipped = Files.readString(SOURCE, StandardCharsets.UTF_8);
    assertEquals(
        generated,
        shipped.substring(shipped.indexOf("\npackage ") + 1),
        "the shipped source differs from what this Chronicle generates; replace it");
  }

  private static List<String> compilerClasses(Map<String, String> loaded) {
    return loaded.keySet().stream()
        .filter(c -> COMPILING.stream().anyMatch(c::startsWith))
        .sorted()
        .collect(Collectors.toList());
  }

  private Map<String, String> loadedClasses(String name, String... args)
      throws IOException, InterruptedException {
    Path classes = dir.resolve(name + "-classes.log");
    Path log = dir.resolve(name + "-probe.log");
    List<String> options = new ArrayList<>(ChildJvm.chronicleFlags());
    options.add("-Xlog:class+load=info:file=" + classes);
    ChildJvm.finish(ChildJvm.start(log, options, StoreProbe.class, args), log);
    Map<String, String> loaded = new LinkedHashMap<>();
    for (String line : Files.readAllLines(classes)) {
      Matcher m = LOADED.matcher(line);
      if (m.find()) {
        loaded.put(m.group(1), m.group(2).trim());
      }
    }
    return loaded;
  }
}
