package dev.memo.core.code;

import dev.memo.SignatureException;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What memo knows of a function object: the method that implements it and the state it carries. For
 * a lambda or method reference this comes from its {@link SerializedLambda}, which the compiler
 * provides because memo's function types are {@link java.io.Serializable}; for an instance of a
 * named class, from the class and its instance fields.
 */
public final class FunctionRef {
  private final Class<?> implClass;
  private final String implMethodName;
  private final String implMethodDescriptor;
  private final List<String> stateNames;
  private final @Nullable List<@Nullable Object> state;
  private final boolean lambda;

  /** For {@link #ofMethod}: the object whose fields are read at every call, and the fields. */
  private final @Nullable Object target;

  private final Field @Nullable [] fields;

  /** Lambdas and method references among the captured variables, recursively. */
  private final List<FunctionRef> nested;

  private FunctionRef(
      Class<?> implClass,
      String implMethodName,
      String implMethodDescriptor,
      List<String> stateNames,
      List<@Nullable Object> state,
      boolean lambda,
      List<FunctionRef> nested) {
    this.implClass = implClass;
    this.implMethodName = implMethodName;
    this.implMethodDescriptor = implMethodDescriptor;
    this.stateNames = stateNames;
    this.state = state;
    this.lambda = lambda;
    this.target = null;
    this.fields = null;
    this.nested = nested;
  }

  private FunctionRef(Method method, Object target, List<String> names, Field[] fields) {
    this.implClass = method.getDeclaringClass();
    this.implMethodName = method.getName();
    this.implMethodDescriptor = descriptor(method);
    this.stateNames = names;
    this.state = null;
    this.lambda = false;
    this.target = target;
    this.fields = fields;
    this.nested = List.of();
  }

  /**
   * Analyzes a method called on an object, as a memoizing proxy calls it: its state is every
   * instance field of the object's class and superclasses that is neither {@code transient} nor
   * annotated {@link dev.memo.NotSigned}, read anew at every call.
   *
   * @param target the object the method is called on
   * @param method the implementing method
   * @return the analysis
   * @throws SignatureException if a field cannot be read
   */
  public static FunctionRef ofMethod(Object target, Method method) {
    List<String> names = new ArrayList<>();
    List<Field> fields = new ArrayList<>();
    for (Class<?> k = target.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        int m = f.getModifiers();
        if (Modifier.isStatic(m)
            || Modifier.isTransient(m)
            || f.isAnnotationPresent(dev.memo.NotSigned.class)) {
          continue;
        }
        try {
          f.setAccessible(true);
        } catch (InaccessibleObjectException e) {
          throw new SignatureException(
              "cannot read field "
                  + k.getName()
                  + "."
                  + f.getName()
                  + " of "
                  + target.getClass().getName()
                  + ": "
                  + e.getMessage()
                  + "; open its package to dev.memo.core (opens "
                  + k.getPackageName()
                  + " to dev.memo.core in module-info), or mark the field"
                  + " @dev.memo.NotSigned or transient if it cannot change a result",
              e);
        }
        names.add("field " + k.getSimpleName() + "." + f.getName());
        fields.add(f);
      }
    }
    return new FunctionRef(method, target, List.copyOf(names), fields.toArray(new Field[0]));
  }

  /**
   * Analyzes a function object.
   *
   * @param function a lambda, method reference or instance of a class implementing a memo function
   *     type
   * @param samName the functional method's name ({@code apply} or {@code get})
   * @return the analysis
   * @throws SignatureException if the implementing method cannot be found
   */
  public static FunctionRef of(Object function, String samName) {
    Class<?> c = function.getClass();
    Method writeReplace = lambdaWriteReplace(c);
    if (writeReplace != null) {
      return ofLambda(function, c, writeReplace);
    }
    if (c.isSynthetic() || c.isHidden()) {
      throw new SignatureException(
          "cannot locate the code of "
              + c.getName()
              + ": it is a generated class without a"
              + " serialized form; pass a lambda or method reference typed as a memo function"
              + " (MemoFunction, MemoSupplier, ...) so that the compiler records its implementation");
    }
    Method impl = implementingMethod(c, samName);
    List<String> names = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        int m = f.getModifiers();
        if (Modifier.isStatic(m) || Modifier.isTransient(m)) {
          continue;
        }
        try {
          f.setAccessible(true);
          names.add("field " + k.getSimpleName() + "." + f.getName());
          values.add(f.get(function));
        } catch (InaccessibleObjectException | IllegalAccessException e) {
          throw new SignatureException(
              "cannot read field "
                  + k.getName()
                  + "."
                  + f.getName()
                  + " of the function object: "
                  + e.getMessage()
                  + "; open its package to dev.memo.core (opens "
                  + k.getPackageName()
                  + " to dev.memo.core in module-info)",
              e);
        }
      }
    }
    return new FunctionRef(
        c,
        impl.getName(),
        descriptor(impl),
        List.copyOf(names),
        unmodifiable(values),
        false,
        List.of());
  }

  private static @Nullable Method lambdaWriteReplace(Class<?> c) {
    if (!c.isSynthetic() && !c.isHidden()) {
      return null;
    }
    try {
      Method m = c.getDeclaredMethod("writeReplace");
      return m.getReturnType() == Object.class ? m : null;
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private static FunctionRef ofLambda(Object function, Class<?> c, Method writeReplace) {
    SerializedLambda sl;
    try {
      writeReplace.setAccessible(true);
      sl = (SerializedLambda) writeReplace.invoke(function);
    } catch (InaccessibleObjectException e) {
      throw new SignatureException(
          "cannot read the implementation of lambda "
              + c.getName()
              + ": "
              + e.getMessage()
              + "; open its package to dev.memo.core (opens "
              + c.getPackageName()
              + " to dev.memo.core in module-info)",
          e);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new SignatureException(
          "cannot read the implementation of lambda " + c.getName() + ": " + e, e);
    }
    String implName = sl.getImplClass().replace('/', '.');
    Class<?> implClass;
    try {
      implClass = Class.forName(implName, false, c.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new SignatureException(
          "cannot load class " + implName + " that implements lambda " + c.getName() + ": " + e, e);
    }
    List<String> names = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    List<FunctionRef> nested = new ArrayList<>();
    for (int i = 0; i < sl.getCapturedArgCount(); i++) {
      names.add("captured variable " + i);
      values.add(capturedValue(sl.getCapturedArg(i), nested));
    }
    return new FunctionRef(
        implClass,
        sl.getImplMethodName(),
        sl.getImplMethodSignature(),
        List.copyOf(names),
        unmodifiable(values),
        true,
        List.copyOf(nested));
  }

  /**
   * A captured variable as it is signed. A serializable lambda or method reference (a decorated or
   * composed function) is signed as its implementing method's name and its own captured variables,
   * recursively, and its code joins the code part through {@link #nested()}; anything else is
   * itself.
   */
  private static @Nullable Object capturedValue(@Nullable Object value, List<FunctionRef> nested) {
    if (value == null) {
      return null;
    }
    Method writeReplace = lambdaWriteReplace(value.getClass());
    if (writeReplace == null) {
      return value;
    }
    FunctionRef inner = ofLambda(value, value.getClass(), writeReplace);
    nested.add(inner);
    String method = inner.implMethodName.startsWith("lambda$") ? "lambda$" : inner.implMethodName;
    // The compiler's lambda number is left out, as in the code part: the code item of the body
    // tells two lambdas of one class apart.
    return unmodifiable(
        java.util.Arrays.asList(
            "lambda", inner.implClass.getName(), method, inner.implMethodDescriptor, inner.state));
  }

  private static List<Object> unmodifiable(List<Object> values) {
    return java.util.Collections.unmodifiableList(values); // List.copyOf refuses null elements
  }

  private static Method implementingMethod(Class<?> c, String samName) {
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      for (Method m : k.getDeclaredMethods()) {
        if (m.getName().equals(samName)
            && !m.isBridge()
            && !m.isSynthetic()
            && !Modifier.isAbstract(m.getModifiers())) {
          return m;
        }
      }
    }
    throw new SignatureException(
        "cannot find method " + samName + " in " + c.getName() + " or its superclasses");
  }

  private static String descriptor(Method m) {
    return java.lang.invoke.MethodType.methodType(m.getReturnType(), m.getParameterTypes())
        .toMethodDescriptorString();
  }

  /**
   * @return the class declaring the implementing method
   */
  public Class<?> implClass() {
    return implClass;
  }

  /**
   * @return the implementing method's name
   */
  public String implMethodName() {
    return implMethodName;
  }

  /**
   * @return the implementing method's descriptor
   */
  public String implMethodDescriptor() {
    return implMethodDescriptor;
  }

  /**
   * @return true for a lambda or method reference
   */
  public boolean isLambda() {
    return lambda;
  }

  /**
   * @return the lambdas and method references among the captured variables, and theirs,
   *     recursively, whose implementing methods join the code part
   */
  public List<FunctionRef> nested() {
    return nested;
  }

  /**
   * @return the implementing method's qualified name, the default function id
   */
  public String qualifiedName() {
    return implClass.getName() + "." + implMethodName;
  }

  /**
   * @return labels of the carried state: captured variables or instance fields
   */
  public List<String> stateNames() {
    return stateNames;
  }

  /**
   * @return the carried state, in the order of {@link #stateNames()}; elements may be null. For
   *     {@link #ofMethod} the fields' current values
   */
  public List<@Nullable Object> state() {
    if (fields == null) {
      return state;
    }
    List<Object> values = new ArrayList<>(fields.length);
    for (Field f : fields) {
      try {
        values.add(f.get(target));
      } catch (IllegalAccessException e) {
        throw new SignatureException(
            "cannot read field " + f.getDeclaringClass().getName() + "." + f.getName() + ": " + e,
            e);
      }
    }
    return unmodifiable(values);
  }
}
