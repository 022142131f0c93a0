package dev.memo.serde.java;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;

/**
 * An object stream that also finds classes through the thread's context class loader, for
 * applications whose classes live in a child loader of memo's (application servers, build tools),
 * and that reports a class which fails to link as not found rather than as an {@link Error}. The
 * filter still decides on every class it resolves.
 */
final class ResolvingObjectInputStream extends ObjectInputStream {
  ResolvingObjectInputStream(InputStream in) throws IOException {
    super(in);
  }

  @Override
  protected Class<?> resolveClass(ObjectStreamClass desc)
      throws IOException, ClassNotFoundException {
    try {
      return super.resolveClass(desc);
    } catch (ClassNotFoundException e) {
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      if (context == null) {
        throw e;
      }
      try {
        return Class.forName(desc.getName(), false, context);
      } catch (ClassNotFoundException | LinkageError ignored) {
        throw e;
      }
    } catch (LinkageError e) {
      throw new ClassNotFoundException(desc.getName(), e);
    }
  }
}
