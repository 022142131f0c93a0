package dev.memo.testkit;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.Memoizer;
import dev.memo.core.Memo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link MemoTest}: resolves parameters of type {@link Memo} and
 * {@link Memoizer} with a memo on a {@code directory} store in a new temporary folder, configured
 * by the nearest {@link MemoTest} (the method's, else the class's, else the defaults), and closes
 * the memo and deletes the folder when the test (or, with {@link MemoTest.Lifecycle#PER_CLASS}, the
 * class) is done. Every parameter of one test gets the same memo. Right before each test method
 * runs (after its {@code @BeforeEach} methods) it takes the baseline that {@link MemoAssertions}
 * counts from, so they count what the test method itself did.
 *
 * <p>Built like JUnit's own {@code @TempDir} support: the memo is a value in the {@link
 * ExtensionContext.Store} of the context it lives as long as, and closing that context closes it
 * (as an {@link ExtensionContext.Store.CloseableResource}). Stateless itself; thread-safe as JUnit
 * requires of extensions.
 */
public final class MemoExtension implements ParameterResolver, BeforeTestExecutionCallback {
  private static final Namespace NAMESPACE = Namespace.create(MemoExtension.class);

  /** Creates the extension; JUnit does, for {@code @ExtendWith(MemoExtension.class)}. */
  public MemoExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Memo.class || type == Memoizer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return memo(context);
  }

  @Override
  public void beforeTestExecution(ExtensionContext context) {
    // The test's own memo, and one its class shares or its constructor got: counts start now.
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      resourceIn(c).ifPresent(MemoResource::rebase);
    }
  }

  private static Memo memo(ExtensionContext context) {
    Optional<MemoTest> onMethod =
        context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, MemoTest.class));
    Optional<MemoTest> onClass = context.getTestClass().flatMap(MemoExtension::onClass);
    MemoTest settings = onMethod.or(() -> onClass).orElse(null);
    ExtensionContext owner = context;
    if (onMethod.isEmpty()
        && onClass.isPresent()
        && onClass.get().lifecycle() == MemoTest.Lifecycle.PER_CLASS) {
      while (owner.getTestMethod().isPresent() && owner.getParent().isPresent()) {
        owner = owner.getParent().get();
      }
    }
    String where =
        context
            .getTestMethod()
            .map(m -> m.getDeclaringClass().getName() + "." + m.getName() + "()")
            .orElse(context.getTestClass().map(Class::getName).orElse("?"));
    Map<String, String> values = settings == null ? Map.of() : parse(settings.config(), where);
    boolean enabled = settings == null || settings.enabled();
    // Keyed by the owner's id: a store looks values up in its parents too, and a test's own memo
    // must not be its class's.
    return owner
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            owner.getUniqueId(), id -> MemoResource.open(values, enabled), MemoResource.class)
        .memo;
  }

  private static Optional<MemoTest> onClass(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      Optional<MemoTest> found = AnnotationSupport.findAnnotation(c, MemoTest.class);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<MemoResource> resourceIn(ExtensionContext context) {
    return Optional.ofNullable(
        context.getStore(NAMESPACE).get(context.getUniqueId(), MemoResource.class));
  }

  /**
   * Parses {@link MemoTest#config()}.
   *
   * @throws MemoConfigurationException for an entry that is not {@code key=value} with a memo key,
   *     sets a key twice, or sets the store
   */
  static Map<String, String> parse(String[] entries, String where) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String entry : entries) {
      int eq = entry.indexOf('=');
      String key = eq < 0 ? "" : entry.substring(0, eq).trim();
      if (eq < 0 || key.isEmpty()) {
        throw new MemoConfigurationException(
            "@MemoTest config entry \""
                + entry
                + "\" on "
                + where
                + " is not key=value; write it as, for example, \"memo.serde=java\"");
      }
      if (!key.startsWith("memo.")) {
        throw new MemoConfigurationException(
            "@MemoTest config entry \""
                + entry
                + "\" on "
                + where
                + " has the key \""
                + key
                + "\", which does not start with \"memo.\"; memo's keys do,"
                + " such as \"memo.serde\"");
      }
      if (key.equals(MemoConfig.STORE) || key.equals("memo.store.directory.path")) {
        throw new MemoConfigurationException(
            "@MemoTest config entry \""
                + entry
                + "\" on "
                + where
                + " sets the store, which is always a directory store in a temporary folder of the"
                + " test's own; remove the entry");
      }
      if (values.put(key, entry.substring(eq + 1).trim()) != null) {
        throw new MemoConfigurationException(
            "@MemoTest config on " + where + " sets \"" + key + "\" twice; keep one entry");
      }
    }
    return values;
  }

  /** A memo and its temporary folder, closed and deleted with the context that holds them. */
  static final class MemoResource implements ExtensionContext.Store.CloseableResource {
    final Memo memo;
    private final Path folder;

    private MemoResource(Memo memo, Path folder) {
      this.memo = memo;
      this.folder = folder;
    }

    static MemoResource open(Map<String, String> values, boolean enabled) {
      Path folder;
      try {
        folder = Files.createTempDirectory("memo-test-");
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot create a temporary folder for the test's memo store: "
                + e
                + "; check java.io.tmpdir ("
                + System.getProperty("java.io.tmpdir")
                + ")",
            e);
      }
      try {
        Memo memo =
            Memo.builder()
                .config(values)
                .store("directory")
                .config("memo.store.directory.path", folder.toString())
                .config(MemoConfig.ENABLED, Boolean.toString(enabled))
                .build();
        MemoAssertions.baseline(memo);
        return new MemoResource(memo, folder);
      } catch (RuntimeException e) {
        delete(folder);
        throw e;
      }
    }

    void rebase() {
      MemoAssertions.baseline(memo);
    }

    @Override
    public void close() {
      try {
        memo.close();
      } finally {
        MemoAssertions.forget(memo);
        delete(folder);
      }
    }

    private static void delete(Path folder) {
      try {
        Files.walkFileTree(
            folder,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                  throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult postVisitDirectory(Path dir, IOException e)
                  throws IOException {
                if (e != null) {
                  throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
              }
            });
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot delete the test's memo store at " + folder + ": " + e + "; delete it by hand",
            e);
      }
    }
  }
}
