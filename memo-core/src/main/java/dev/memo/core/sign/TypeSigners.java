package dev.memo.core.sign;

import dev.memo.MemoConfigurationException;
import dev.memo.spi.TypeSigner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@link TypeSigner}s of one memoizer, and which of them signs a given class.
 *
 * <p>Resolution for a class: a signer registered for the class itself; else for its nearest
 * superclass that has one; else for one of its interfaces, searched breadth-first (the class's
 * direct interfaces in declaration order, then those of each superclass, then their superinterfaces
 * level by level; the first found wins). The answer is cached per class.
 *
 * <p>A type signer applies only where memo has no canonical encoding of its own: to records and to
 * types memo cannot sign. It never replaces the encoding of JDK value types, enums, lists, deques,
 * sets, maps, arrays or {@link dev.memo.Signable}s, so that registering a signer for a broad
 * interface (say {@code Iterable}) cannot silently change the signatures of ordinary lists.
 *
 * <p>Immutable and thread-safe.
 */
public final class TypeSigners {
  private static final TypeSigners NONE = new TypeSigners(Map.of(), List.of());
  private static final String FROM_BUILDER = "given to the builder";
  private static final String FROM_SERVICE_LOADER = "found by ServiceLoader";

  private final Map<Class<?>, TypeSigner<?>> byType;
  private final List<TypeSigner<?>> all;
  private final ClassValue<Resolution> resolved =
      new ClassValue<>() {
        @Override
        protected Resolution computeValue(Class<?> type) {
          TypeSigner<?> signer = resolve(type);
          return signer == null ? Resolution.NONE : new Resolution(signer);
        }
      };

  private TypeSigners(Map<Class<?>, TypeSigner<?>> byType, List<TypeSigner<?>> all) {
    this.byType = byType;
    this.all = all;
  }

  /** A cached answer; a holder so that "no signer" can be cached too. */
  private static final class Resolution {
    static final Resolution NONE = new Resolution(null);
    final TypeSigner<?> signer;

    Resolution(TypeSigner<?> signer) {
      this.signer = signer;
    }
  }

  /**
   * Returns a registry without type signers.
   *
   * @return the empty registry
   */
  public static TypeSigners none() {
    return NONE;
  }

  /**
   * Returns a registry of exactly these signers, without looking for others.
   *
   * @param signers the signers given to the builder, not null, without null elements
   * @return the registry
   * @throws MemoConfigurationException if two signers sign the same type, or a signer's {@code
   *     type()} is null
   */
  public static TypeSigners of(List<? extends TypeSigner<?>> signers) {
    List<Registered> registered = new ArrayList<>();
    for (TypeSigner<?> signer : signers) {
      registered.add(new Registered(signer, FROM_BUILDER));
    }
    return build(registered);
  }

  /**
   * Returns a registry of the signers given to the builder plus every {@link TypeSigner} that
   * {@link ServiceLoader} finds (module path {@code provides} and class path {@code
   * META-INF/services/dev.memo.spi.TypeSigner}).
   *
   * @param given the signers given to the builder, not null, without null elements
   * @param loader where {@link ServiceLoader} looks
   * @return the registry
   * @throws MemoConfigurationException if two signers sign the same type, a signer's {@code type()}
   *     is null, or a registered signer cannot be loaded
   */
  public static TypeSigners load(List<? extends TypeSigner<?>> given, ClassLoader loader) {
    List<Registered> registered = new ArrayList<>();
    for (TypeSigner<?> signer : given) {
      registered.add(new Registered(signer, FROM_BUILDER));
    }
    for (TypeSigner<?> signer : discovered(loader)) {
      registered.add(new Registered(signer, FROM_SERVICE_LOADER));
    }
    return build(registered);
  }

  // ServiceLoader cannot express TypeSigner<?> as its type argument.
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static List<TypeSigner<?>> discovered(ClassLoader loader) {
    List<TypeSigner<?>> found = new ArrayList<>();
    Iterator<TypeSigner> it = ServiceLoader.load(TypeSigner.class, loader).iterator();
    try {
      while (it.hasNext()) {
        found.add(it.next());
      }
    } catch (ServiceConfigurationError e) {
      throw new MemoConfigurationException(
          "a dev.memo.spi.TypeSigner registered for ServiceLoader cannot be loaded ("
              + e.getMessage()
              + "); fix it, or remove it from META-INF/services/dev.memo.spi.TypeSigner or from its"
              + " module's provides clause",
          e);
    }
    return found;
  }

  private static final class Registered {
    final TypeSigner<?> signer;
    final String source;

    Registered(TypeSigner<?> signer, String source) {
      this.signer = signer;
      this.source = source;
    }

    String describe() {
      return signer.getClass().getName() + " (" + source + ")";
    }
  }

  private static TypeSigners build(List<Registered> registered) {
    if (registered.isEmpty()) {
      return NONE;
    }
    Map<Class<?>, Registered> byType = new HashMap<>();
    for (Registered r : registered) {
      if (r.signer == null) {
        throw new MemoConfigurationException(
            "a type signer given to the builder is null; remove it from the list");
      }
      Class<?> type = r.signer.type();
      if (type == null) {
        throw new MemoConfigurationException(
            "type signer " + r.describe() + " returns null from type(); return the class it signs");
      }
      Registered previous = byType.putIfAbsent(type, r);
      if (previous != null) {
        throw new MemoConfigurationException(
            "two type signers sign "
                + type.getName()
                + ": "
                + previous.describe()
                + " and "
                + r.describe()
                + "; remove one of them");
      }
    }
    Map<Class<?>, TypeSigner<?>> signers = new HashMap<>();
    List<TypeSigner<?>> all = new ArrayList<>();
    for (Registered r : registered) {
      signers.put(r.signer.type(), r.signer);
      all.add(r.signer);
    }
    return new TypeSigners(Map.copyOf(signers), Collections.unmodifiableList(all));
  }

  /**
   * Returns whether this registry has no signers, so callers can skip the lookup.
   *
   * @return true if empty
   */
  public boolean isEmpty() {
    return byType.isEmpty();
  }

  /**
   * Returns the signers, in registration order: the builder's first, then those ServiceLoader
   * found.
   *
   * @return an unmodifiable list
   */
  public List<TypeSigner<?>> signers() {
    return all;
  }

  /**
   * Returns the signer for a class, resolved as the class documentation describes.
   *
   * @param type the class of a value, not null
   * @return the signer, or null if none applies
   */
  public @Nullable TypeSigner<?> find(Class<?> type) {
    return byType.isEmpty() ? null : resolved.get(type).signer;
  }

  private @Nullable TypeSigner<?> resolve(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      TypeSigner<?> signer = byType.get(c);
      if (signer != null) {
        return signer;
      }
    }
    ArrayDeque<Class<?>> queue = new ArrayDeque<>();
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      Collections.addAll(queue, c.getInterfaces());
    }
    Set<Class<?>> seen = new HashSet<>();
    while (!queue.isEmpty()) {
      Class<?> i = queue.removeFirst();
      if (!seen.add(i)) {
        continue;
      }
      TypeSigner<?> signer = byType.get(i);
      if (signer != null) {
        return signer;
      }
      Collections.addAll(queue, i.getInterfaces());
    }
    return null;
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    for (TypeSigner<?> s : all) {
      names.add(s.type().getName() + "=" + s.getClass().getName());
    }
    return "TypeSigners" + names;
  }
}
