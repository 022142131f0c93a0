package dev.memo.store.chronicle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.store.chronicle.modulepath.ModulePathMain;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on the module path, where Chronicle's jars are automatic modules: the flag check names
 * them, and the flags it lists are the ones that make the store work.
 */
final class ModulePathTest {
  private static final Pattern MISSING = Pattern.compile("missing: (.*); start java with them");

  @TempDir Path dir;

  private String run(List<String> flags) throws Exception {
    List<String> entries =
        Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
    String modulePath =
        entries.stream()
            .filter(
                e ->
                    !e.endsWith("test-classes")
                        && !e.contains("junit")
                        && !e.contains("opentest4j")
                        && !e.contains("apiguardian")
                        && !e.contains("memo-testkit"))
            .collect(Collectors.joining(File.pathSeparator));
    String classPath =
        entries.stream()
            .filter(e -> e.endsWith("test-classes"))
            .collect(Collectors.joining(File.pathSeparator));
    List<String> options =
        new ArrayList<>(
            List.of(
                "--module-path",
                modulePath,
                "--add-modules",
                "ALL-MODULE-PATH",
                "-Dmemo.store=chronicle"));
    options.addAll(flags);
    Path log = dir.resolve("run.log");
    return ChildJvm.finish(ChildJvm.start(log, dir, classPath, options, ModulePathMain.class), log);
  }

  @Test
  void modulePath_flagsTheErrorLists_makeTheStoreWork() throws Exception {
    String refused = run(List.of());
    Matcher m = MISSING.matcher(refused);
    assertTrue(m.find(), refused);
    List<String> flags = Arrays.asList(m.group(1).split(" "));
    assertEquals(
        "--add-opens=java.base/java.lang=chronicle.algorithms,chronicle.bytes,chronicle.core,"
            + "chronicle.map,chronicle.threads,chronicle.values,chronicle.wire,net.openhft.compiler",
        flags.get(0));
    Path classes = dir.resolve("classes.log");
    List<String> logged = new ArrayList<>(flags);
    logged.add("-Xlog:class+load=info:file=" + classes);
    String out = run(logged);
    assertTrue(out.contains("Memo{store=chronicle, serde=java, signer=sha256}\n"), out);
    // The class Chronicle would compile is defined from the one shipped, on the module path too.
    assertTrue(
        Files.readString(classes)
            .contains(
                "] " + PrecompiledValues.NATIVE_CLASS + " source: __JVM_LookupDefineClass__\n"),
        out);
    assertTrue(out.contains("length 3 3\n"), out);
    assertTrue(out.contains("store module named\n"), out);
  }
}
