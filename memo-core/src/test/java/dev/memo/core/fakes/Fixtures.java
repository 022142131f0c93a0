package dev.memo.core.fakes;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Collections;
import java.util.Enumeration;

/** Class loaders that see the test classes but only one fixture folder's resources. */
public final class Fixtures {
  private Fixtures() {}

  /**
   * Returns a loader whose resources ({@code META-INF/services}, {@code memo.properties}) are those
   * of {@code src/test/resources/selection/<name>} alone, and whose classes are the test's.
   */
  public static ClassLoader selection(String name) {
    URL dir = Fixtures.class.getClassLoader().getResource("selection/" + name + "/");
    if (dir == null) {
      throw new IllegalArgumentException("no fixture folder selection/" + name);
    }
    return new URLClassLoader(new URL[] {dir}, new ClassesOnly(Fixtures.class.getClassLoader()));
  }

  private static final class ClassesOnly extends ClassLoader {
    ClassesOnly(ClassLoader parent) {
      super(parent);
    }

    @Override
    public URL getResource(String name) {
      return null;
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      return Collections.emptyEnumeration();
    }
  }
}
