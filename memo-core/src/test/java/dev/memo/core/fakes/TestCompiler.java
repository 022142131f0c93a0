package dev.memo.core.fakes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/** Compiles Java sources at test time into class directories and jars, and loads them. */
public final class TestCompiler {
  private static final JavaCompiler JAVAC = ToolProvider.getSystemJavaCompiler();
  private static final Pattern PACKAGE = Pattern.compile("package\\s+([\\w.]+);");
  private static final Pattern TYPE = Pattern.compile("(?:class|interface|record|enum)\\s+(\\w+)");

  private TestCompiler() {}

  /** The class directory or jar of memo-api, which compiled sources may use. */
  public static Path memoApi() {
    try {
      return Path.of(
          dev.memo.MemoFunction.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Compiles sources into {@code out}.
   *
   * @param out the class directory to create
   * @param options javac options such as {@code -g} or {@code -g:none}
   * @param classPath beside memo-api
   * @param sources whole compilation units, each with one top-level type
   * @return {@code out}
   */
  public static Path compile(
      Path out, List<String> options, List<Path> classPath, String... sources) {
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<JavaFileObject> units = new ArrayList<>();
    for (String source : sources) {
      Matcher p = PACKAGE.matcher(source);
      Matcher t = TYPE.matcher(source);
      if (!t.find()) {
        throw new IllegalArgumentException("no type in " + source);
      }
      String name = (p.find() ? p.group(1) + "." : "") + t.group(1);
      units.add(
          new SimpleJavaFileObject(
              URI.create("string:///" + name.replace('.', '/') + ".java"),
              JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
              return source;
            }
          });
    }
    List<Path> cp = new ArrayList<>(classPath);
    cp.add(memoApi());
    List<String> args = new ArrayList<>(options);
    args.addAll(
        List.of(
            "--release",
            "17",
            "-proc:none",
            "-d",
            out.toString(),
            "-classpath",
            cp.stream()
                .map(Path::toString)
                .collect(Collectors.joining(java.io.File.pathSeparator))));
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    if (!JAVAC.getTask(null, null, diagnostics, args, null, units).call()) {
      throw new IllegalStateException("compilation failed: " + diagnostics.getDiagnostics());
    }
    return out;
  }

  /** Packs a class directory into a jar. */
  public static Path jar(Path jar, Path classes) {
    try {
      Files.createDirectories(jar.getParent());
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
          Stream<Path> files = Files.walk(classes)) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
          out.write(Files.readAllBytes(f));
          out.closeEntry();
        }
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh loader over class directories and jars, its parent the test's loader. */
  public static URLClassLoader loader(Path... roots) {
    URL[] urls = new URL[roots.length];
    for (int i = 0; i < roots.length; i++) {
      try {
        urls[i] = roots[i].toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalStateException(e);
      }
    }
    return new URLClassLoader(urls, TestCompiler.class.getClassLoader());
  }

  /** Calls a public static no-argument method of a loaded class. */
  @SuppressWarnings("unchecked")
  public static <T> T call(ClassLoader loader, String className, String method, Object... args) {
    try {
      Class<?>[] types = new Class<?>[args.length];
      for (int i = 0; i < args.length; i++) {
        types[i] = args[i] instanceof Integer ? int.class : args[i].getClass();
      }
      return (T) loader.loadClass(className).getMethod(method, types).invoke(null, args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
