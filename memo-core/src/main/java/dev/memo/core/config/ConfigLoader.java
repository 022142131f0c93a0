package dev.memo.core.config;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Stacks the configuration sources in precedence order: builder, system properties ({@code
 * memo.x.y}), environment ({@code MEMO_X_Y}), {@code memo.properties} on the class path; and checks
 * the keys set in all of them against those memo and its providers read ({@link #checkKeys}).
 */
public final class ConfigLoader {
  /** The class path resource read last. */
  public static final String RESOURCE = "memo.properties";

  private static final System.Logger LOG = LazyLogger.of("dev.memo");

  private ConfigLoader() {}

  /**
   * Returns the layered configuration.
   *
   * @param builderValues values given to the builder, full keys
   * @param loader where to look for {@code memo.properties}
   * @param environment the environment, normally {@link System#getenv()}
   * @param systemProperties the system properties, normally {@link System#getProperties()}
   * @return the configuration
   * @throws MemoConfigurationException if {@code memo.properties} cannot be read
   */
  public static MemoConfig load(
      Map<String, String> builderValues,
      ClassLoader loader,
      Map<String, String> environment,
      Properties systemProperties) {
    MemoConfig config =
        MemoConfig.of("builder", builderValues)
            .withFallback(MemoConfig.ofProperties("system property", systemProperties))
            .withFallback(MemoConfig.ofEnvironment(environment))
            .withFallback(classPathProperties(loader));
    return config;
  }

  /**
   * Checks the keys set in a configuration against those memo and the providers on the class path
   * read; see {@link ConfigKeys}. Called when a memoizer or a store admin is built.
   *
   * @param config the configuration {@link #load} returned
   * @param loader where the providers are looked up
   * @throws MemoConfigurationException if a provider name is empty, or a key is unknown (unless
   *     {@code memo.config.unknown=warn})
   */
  public static void checkKeys(MemoConfig config, ClassLoader loader) {
    checkKeys(config, Providers.discover(loader));
  }

  /**
   * Checks the keys set in the configuration against the keys memo and these providers read.
   *
   * @param config the layered configuration
   * @param providers the providers discovered on the class path; a kind that failed to load has
   *     every key in its scope accepted, its error being reported by the selection that needs it
   * @throws MemoConfigurationException if a key is unknown or misspelled (and {@code
   *     memo.config.unknown} is not {@code warn})
   */
  public static void checkKeys(MemoConfig config, Providers providers) {
    ConfigKeys.check(config, providers.listed());
  }

  /**
   * The providers whose keys are known. A kind whose providers fail to load, or that has none, is
   * left out, so that its keys are accepted here; selecting a provider of it reports the problem.
   */
  private static MemoConfig classPathProperties(ClassLoader loader) {
    List<URL> urls;
    try {
      urls = loader == null ? List.of() : Collections.list(loader.getResources(RESOURCE));
    } catch (IOException e) {
      throw new MemoConfigurationException(
          "cannot list " + RESOURCE + " on the class path: " + e.getMessage(), e);
    }
    if (urls.isEmpty()) {
      return MemoConfig.empty();
    }
    if (urls.size() > 1) {
      List<String> names = new ArrayList<>();
      urls.forEach(u -> names.add(u.toString()));
      LOG.log(
          System.Logger.Level.WARNING,
          "{0} found {1} times on the class path; using the first, {2}, and ignoring {3}",
          RESOURCE,
          urls.size(),
          names.get(0),
          names.subList(1, names.size()));
    }
    URL url = urls.get(0);
    Properties p = new Properties();
    try (InputStream in = url.openStream()) {
      p.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new MemoConfigurationException(
          "cannot read " + url + ": " + e.getMessage() + "; fix or remove the file", e);
    }
    return MemoConfig.ofProperties(RESOURCE + " (" + url + ")", p);
  }
}
