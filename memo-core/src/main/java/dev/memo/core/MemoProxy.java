package dev.memo.core;

import dev.memo.FunctionOptions;
import dev.memo.MemoConfigurationException;
import dev.memo.Memoize;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The invocation handler of {@code Memo.proxy}: {@link Memoize} methods go through the memoizer,
 * the others straight to the implementation. Thread-safe if the implementation is.
 */
final class MemoProxy implements InvocationHandler {
  /** How the memoizer makes a handle for a method and calls through it. */
  interface Calls {
    /** Makes the handle of one memoized method; fails as wrapping a function would. */
    Handle handle(FunctionOptions options, Object impl, Method implementing, int arity);

    /** Calls memoized: the handle, the arguments, the computation. */
    @Nullable Object call(
        Handle handle, @Nullable Object[] args, java.util.function.Supplier<?> body);

    void register(String name, String function, int arity, Function<Object[], Object> call);
  }

  private final Class<?> iface;
  private final Object impl;
  private final Calls calls;

  /** The memoized methods' handles, by interface method. */
  private final Map<Method, Handle> handles = new HashMap<>();

  /** Per interface method: the implementing method, or null to run the default method. */
  private final Map<Method, @Nullable Method> targets = new HashMap<>();

  private MemoProxy(Class<?> iface, Object impl, Calls calls) {
    this.iface = iface;
    this.impl = impl;
    this.calls = calls;
  }

  static <T> T create(Class<T> iface, T impl, Calls calls) {
    java.util.Objects.requireNonNull(iface, "iface");
    java.util.Objects.requireNonNull(impl, "impl");
    if (!iface.isInterface()) {
      throw new IllegalArgumentException(
          "proxy needs an interface, but "
              + iface.getName()
              + " is a class; declare the memoized methods in an interface and pass it");
    }
    if (!iface.isInstance(impl)) {
      throw new IllegalArgumentException(
          "proxy of "
              + iface.getName()
              + " was given an instance of "
              + impl.getClass().getName()
              + ", which does not implement it; pass an implementation of "
              + iface.getName());
    }
    MemoProxy handler = new MemoProxy(iface, impl, calls);
    Object proxy = Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, handler);
    for (Method m : iface.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      Method implementing = implementing(impl.getClass(), m);
      handler.targets.put(m, implementing);
      Memoize memoize = m.getAnnotation(Memoize.class);
      if (memoize == null) {
        continue;
      }
      int arity = m.getParameterCount();
      if (m.getReturnType() == void.class) {
        throw new MemoConfigurationException(
            "@Memoize method "
                + describe(m)
                + " returns void, so"
                + " there is no result to memoize; return the result, or remove @Memoize");
      }
      FunctionOptions options = FunctionOptions.defaults();
      if (!memoize.name().isEmpty()) {
        options = options.name(memoize.name());
      }
      if (!memoize.version().isEmpty()) {
        options = options.version(memoize.version());
      }
      for (int p : memoize.ignoreParameters()) {
        if (p < 0 || p >= arity) {
          throw new MemoConfigurationException(
              "@Memoize method "
                  + describe(m)
                  + " ignores parameter "
                  + p
                  + " but has "
                  + arity
                  + " parameter"
                  + (arity == 1 ? "" : "s")
                  + " (positions"
                  + " count from 0); fix ignoreParameters");
        }
      }
      options = options.ignoreParameters(memoize.ignoreParameters()).tags(memoize.tags());
      // The code of a default method the class does not override is the interface's.
      Method code = implementing != null ? implementing : m;
      Handle handle = calls.handle(options, impl, code, arity);
      handler.handles.put(m, handle);
      String name =
          options.name().orElse(code.getDeclaringClass().getName() + "." + code.getName());
      calls.register(
          name,
          code.getDeclaringClass().getName() + "." + code.getName(),
          arity,
          args -> handler.invokeFromContext(proxy, m, args));
    }
    return iface.cast(proxy);
  }

  private @Nullable Object invokeFromContext(Object proxy, Method m, @Nullable Object[] args) {
    try {
      return invoke(proxy, m, args);
    } catch (Throwable t) {
      throw sneaky(t);
    }
  }

  /** The method of the class that implements {@code m}, or null if it is {@code m}'s default. */
  private static @Nullable Method implementing(Class<?> c, Method m) {
    Method found;
    try {
      found = c.getMethod(m.getName(), m.getParameterTypes());
    } catch (NoSuchMethodException e) {
      return null;
    }
    if (found.getDeclaringClass().isInterface() && found.isDefault()) {
      return null;
    }
    try {
      found.setAccessible(true); // a public method of a class that is not public
    } catch (RuntimeException e) {
      // An exported public class needs nothing; anything else fails at the call, saying why.
    }
    return found;
  }

  @Override
  public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args)
      throws Throwable {
    Object[] a = args == null ? new Object[0] : args;
    if (method.getDeclaringClass() == Object.class) {
      switch (method.getName()) {
        case "equals":
          return proxy == a[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "memoized " + iface.getName() + " over " + impl;
        default:
          return invokeOn(method, impl, a);
      }
    }
    Handle handle = handles.get(method);
    if (handle == null) {
      return run(proxy, method, a);
    }
    return calls.call(
        handle,
        a,
        () -> {
          try {
            return run(proxy, method, a);
          } catch (Throwable t) {
            throw sneaky(t);
          }
        });
  }

  private Object run(Object proxy, Method method, Object[] a) throws Throwable {
    Method target = targets.get(method);
    if (target == null) {
      // A default method runs on the proxy, so that the memoized methods it calls are memoized.
      return InvocationHandler.invokeDefault(proxy, method, a);
    }
    return invokeOn(target, impl, a);
  }

  private static Object invokeOn(Method m, Object target, Object[] a) throws Throwable {
    try {
      return m.invoke(target, a);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static String describe(Method m) {
    return m.getDeclaringClass().getName()
        + "."
        + m.getName()
        + "("
        + Arrays.stream(m.getParameterTypes())
            .map(Class::getSimpleName)
            .collect(Collectors.joining(", "))
        + ")";
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }
}
