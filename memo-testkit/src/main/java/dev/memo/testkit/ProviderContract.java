package dev.memo.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.memo.spi.Provider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What every provider must satisfy to be found and chosen by memo: exactly one provider with its
 * name is discoverable with {@link ServiceLoader}, the name is valid, and the provider is
 * registered both in {@code META-INF/services} (class path) and in its module's {@code module-info}
 * (module path). {@link StoreContract}, {@link SerdeContract} and {@link SignerContract} extend it;
 * extend it directly for a provider of another kind.
 *
 * @param <P> the provider interface
 */
public abstract class ProviderContract<P extends Provider<?>> {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  /**
   * Returns the provider interface, such as {@code StoreProvider.class}.
   *
   * @return the interface
   */
  protected abstract Class<P> providerType();

  /**
   * Returns the name of the provider under test, such as {@code "directory"}.
   *
   * @return the name
   */
  protected abstract String providerName();

  /**
   * Returns the provider under test, found through {@link ServiceLoader} by its name.
   *
   * @return the provider
   */
  protected final P provider() {
    List<P> found = providersNamed(providerName());
    if (found.size() != 1) {
      fail(
          found.size()
              + " "
              + providerType().getSimpleName()
              + "s named \""
              + providerName()
              + "\" are on the class path: "
              + found
              + "; expected exactly one");
    }
    return found.get(0);
  }

  private List<P> providersNamed(String name) {
    List<P> found = new ArrayList<>();
    for (P p : ServiceLoader.load(providerType(), ProviderContract.class.getClassLoader())) {
      if (name.equals(p.name())) {
        found.add(p);
      }
    }
    return found;
  }

  @Test
  void provider_isDiscoverableExactlyOnceByItsName() {
    assertEquals(providerName(), provider().name());
  }

  @Test
  void provider_nameIsLowerCaseWordsJoinedByDashes() {
    assertTrue(
        NAME.matcher(providerName()).matches(),
        "\"" + providerName() + "\" is not a valid provider name: use [a-z0-9]+(-[a-z0-9]+)*");
  }

  @Test
  void provider_nameAndPriorityAreStable() {
    P a = provider();
    P b = provider();
    assertEquals(a.name(), b.name());
    assertEquals(a.priority(), b.priority());
  }

  @Test
  void provider_isRegisteredInMetaInfServices() throws IOException {
    String resource = "META-INF/services/" + providerType().getName();
    Class<?> impl = provider().getClass();
    ClassLoader loader = impl.getClassLoader();
    for (URL url : Collections.list(loader.getResources(resource))) {
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
        if (listed(r.lines().collect(Collectors.toList()), impl)) {
          return;
        }
      }
    }
    fail(
        impl.getName()
            + " is not listed in any "
            + resource
            + "; add it there so that the"
            + " provider is found on the class path");
  }

  /**
   * Checks that the provider is found on the module path too. With a {@code module-info.class}, the
   * module must declare {@code provides}: an explicit module's {@code META-INF/services} files are
   * ignored there. Without one (a class-path project), the jar becomes an automatic module on the
   * module path, whose providers are those its own {@code META-INF/services} lists: so the file
   * must be in the same jar or folder as the provider.
   */
  @Test
  void provider_isDeclaredInModuleInfo() throws URISyntaxException, IOException {
    Class<?> impl = provider().getClass();
    CodeSource source = impl.getProtectionDomain().getCodeSource();
    if (source == null) {
      fail("cannot tell where " + impl.getName() + " was loaded from");
    }
    Path location = Path.of(source.getLocation().toURI());
    String service = providerType().getName();
    String resource = "META-INF/services/" + service;
    List<ModuleDescriptor> found;
    try {
      found =
          ModuleFinder.of(location).findAll().stream()
              .map(ModuleReference::descriptor)
              .collect(Collectors.toList());
    } catch (FindException e) {
      fail(
          location
              + " cannot be read as a module, so "
              + impl.getName()
              + " is not found on the"
              + " module path: "
              + e.getMessage()
              + "; fix it, or declare the module in"
              + " module-info.java",
          e);
      return;
    }
    if (found.isEmpty()) {
      // A folder of classes without module-info.class: a class-path project.
      Path services = location.resolve(resource);
      assertTrue(
          Files.isRegularFile(services) && listed(Files.readAllLines(services), impl),
          location
              + " has no module-info.class, so its jar is an automatic module on the module"
              + " path, whose providers are those its own "
              + resource
              + " lists; list "
              + impl.getName()
              + " in "
              + services);
      return;
    }
    ModuleDescriptor d = found.get(0);
    boolean provided =
        d.provides().stream()
            .anyMatch(p -> p.service().equals(service) && p.providers().contains(impl.getName()));
    if (d.isAutomatic()) {
      assertTrue(
          provided,
          location
              + " has no module-info.class, so it is the automatic module "
              + d.name()
              + " on the module path, whose providers are those its own "
              + resource
              + " lists; list "
              + impl.getName()
              + " in "
              + resource
              + " in "
              + location);
      return;
    }
    assertTrue(
        provided,
        "module "
            + d.name()
            + " does not declare `provides "
            + service
            + " with "
            + impl.getName()
            + ";` in module-info.java");
  }

  private static boolean listed(List<String> lines, Class<?> impl) {
    return lines.stream().map(l -> l.replaceAll("#.*", "").trim()).anyMatch(impl.getName()::equals);
  }
}
