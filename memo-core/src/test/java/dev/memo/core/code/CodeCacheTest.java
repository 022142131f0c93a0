package dev.memo.core.code;

import static dev.memo.core.fakes.TestCompiler.call;
import static dev.memo.core.fakes.TestCompiler.compile;
import static dev.memo.core.fakes.TestCompiler.loader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walked code kept across runs ({@link CodeCache}), on classes compiled at test time: a second
 * signer over a fresh class loader stands for a new process. {@link CodeSigner#walks()} tells
 * whether the bytecode was walked or the kept walk reused.
 */
class CodeCacheTest {
  @TempDir Path tmp;

  private static final String CALC =
      """
      package app;

      import dev.memo.MemoFunction;

      public class Calc {
        public static MemoFunction<Integer, Integer> function() {
          return Calc::compute;
        }

        public static MemoFunction<Integer, Integer> other() {
          return Calc::twice;
        }

        static Integer compute(Integer x) {
          return helper(x) + Util.offset();
        }

        static Integer twice(Integer x) {
          return x * 2;
        }

        private static int helper(int x) {
          return x * 2;
        }
      }
      """;

  private static final String UTIL =
      """
      package app;

      final class Util {
        static int offset() {
          return 100;
        }
      }
      """;

  private Path classes() {
    return compile(tmp.resolve("classes"), List.of(), List.of(), CALC, UTIL);
  }

  private Path folder() {
    return tmp.resolve("store").resolve(".code");
  }

  private CodeSigner signer() {
    return new CodeSigner(MemoConfig.empty(), null, folder());
  }

  /** Signs a function of app.Calc, loaded anew from {@code classes}, with a new signer. */
  private Signed sign(Path classes, String factory) {
    CodeSigner signer = signer();
    FunctionRef ref = FunctionRef.of(call(loader(classes), "app.Calc", factory), "apply");
    FunctionCode code = signer.sign(ref, Optional.empty());
    return new Signed(code, signer.walks());
  }

  private record Signed(FunctionCode code, long walks) {}

  private List<Path> keptFiles() throws IOException {
    try (Stream<Path> files = Files.list(folder())) {
      return files.filter(f -> f.toString().endsWith(".code")).toList();
    }
  }

  /** Recompiles Util with another source into the class directory, keeping its time if asked. */
  private void recompileUtil(Path classes, String source, boolean keepTime) throws IOException {
    Path file = classes.resolve("app/Util.class");
    FileTime time = Files.getLastModifiedTime(file);
    Path fresh = compile(tmp.resolve("fresh"), List.of(), List.of(classes), source);
    Files.copy(fresh.resolve("app/Util.class"), file, StandardCopyOption.REPLACE_EXISTING);
    if (keepTime) {
      Files.setLastModifiedTime(file, time);
    }
  }

  @Test
  void sign_inNewProcess_withUnchangedClasses_reusesKeptWalk() throws IOException {
    Path classes = classes();
    Signed first = sign(classes, "function");
    assertEquals(1, first.walks());
    assertEquals(1, keptFiles().size());

    Signed second = sign(classes, "function");
    assertEquals(0, second.walks());
    assertEquals(first.code().items(), second.code().items());
    assertTrue(
        second.code().manifest().containsKey("app.Util.offset()"),
        second.code().manifest().toString());
  }

  @Test
  void sign_afterIndirectlyReachedMethodChanged_walksAgain() throws IOException {
    Path classes = classes();
    Signed first = sign(classes, "function");
    recompileUtil(classes, UTIL.replace("return 100;", "return 101;"), false);
    newProcess();

    Signed second = sign(classes, "function");
    assertEquals(1, second.walks());
    assertNotEquals(
        first.code().manifest().get("app.Util.offset()"),
        second.code().manifest().get("app.Util.offset()"));
  }

  @Test
  void sign_afterMethodChangedWithItsFileTimeKept_walksAgain() throws IOException {
    Path classes = classes();
    sign(classes, "function");
    // Only the content tells: same path, same modification time.
    recompileUtil(classes, UTIL.replace("return 100;", "return 102;"), true);
    newProcess();

    assertEquals(1, sign(classes, "function").walks());
  }

  @Test
  void sign_afterCommentOnTheSameLine_reusesKeptWalk() throws IOException {
    Path classes = classes();
    Signed first = sign(classes, "function");
    recompileUtil(classes, UTIL.replace("return 100;", "return 100; // the base"), false);
    newProcess();

    Signed second = sign(classes, "function");
    assertEquals(0, second.walks());
    assertEquals(first.code().items(), second.code().items());
  }

  @Test
  void sign_afterCommentMovingLines_walksAgainToTheSameSignature() throws IOException {
    Path classes = classes();
    Signed first = sign(classes, "function");
    // The line numbers in the class file change, so the kept walk no longer matches its bytes;
    // the walk, which drops them, gives the same code signature.
    recompileUtil(classes, UTIL.replace("final class", "/** Offsets. */\nfinal class"), false);
    newProcess();

    Signed second = sign(classes, "function");
    assertEquals(1, second.walks());
    assertEquals(first.code().items(), second.code().items());
    assertEquals(0, sign(classes, "function").walks(), "the walk kept its result again");
  }

  @Test
  void sign_withCorruptedKeptFile_walksAgainAndReplacesIt() throws IOException {
    Path classes = classes();
    Signed first = sign(classes, "function");
    Path kept = keptFiles().get(0);
    byte[] bytes = Files.readAllBytes(kept);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(kept, bytes);

    Signed second = sign(classes, "function");
    assertEquals(1, second.walks());
    assertEquals(first.code().items(), second.code().items());
    assertEquals(0, sign(classes, "function").walks(), "the walk replaced the damaged file");
  }

  @Test
  void sign_withTruncatedOrEmptyKeptFile_walksAgain() throws IOException {
    Path classes = classes();
    Signed first = sign(classes, "function");
    Path kept = keptFiles().get(0);
    byte[] bytes = Files.readAllBytes(kept);
    Files.write(kept, java.util.Arrays.copyOf(bytes, bytes.length - 1));
    assertEquals(1, sign(classes, "function").walks());

    Files.write(kept, new byte[0]);
    Signed third = sign(classes, "function");
    assertEquals(1, third.walks());
    assertEquals(first.code().items(), third.code().items());
  }

  @Test
  void sign_withKeptFileCopiedFromAnotherFunction_ignoresIt() throws IOException {
    Path classes = classes();
    Signed compute = sign(classes, "function");
    Path computeFile = keptFiles().get(0);
    Signed twice = sign(classes, "other");
    Path twiceFile =
        keptFiles().stream().filter(f -> !f.equals(computeFile)).findFirst().orElseThrow();
    Files.copy(computeFile, twiceFile, StandardCopyOption.REPLACE_EXISTING);

    Signed again = sign(classes, "other");
    assertEquals(1, again.walks());
    assertEquals(twice.code().items(), again.code().items());
    assertNotEquals(compute.code().items(), again.code().items());
  }

  @Test
  void sign_afterClassShadowedInAnEarlierRoot_walksAgain() throws IOException {
    Path classes = classes();
    Path shadow = Files.createDirectories(tmp.resolve("shadow"));
    assertEquals(1, signFrom(shadow, classes).walks());
    assertEquals(0, signFrom(shadow, classes).walks());
    // Same loaders, same class path; the loader now finds another Util first.
    Path other = compile(tmp.resolve("other"), List.of(), List.of(classes), UTIL);
    Files.createDirectories(shadow.resolve("app"));
    Files.copy(other.resolve("app/Util.class"), shadow.resolve("app/Util.class"));

    assertEquals(1, signFrom(shadow, classes).walks());
  }

  private Signed signFrom(Path... roots) {
    CodeSigner signer = signer();
    FunctionRef ref = FunctionRef.of(call(loader(roots), "app.Calc", "function"), "apply");
    FunctionCode code = signer.sign(ref, Optional.empty());
    return new Signed(code, signer.walks());
  }

  @Test
  void sign_reusingAKeptWalkWrittenLongAgo_marksItUsed() throws IOException {
    Path classes = classes();
    sign(classes, "function");
    Path file = keptFiles().get(0);
    long longAgo = System.currentTimeMillis() - 10L * 24 * 3_600_000;
    Files.setLastModifiedTime(file, FileTime.fromMillis(longAgo));

    assertEquals(0, sign(classes, "function").walks());
    long used = Files.getLastModifiedTime(file).toMillis();
    assertTrue(
        used > System.currentTimeMillis() - CodeCache.TOUCH_MILLIS,
        "a store's age bound must see the walk as used: " + used);
  }

  @Test
  void sign_withCodeCacheOff_keepsNothing_andWalksInEachProcess() {
    Path classes = classes();
    MemoConfig off = MemoConfig.of(java.util.Map.of(MemoConfig.CODE_CACHE, "false"));
    for (int run = 0; run < 2; run++) {
      CodeSigner signer = new CodeSigner(off, null, folder());
      signer.sign(
          FunctionRef.of(call(loader(classes), "app.Calc", "function"), "apply"), Optional.empty());
      assertEquals(1, signer.walks());
    }
    assertTrue(Files.notExists(folder()));
  }

  @Test
  void clearKept_removesWalksAndTemporaryFiles_andLeavesOtherFiles() throws IOException {
    Path classes = classes();
    sign(classes, "function");
    sign(classes, "other");
    Files.writeString(folder().resolve(".abc.code.1234.tmp"), "half");
    assertEquals(2, CodeSigner.clearKept(folder().getParent()));
    assertTrue(Files.notExists(folder()));
    assertEquals(1, sign(classes, "function").walks());

    Files.writeString(folder().resolve("notes.txt"), "not memo's");
    assertEquals(1, CodeSigner.clearKept(folder().getParent()));
    assertEquals(List.of(folder().resolve("notes.txt")), Files.list(folder()).toList());
  }

  private static final String SHAPES =
      """
      package app;

      import dev.memo.MemoFunction;

      public class Shapes {
        public static MemoFunction<Integer, Integer> function() {
          return Shapes::area;
        }

        static Integer area(Integer x) {
          Shape s = new Square();
          return s.area(x);
        }
      }
      """;

  private static final String SHAPE =
      """
      package app;

      interface Shape {
        int area(int x);
      }
      """;

  private static final String SQUARE =
      """
      package app;

      final class Square implements Shape {
        public int area(int x) {
          return x * x;
        }
      }
      """;

  private static final String UNRELATED =
      """
      package app;

      final class Unrelated {
        static int value() {
          return 1;
        }
      }
      """;

  private long signShapes(Path classes) {
    CodeSigner signer = signer();
    signer.sign(
        FunctionRef.of(call(loader(classes), "app.Shapes", "function"), "apply"), Optional.empty());
    return signer.walks();
  }

  @Test
  void sign_withSubtypeRootUnchanged_readsNoClassOfIt_butWalksAgainWhenOneIsRewrittenInPlace()
      throws Exception {
    Path classes =
        compile(tmp.resolve("shapes"), List.of(), List.of(), SHAPES, SHAPE, SQUARE, UNRELATED);
    // Older than the window in which a rewrite could keep every time the same.
    Thread.sleep(CodeCache.RACY_MILLIS + 200);
    long start = RootDigests.digests();
    assertEquals(1, signShapes(classes));
    assertTrue(
        RootDigests.digests() > start, "the walk reads the root for Shape's implementations");

    long beforeReuse = RootDigests.digests();
    assertEquals(0, signShapes(classes));
    assertEquals(beforeReuse, RootDigests.digests(), "statistics unchanged: no class file read");

    // Same size, same modification time, other content, in a class the walk did not reach.
    Path file = classes.resolve("app/Unrelated.class");
    long size = Files.size(file);
    FileTime time = Files.getLastModifiedTime(file);
    Path fresh =
        compile(
            tmp.resolve("fresh"),
            List.of(),
            List.of(),
            UNRELATED.replace("return 1;", "return 2;"));
    Files.copy(fresh.resolve("app/Unrelated.class"), file, StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(file, time);
    assertEquals(size, Files.size(file));
    newProcess();
    assertEquals(1, signShapes(classes));
  }

  /** Packs a class directory into a jar of stored (uncompressed) entries, so sizes follow code. */
  private static void storedJar(Path jar, Path classes) throws IOException {
    try (java.util.jar.JarOutputStream out =
            new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        byte[] bytes = Files.readAllBytes(f);
        java.util.jar.JarEntry e =
            new java.util.jar.JarEntry(classes.relativize(f).toString().replace('\\', '/'));
        e.setMethod(java.util.zip.ZipEntry.STORED);
        e.setSize(bytes.length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes);
        e.setCrc(crc.getValue());
        e.setTime(0);
        out.putNextEntry(e);
        out.write(bytes);
        out.closeEntry();
      }
    }
  }

  @Test
  void sign_afterLibraryJarRewrittenWithItsSizeAndTimeKept_walksAgain() throws Exception {
    // Util in a library jar that Calc, in a class directory, calls.
    Path util =
        compile(
            tmp.resolve("util"),
            List.of(),
            List.of(),
            UTIL.replace("final class", "public final class")
                .replace("static int", "public static int"));
    Path jar = tmp.resolve("lib").resolve("util.jar");
    Files.createDirectories(jar.getParent());
    storedJar(jar, util);
    Path classes = compile(tmp.resolve("calc"), List.of(), List.of(jar), CALC);
    // Older than the window in which a rewrite could keep every time the same.
    Thread.sleep(CodeCache.RACY_MILLIS + 200);
    java.util.function.Supplier<Signed> sign =
        () -> {
          CodeSigner signer = signer();
          FunctionRef ref =
              FunctionRef.of(call(loader(classes, jar), "app.Calc", "function"), "apply");
          return new Signed(signer.sign(ref, Optional.empty()), signer.walks());
        };
    Signed first = sign.get();
    assertEquals(1, first.walks());
    assertEquals(0, sign.get().walks(), "unchanged: the kept walk is reused");

    // Another constant of the same width: the same size; and the old modification time put back,
    // as a copy that keeps times or a build that fixes them would leave it.
    long size = Files.size(jar);
    FileTime time = Files.getLastModifiedTime(jar);
    Path changed =
        compile(
            tmp.resolve("util2"),
            List.of(),
            List.of(),
            UTIL.replace("final class", "public final class")
                .replace("static int", "public static int")
                .replace("return 100;", "return 101;"));
    Path rewritten = tmp.resolve("lib2").resolve("util.jar");
    Files.createDirectories(rewritten.getParent());
    storedJar(rewritten, changed);
    Files.write(jar, Files.readAllBytes(rewritten));
    Files.setLastModifiedTime(jar, time);
    assertEquals(size, Files.size(jar), "the test needs a rewrite of the same size");
    newProcess();

    Signed second = sign.get();
    assertEquals(1, second.walks(), "a jar's size and time alone do not stand for its content");
    assertNotEquals(first.code().items(), second.code().items());
  }

  /**
   * Forgets when this JVM first saw the test's class files, as a new process has: otherwise a file
   * rewritten in this JVM counts as changed after it may have been loaded, whatever its content.
   */
  private void newProcess() {
    CodeSigner.FIRST_SEEN.keySet().removeIf(url -> url.contains(tmp.toUri().getPath()));
  }
}
