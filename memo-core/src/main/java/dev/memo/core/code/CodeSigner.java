package dev.memo.core.code;

import dev.memo.MemoConfig;
import dev.memo.NotSigned;
import dev.memo.SignatureException;
import dev.memo.core.code.ClassCode.MethodCode;
import dev.memo.core.code.ClassCode.Ref;
import dev.memo.core.code.Locations.Kind;
import dev.memo.core.code.Locations.Location;
import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Computes what a function's code signature depends on, once per function.
 *
 * <p><b>The application's own classes</b> are those loaded from a class directory, plus those in
 * the jars and packages named by {@code memo.code.include}. A build tool puts the project's own
 * code in class directories and its dependencies in jars, so this is the line between code that
 * changes from run to run and code that changes only with a version. memo's own classes never
 * count.
 *
 * <p><b>What is followed.</b> From the implementing method, every method it can reach in the
 * application's classes: static, private, constructor and {@code super} calls to the named
 * method (or, when the named class inherits it, the one it inherits); {@code invokedynamic} to
 * the lambda bodies and method references it links; and virtual and interface calls to the named
 * method as above <em>and</em> to every override and implementation in the application's
 * subtypes of the named type that exist in the application's roots: the class directories and
 * included jars of the classes reached, of the loaders of the function's class ({@code
 * URLClassLoader}s) and of {@code java.class.path}. The receiver's run-time class is not known
 * when the function is wrapped, so all implementations memo can see are signed: an unrelated one
 * that changes costs a recomputation, never a stale result. Implementations in other places (a
 * class made at run time, another loader) are not seen. Calls through JDK or library types
 * ({@code Function.apply}, {@code List.get}) are not followed into the application: the object
 * that receives them is an argument, a captured variable or a static field, whose value is signed.
 *
 * <p><b>What a reached method contributes.</b> An application method: the hash of its normalized
 * bytecode (see {@code ClassCode}). A library method: its jar's content hash. A JDK method:
 * nothing beyond the Java feature version, which every code signature contains.
 *
 * <p><b>Static fields.</b> Every static field of an application class that reached code reads
 * ({@code getstatic}) is signed by value at every call, except fields annotated {@link NotSigned},
 * fields listed in {@code memo.code.ignore-fields}, and fields whose declared type is a logger
 * ({@code System.Logger}, {@code java.util.logging.Logger}, {@code org.slf4j.Logger}, {@code
 * org.apache.logging.log4j.Logger}, {@code org.apache.commons.logging.Log}): nearly every class has
 * one, none changes a result, and an error for each would teach users to switch the check off.
 * Compile-time constants are in the bytecode already. Static fields of JDK and library classes are
 * not signed.
 *
 * <p>Thread-safe. Results are cached per function (per class through a {@link ClassValue}, so a
 * discarded class loader is not kept alive); class files are normalized once per JVM.
 */
public final class CodeSigner {
  private static final Set<String> LOGGER_TYPES = Set.of(
      "java.lang.System$Logger",
      "java.util.logging.Logger",
      "org.slf4j.Logger",
      "org.apache.logging.log4j.Logger",
      "org.apache.commons.logging.Log");

  private final List<String> include;
  private final Set<String> ignoredFields;
  private final ClassValue<Map<String, FunctionCode>> cache = new ClassValue<>() {
    @Override
    protected Map<String, FunctionCode> computeValue(Class<?> type) {
      return new ConcurrentHashMap<>();
    }
  };

  /**
   * Creates a code signer.
   *
   * @param config the memoizer's configuration, read for {@link MemoConfig#CODE_INCLUDE} and
   *     {@link MemoConfig#CODE_IGNORE_FIELDS}
   */
  public CodeSigner(MemoConfig config) {
    this.include = config.getList(MemoConfig.CODE_INCLUDE);
    this.ignoredFields = Set.copyOf(config.getList(MemoConfig.CODE_IGNORE_FIELDS));
  }

  /**
   * Returns what a function's code signature depends on, computing it on the first call for the
   * function and version.
   *
   * @param ref the function
   * @param version the user's version string, if any
   * @return the code
   * @throws SignatureException if the function's code cannot be located or read, or a static
   *     field it reads cannot be read
   */
  public FunctionCode sign(FunctionRef ref, Optional<String> version) {
    String key = ref.implMethodName() + ref.implMethodDescriptor() + "\u0000" + version.orElse("");
    Map<String, FunctionCode> perClass = cache.get(ref.implClass());
    FunctionCode code = perClass.get(key);
    if (code == null) {
      code = new Walk(ref).run(version);
      perClass.putIfAbsent(key, code);
    }
    return code;
  }

  /** One walk over the code a function can reach. */
  private final class Walk {
    private final FunctionRef ref;
    private final ClassLoader loader;
    private final Locations locations;
    private final Map<String, CodeItem> items = new HashMap<>();
    private final Set<String> visited = new HashSet<>();
    private final Set<Ref> resolved = new HashSet<>();
    private final ArrayDeque<Ref> queue = new ArrayDeque<>();
    private final List<Ref> virtualCalls = new ArrayList<>();
    private final Set<String> expanded = new HashSet<>();
    private final Set<Path> roots = new LinkedHashSet<>();
    private final Map<String, String[]> staticReads = new LinkedHashMap<>();

    Walk(FunctionRef ref) {
      this.ref = ref;
      this.loader = ref.implClass().getClassLoader();
      this.locations = new Locations(loader, include);
    }

    FunctionCode run(Optional<String> version) {
      int feature = Runtime.version().feature();
      items.put("jdk", new CodeItem("jdk", "Java " + feature, Integer.toString(feature)));
      version.ifPresent(v -> items.put("version", new CodeItem("version", "version \"" + v + "\"",
          ClassCode.sha(v.getBytes(StandardCharsets.UTF_8)))));
      String owner = Type.getInternalName(ref.implClass());
      // Which method is the entry point matters even when nothing else does (two JDK methods).
      String entry = owner + "." + ClassCode.canonicalName(ref.implMethodName())
          + ref.implMethodDescriptor();
      items.put("entry", new CodeItem("entry",
          "entry point " + display(owner, ref.implMethodName(), ref.implMethodDescriptor()),
          ClassCode.sha(entry.getBytes(StandardCharsets.UTF_8))));
      if (locations.locate(owner).kind() == Kind.MISSING) {
        String resource = owner + ".class";
        throw new SignatureException(
            "cannot locate the code of " + ref.qualifiedName() + ": its class file " + resource
                + " is not readable from its class loader (a class generated at run time has no"
                + " class file); memoize a function compiled from source");
      }
      roots.addAll(loaderRoots());
      queue.add(new Ref(Opcodes.INVOKESPECIAL, owner, ref.implMethodName(),
          ref.implMethodDescriptor()));
      Hierarchy hierarchy = null;
      while (!queue.isEmpty()) {
        while (!queue.isEmpty()) {
          Ref call = queue.poll();
          if (!resolved.add(call)) {
            continue; // the same call from another place: already followed
          }
          resolve(call.owner(), call.name(), call.descriptor());
          if ((call.opcode() == Opcodes.INVOKEVIRTUAL || call.opcode() == Opcodes.INVOKEINTERFACE)
              && locations.locate(call.owner()).kind() == Kind.APP) {
            virtualCalls.add(call);
          }
        }
        if (!virtualCalls.isEmpty()) {
          // Indexed after the direct walk, when the roots of every reached class are known.
          if (hierarchy == null) {
            hierarchy = new Hierarchy();
          }
          hierarchy.index(roots);
          List<Ref> calls = new ArrayList<>(virtualCalls);
          virtualCalls.clear();
          for (Ref call : calls) {
            if (expanded.add(call.owner() + "." + call.name() + call.descriptor())) {
              for (String subtype : hierarchy.subtypes(call.owner())) {
                resolve(subtype, call.name(), call.descriptor());
              }
            }
          }
        }
      }
      List<CodeItem> sorted = new ArrayList<>(disambiguated());
      sorted.sort(Comparator.comparing(CodeItem::key).thenComparing(CodeItem::hash));
      return new FunctionCode(sorted, staticFields());
    }

    /** Class directories and jars visible through the function's loaders. */
    private Set<Path> loaderRoots() {
      Set<Path> found = new LinkedHashSet<>();
      for (ClassLoader l = loader; l != null; l = l.getParent()) {
        if (l instanceof URLClassLoader u) {
          for (URL url : u.getURLs()) {
            addRoot(found, url);
          }
        }
      }
      String classPath = System.getProperty("java.class.path", "");
      for (String entry : classPath.split(File.pathSeparator)) {
        if (!entry.isEmpty()) {
          try {
            Path p = Path.of(entry).toAbsolutePath().normalize();
            if (Files.isDirectory(p)) {
              found.add(p);
            }
          } catch (InvalidPathException e) {
            // An entry the JVM could not use either.
          }
        }
      }
      return found;
    }

    private void addRoot(Set<Path> found, URL url) {
      try {
        Path p = Path.of(url.toURI()).toAbsolutePath().normalize();
        if (Files.isDirectory(p)) {
          found.add(p);
        }
      } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
        // Not a local directory: nothing to index there.
      }
    }

    /**
     * Adds the method a call to {@code owner.name descriptor} runs when the receiver's class is
     * {@code owner}: declared there or inherited from a superclass, else a default method of an
     * interface. Where the chain leaves the application, what it enters contributes.
     */
    private void resolve(String owner, String name, String descriptor) {
      String methodKey = name + descriptor;
      List<String> interfaces = new ArrayList<>();
      for (String k = owner; k != null; ) {
        Location loc = locations.locate(k);
        if (loc.kind() != Kind.APP) {
          contribute(loc);
          break;
        }
        ClassCode c = classCode(loc);
        MethodCode m = c.methods.get(methodKey);
        if (m != null) {
          if (!m.isAbstract()) {
            include(c, name, descriptor, m);
            return;
          }
          break; // abstract here: the implementations are in subtypes
        }
        interfaces.addAll(c.interfaces);
        k = c.superName;
      }
      Set<String> seen = new HashSet<>();
      while (!interfaces.isEmpty()) {
        String i = interfaces.remove(interfaces.size() - 1);
        if (!seen.add(i)) {
          continue;
        }
        Location loc = locations.locate(i);
        if (loc.kind() != Kind.APP) {
          continue; // a JDK or library default method: covered by the version or jar if reached
        }
        ClassCode c = classCode(loc);
        MethodCode m = c.methods.get(methodKey);
        if (m != null && !m.isAbstract()) {
          include(c, name, descriptor, m);
        }
        interfaces.addAll(c.interfaces);
      }
    }

    private ClassCode classCode(Location loc) {
      if (loc.root() != null) {
        roots.add(loc.root());
      }
      try {
        return ClassCode.of(loc.url().toString(), () -> Locations.read(loc));
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        // ASM's ways of saying "not a class file I can read": damaged, or newer than it knows.
        throw new SignatureException("cannot read the class file of "
            + loc.internalName().replace('/', '.') + " at " + loc.url() + ", which "
            + ref.qualifiedName() + " reaches: " + e + "; rebuild the class, or upgrade memo if"
            + " the class file is newer than Java " + Runtime.version().feature(), e);
      }
    }

    private void contribute(Location loc) {
      switch (loc.kind()) {
        case LIBRARY: {
          String where = loc.root() != null ? loc.root().toString() : loc.url().toString();
          if (!items.containsKey("jar " + where)) {
            String shown = loc.root() != null
                ? "jar " + loc.root().getFileName()
                : "class " + loc.internalName().replace('/', '.');
            items.put("jar " + where, new CodeItem("jar", shown, Locations.contentHash(loc)));
          }
          break;
        }
        case MISSING: {
          String binary = loc.internalName().replace('/', '.');
          items.putIfAbsent("missing " + binary,
              new CodeItem("missing " + binary, "missing class " + binary, "absent"));
          break;
        }
        default:
          // JDK: the feature version is always an item. memo's own code: nothing.
      }
    }

    private void include(ClassCode c, String name, String descriptor, MethodCode m) {
      String id = c.name + "." + name + descriptor;
      if (!visited.add(id)) {
        return;
      }
      items.put(id, new CodeItem(c.name + "." + ClassCode.canonicalName(name) + descriptor,
          display(c.name, name, descriptor), m.hash()));
      queue.addAll(m.calls());
      for (Ref read : m.staticReads()) {
        String[] declared = declaringClass(read.owner(), read.name());
        if (declared != null) {
          staticReads.putIfAbsent(declared[0] + "." + declared[1], declared);
        }
      }
    }

    /** The application class that declares a static field, or null if none does. */
    private String[] declaringClass(String owner, String field) {
      List<String> todo = new ArrayList<>(List.of(owner));
      Set<String> seen = new HashSet<>();
      while (!todo.isEmpty()) {
        String k = todo.remove(0);
        if (!seen.add(k)) {
          continue;
        }
        Location loc = locations.locate(k);
        if (loc.kind() != Kind.APP) {
          continue;
        }
        ClassCode c = classCode(loc);
        Integer access = c.fields.get(field);
        if (access != null && (access & Opcodes.ACC_STATIC) != 0) {
          return new String[] {k, field};
        }
        todo.addAll(c.interfaces);
        if (c.superName != null) {
          todo.add(c.superName);
        }
      }
      return null;
    }

    private List<StaticField> staticFields() {
      List<StaticField> fields = new ArrayList<>();
      for (String[] read : staticReads.values()) {
        String className = read[0].replace('/', '.');
        Field f;
        try {
          f = Class.forName(className, false, loader).getDeclaredField(read[1]);
        } catch (ClassNotFoundException | NoSuchFieldException | LinkageError e) {
          throw new SignatureException("cannot find static field " + className + "." + read[1]
              + ", which " + ref.qualifiedName() + " reads: " + e
              + "; memoize code whose class files match its loaded classes", e);
        }
        String qualified = className + "." + f.getName();
        if (!Modifier.isStatic(f.getModifiers()) || f.isAnnotationPresent(NotSigned.class)
            || ignoredFields.contains(qualified) || LOGGER_TYPES.contains(f.getType().getName())) {
          continue;
        }
        try {
          f.setAccessible(true);
        } catch (InaccessibleObjectException e) {
          throw new SignatureException("cannot read static field " + qualified + ", which "
              + ref.qualifiedName() + " reads: " + e.getMessage() + "; open its package to"
              + " dev.memo.core (opens " + f.getDeclaringClass().getPackageName()
              + " to dev.memo.core in module-info), or mark it @dev.memo.NotSigned if its value"
              + " cannot change the result", e);
        }
        fields.add(new StaticField(f));
      }
      fields.sort(Comparator.comparing(StaticField::name));
      return fields;
    }

    /** Names for explain, made unique where two items would read alike. */
    private List<CodeItem> disambiguated() {
      Map<String, List<CodeItem>> byName = new HashMap<>();
      for (Map.Entry<String, CodeItem> e : items.entrySet()) {
        byName.computeIfAbsent(e.getValue().name(), k -> new ArrayList<>()).add(e.getValue());
      }
      List<CodeItem> out = new ArrayList<>();
      for (Map.Entry<String, CodeItem> e : items.entrySet()) {
        CodeItem item = e.getValue();
        if (byName.get(item.name()).size() > 1) {
          // Overloads that differ only in return type (bridges), or jars of one file name.
          item = new CodeItem(item.key(), item.name() + " [" + e.getKey() + "]", item.hash());
        }
        out.add(item);
      }
      return out;
    }
  }

  private static String display(String owner, String name, String descriptor) {
    StringBuilder sb = new StringBuilder(owner.replace('/', '.')).append('.').append(name).append('(');
    Type[] params = Type.getArgumentTypes(descriptor);
    for (int i = 0; i < params.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(params[i].getClassName());
    }
    return sb.append(')').toString();
  }
}
