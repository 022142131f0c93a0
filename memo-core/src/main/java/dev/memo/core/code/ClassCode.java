package dev.memo.core.code;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * One application class file, read once per JVM: its supertypes, its fields and, for each method,
 * the hash of its normalized bytecode and what it references.
 *
 * <p>Normalization: the class is read with {@code SKIP_DEBUG | SKIP_FRAMES}, which drops line
 * numbers, local variable names and tables, the source file name and stack map frames; labels are
 * numbered in the order they are first mentioned; every constant-pool reference is written as what
 * it refers to (owner, name, descriptor, constant value), so that an edit elsewhere in the class,
 * which renumbers the constant pool, does not change a method's hash. The compiler-made names of
 * lambda bodies ({@code lambda$main$0}) are written without their number, because adding a lambda
 * earlier in the class renumbers them; the body a reference leads to is hashed on its own. Method
 * annotations and parameter names are left out: they do not change what a method computes.
 *
 * <p>Immutable and thread-safe.
 */
final class ClassCode {

  /** Keyed by the class file's URL: one parse per class file per JVM. */
  private static final Map<String, ClassCode> CACHE = new ConcurrentHashMap<>();

  final String name;
  final String superName;
  final List<String> interfaces;
  final int access;
  final Map<String, MethodCode> methods;

  /** The digest of the class file's bytes this was parsed from. */
  final String contentHash;

  /** Field name to access flags. */
  final Map<String, Integer> fields;

  private ClassCode(
      String name,
      String superName,
      List<String> interfaces,
      int access,
      Map<String, MethodCode> methods,
      Map<String, Integer> fields,
      String contentHash) {
    this.name = name;
    this.superName = superName;
    this.interfaces = interfaces;
    this.access = access;
    this.methods = methods;
    this.fields = fields;
    this.contentHash = contentHash;
  }

  /** A reference from one method to a method or field. */
  record Ref(int opcode, String owner, String name, String descriptor) {}

  /**
   * One method: its hash and what its code references.
   *
   * @param instantiated application-or-not classes whose instances the method may create or reach
   *     through a method reference ({@code new}, a constructor or method reference), whose
   *     callbacks the JDK may call
   * @param staticWrites static fields it assigns ({@code putstatic})
   * @param properties system properties and environment variables it reads by a constant name: each
   *     {@code {"property" | "env", name}}
   * @param resources class-path resources it reads by a constant name, resolved to absolute names
   *     (no leading slash)
   */
  record MethodCode(
      int access,
      String hash,
      List<Ref> calls,
      List<Ref> staticReads,
      List<String> instantiated,
      List<Ref> staticWrites,
      List<String[]> properties,
      List<String> resources) {
    boolean isAbstract() {
      return (access & Opcodes.ACC_ABSTRACT) != 0;
    }
  }

  static ClassCode of(String url, Supplier<byte[]> bytes) {
    ClassCode c = CACHE.get(url);
    if (c == null) {
      c = parse(bytes.get());
      CACHE.putIfAbsent(url, c);
    }
    return c;
  }

  static ClassCode parse(byte[] bytes) {
    Reader reader = new Reader();
    new ClassReader(bytes).accept(reader, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return new ClassCode(
        reader.name,
        reader.superName,
        reader.interfaces,
        reader.access,
        Map.copyOf(reader.methods),
        Map.copyOf(reader.fields),
        CodeHashes.sha(bytes));
  }

  static boolean isLambdaBody(String methodName) {
    return methodName.startsWith("lambda$");
  }

  /** A lambda body's name without the compiler's number, which depends on unrelated code. */
  static String canonicalName(String methodName) {
    return isLambdaBody(methodName) ? "lambda$" : methodName;
  }

  private static final class Reader extends ClassVisitor {
    String name;
    String superName;
    List<String> interfaces;
    int access;
    final Map<String, MethodCode> methods = new LinkedHashMap<>();
    final Map<String, Integer> fields = new LinkedHashMap<>();

    Reader() {
      super(Opcodes.ASM9);
    }

    @Override
    public void visit(
        int version,
        int access,
        String name,
        String signature,
        String superName,
        String[] interfaces) {
      this.name = name;
      this.superName = superName;
      this.interfaces = interfaces == null ? List.of() : List.of(interfaces);
      this.access = access;
    }

    @Override
    public @Nullable FieldVisitor visitField(
        int access, String name, String descriptor, String signature, Object value) {
      fields.put(name, access);
      return null;
    }

    @Override
    public MethodVisitor visitMethod(
        int access, String name, String descriptor, String signature, String[] exceptions) {
      return new Normalizer(this.name, access, name, descriptor, methods);
    }
  }

  /** Writes one method's normalized form and collects what it references. */
  private static final class Normalizer extends MethodVisitor {
    private static final int LABEL = -1;
    private static final int TRY = -2;
    private static final int LDC = -3;
    private static final int INDY = -4;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(bytes);
    private final Map<Label, Integer> labels = new IdentityHashMap<>();
    private final List<Ref> calls = new ArrayList<>();
    private final List<Ref> staticReads = new ArrayList<>();
    private final List<String> instantiated = new ArrayList<>();
    private final List<Ref> staticWrites = new ArrayList<>();
    private final List<String[]> properties = new ArrayList<>();
    private final List<String> resources = new ArrayList<>();

    /**
     * String and class constants loaded since the last property or resource read: the names such a
     * read is given are nearly always constants pushed just before it.
     */
    private final List<String> strings = new ArrayList<>();

    private @Nullable String lastType;
    private final String owner;
    private final int access;
    private final String key;
    private final Map<String, MethodCode> sink;

    Normalizer(
        String owner, int access, String name, String descriptor, Map<String, MethodCode> sink) {
      super(Opcodes.ASM9);
      this.owner = owner;
      this.access = access;
      this.key = name + descriptor;
      this.sink = sink;
      // Synthetic and bridge flags say how the method was made, not what it does.
      int flags = access & ~(Opcodes.ACC_SYNTHETIC | Opcodes.ACC_BRIDGE | Opcodes.ACC_DEPRECATED);
      writeInt(flags);
      writeString(canonicalName(name));
      writeString(descriptor);
    }

    private void writeInt(int v) {
      try {
        out.writeInt(v);
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
      }
    }

    private void writeLong(long v) {
      try {
        out.writeLong(v);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void writeString(String s) {
      try {
        out.writeUTF(s);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void label(Label l) {
      writeInt(labels.computeIfAbsent(l, k -> labels.size()));
    }

    private void handle(Handle h, boolean follow) {
      writeInt(h.getTag());
      writeString(h.getOwner());
      writeString(canonicalName(h.getName()));
      writeString(h.getDesc());
      writeInt(h.isInterface() ? 1 : 0);
      if (follow && h.getTag() >= Opcodes.H_INVOKEVIRTUAL) {
        int opcode;
        switch (h.getTag()) {
          case Opcodes.H_INVOKEVIRTUAL:
            opcode = Opcodes.INVOKEVIRTUAL;
            break;
          case Opcodes.H_INVOKEINTERFACE:
            opcode = Opcodes.INVOKEINTERFACE;
            break;
          case Opcodes.H_INVOKESTATIC:
            opcode = Opcodes.INVOKESTATIC;
            break;
          default:
            opcode = Opcodes.INVOKESPECIAL; // H_INVOKESPECIAL, H_NEWINVOKESPECIAL
        }
        calls.add(new Ref(opcode, h.getOwner(), h.getName(), h.getDesc()));
        // A constructor or method reference hands out (or works on) instances of its class,
        // which the JDK may then call back.
        instantiated.add(h.getOwner());
      }
    }

    private void constant(Object value) {
      if (value instanceof Integer i) {
        writeInt('I');
        writeInt(i);
      } else if (value instanceof Float f) {
        writeInt('F');
        writeInt(Float.floatToRawIntBits(f));
      } else if (value instanceof Long l) {
        writeInt('J');
        writeLong(l);
      } else if (value instanceof Double d) {
        writeInt('D');
        writeLong(Double.doubleToRawLongBits(d));
      } else if (value instanceof String s) {
        // writeUTF is limited to 65535 bytes; a class file constant is too, in modified UTF-8.
        writeInt('S');
        writeString(s);
      } else if (value instanceof Type t) {
        writeInt('T');
        writeString(t.getDescriptor());
      } else if (value instanceof Handle h) {
        writeInt('H');
        handle(h, true);
      } else if (value instanceof ConstantDynamic c) {
        writeInt('C');
        writeString(c.getName());
        writeString(c.getDescriptor());
        handle(c.getBootstrapMethod(), true);
        writeInt(c.getBootstrapMethodArgumentCount());
        for (int i = 0; i < c.getBootstrapMethodArgumentCount(); i++) {
          constant(c.getBootstrapMethodArgument(i));
        }
      } else {
        throw new IllegalStateException("unexpected constant " + value);
      }
    }

    @Override
    public void visitInsn(int opcode) {
      writeInt(opcode);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
      writeInt(opcode);
      writeInt(operand);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
      writeInt(opcode);
      writeInt(varIndex);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      writeInt(opcode);
      writeString(type);
      if (opcode == Opcodes.NEW) {
        instantiated.add(type);
      }
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
      writeInt(opcode);
      writeString(owner);
      writeString(name);
      writeString(descriptor);
      if (opcode == Opcodes.GETSTATIC) {
        staticReads.add(new Ref(opcode, owner, name, descriptor));
      } else if (opcode == Opcodes.PUTSTATIC) {
        staticWrites.add(new Ref(opcode, owner, name, descriptor));
      }
    }

    @Override
    public void visitMethodInsn(
        int opcode, String owner, String name, String descriptor, boolean isInterface) {
      writeInt(opcode);
      writeString(owner);
      writeString(canonicalName(name));
      writeString(descriptor);
      writeInt(isInterface ? 1 : 0);
      calls.add(new Ref(opcode, owner, name, descriptor));
      namedRead(owner, name, descriptor);
    }

    /**
     * Notes a read of a system property, an environment variable or a class-path resource by a
     * constant name. Where a call takes two strings (a property and its default), both recent
     * constants are kept: an extra name read costs a needless recomputation at worst, a missed one
     * a stale result.
     */
    private void namedRead(String owner, String name, String descriptor) {
      String kind = null;
      int names = 1;
      boolean resource = false;
      boolean relative = false;
      switch (owner) {
        case "java/lang/System":
          if (name.equals("getProperty")) {
            kind = "property";
            names = descriptor.startsWith("(Ljava/lang/String;Ljava/lang/String;)") ? 2 : 1;
          } else if (name.equals("getenv") && descriptor.startsWith("(Ljava/lang/String;)")) {
            kind = "env";
          }
          break;
        case "java/lang/Integer":
          kind = name.equals("getInteger") ? "property" : null;
          break;
        case "java/lang/Long":
          kind = name.equals("getLong") ? "property" : null;
          break;
        case "java/lang/Boolean":
          kind = name.equals("getBoolean") ? "property" : null;
          break;
        case "java/lang/Class":
          resource = name.equals("getResource") || name.equals("getResourceAsStream");
          relative = true;
          break;
        case "java/lang/ClassLoader":
          resource =
              name.equals("getResource")
                  || name.equals("getResourceAsStream")
                  || name.equals("getSystemResource")
                  || name.equals("getSystemResourceAsStream")
                  || name.equals("getResources")
                  || name.equals("getSystemResources");
          break;
        default:
      }
      if (kind == null && !resource) {
        return;
      }
      List<String> recent = strings.subList(Math.max(0, strings.size() - names), strings.size());
      for (String s : recent) {
        if (resource) {
          resources.add(resourceName(s, relative));
        } else {
          properties.add(new String[] {kind, s});
        }
      }
      strings.clear();
      lastType = null;
    }

    /** The absolute name {@code Class.getResource} resolves a name to. */
    private String resourceName(String s, boolean relative) {
      if (!relative) {
        return s;
      }
      if (s.startsWith("/")) {
        return s.substring(1);
      }
      // Relative to the class it is called on: the class constant before it, else (for
      // getClass().getResource) the calling class.
      String base = lastType != null ? lastType : owner;
      int slash = base.lastIndexOf('/');
      return slash < 0 ? s : base.substring(0, slash + 1) + s;
    }

    @Override
    public void visitInvokeDynamicInsn(
        String name, String descriptor, Handle bootstrap, Object... arguments) {
      writeInt(INDY);
      writeString(name);
      writeString(descriptor);
      // The bootstrap method itself is the JDK's (LambdaMetafactory, StringConcatFactory...);
      // its method-handle arguments lead to the lambda bodies and method references.
      handle(bootstrap, false);
      writeInt(arguments.length);
      for (Object a : arguments) {
        constant(a);
      }
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
      writeInt(opcode);
      label(label);
    }

    @Override
    public void visitLabel(Label label) {
      writeInt(LABEL);
      label(label);
    }

    @Override
    public void visitLdcInsn(Object value) {
      writeInt(LDC);
      constant(value);
      if (value instanceof String str) {
        strings.add(str);
      } else if (value instanceof Type t && t.getSort() == Type.OBJECT) {
        lastType = t.getInternalName();
      }
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
      writeInt(Opcodes.IINC);
      writeInt(varIndex);
      writeInt(increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... targets) {
      writeInt(Opcodes.TABLESWITCH);
      writeInt(min);
      writeInt(max);
      label(dflt);
      for (Label l : targets) {
        label(l);
      }
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] targets) {
      writeInt(Opcodes.LOOKUPSWITCH);
      label(dflt);
      writeInt(keys.length);
      for (int i = 0; i < keys.length; i++) {
        writeInt(keys[i]);
        label(targets[i]);
      }
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
      writeInt(Opcodes.MULTIANEWARRAY);
      writeString(descriptor);
      writeInt(numDimensions);
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
      writeInt(TRY);
      label(start);
      label(end);
      label(handler);
      writeString(type == null ? "" : type);
    }

    @Override
    public void visitEnd() {
      sink.put(
          key,
          new MethodCode(
              access,
              sha(bytes.toByteArray()),
              List.copyOf(calls),
              List.copyOf(staticReads),
              List.copyOf(instantiated),
              List.copyOf(staticWrites),
              List.copyOf(properties),
              List.copyOf(resources)));
    }
  }

  static String sha(byte[] bytes) {
    return CodeHashes.sha(bytes);
  }
}
