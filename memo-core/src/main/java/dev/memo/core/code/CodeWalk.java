package dev.memo.core.code;

import static dev.memo.core.code.CodeSigner.OVERRIDABLE;
import static dev.memo.core.code.CodeSigner.display;

import dev.memo.SignatureException;
import dev.memo.core.code.ClassCode.MethodCode;
import dev.memo.core.code.ClassCode.Ref;
import dev.memo.core.code.Locations.Kind;
import dev.memo.core.code.Locations.Location;
import dev.memo.core.sign.CanonicalEncoder;
import java.nio.charset.StandardCharsets;
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
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * One walk over the code a function can reach, for {@link CodeSigner#sign}: owns the traversal of
 * class files from the function's method (calls, lambdas, class initializers, callbacks, static
 * fields read, class-path resources) and the {@link FunctionCode} it builds. Moved out of {@link
 * CodeSigner}, which keeps the cache and the configuration. Not thread-safe: one instance per walk,
 * used by one thread once.
 */
final class CodeWalk {
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

  /** Static fields read by code other than class initializers. */
  private final Set<String> readOutsideInitializers = new HashSet<>();

  /** Static fields assigned by code other than class initializers. */
  private final Set<String> written = new HashSet<>();

  private final Map<String, StaticField> properties = new LinkedHashMap<>();
  private final Set<String> initialized = new HashSet<>();
  private final Set<String> instantiated = new HashSet<>();
  private final ArrayDeque<String> callbackTypes = new ArrayDeque<>();
  private final Map<String, ClassCode> classes = new HashMap<>();
  private final Set<String> rebuilt = new LinkedHashSet<>();
  private final List<Class<?>> added;

  /** The subtypes of the application's classes, read when a virtual call needs them. */
  private @Nullable Hierarchy hierarchy;

  private final List<String> include;
  private final Set<String> ignoredFields;

  /** Tells whether a value can be signed by content; null: every value can. */
  private final @Nullable Supplier<CanonicalEncoder> encoders;

  CodeWalk(
      FunctionRef ref,
      List<Class<?>> added,
      List<String> include,
      Set<String> ignoredFields,
      @Nullable Supplier<CanonicalEncoder> encoders) {
    this.include = include;
    this.ignoredFields = ignoredFields;
    this.encoders = encoders;
    this.ref = ref;
    this.added = added;
    this.loader = ref.implClass().getClassLoader();
    this.locations = new Locations(loader, include);
  }

  FunctionCode run(Optional<String> version) {
    int feature = Runtime.version().feature();
    items.put("jdk", new CodeItem("jdk", "Java " + feature, Integer.toString(feature)));
    version.ifPresent(
        v ->
            items.put(
                "version",
                new CodeItem(
                    "version",
                    "version \"" + v + "\"",
                    ClassCode.sha(v.getBytes(StandardCharsets.UTF_8)))));
    String owner = Type.getInternalName(ref.implClass());
    // Which method is the entry point matters even when nothing else does (two JDK methods).
    String entry =
        owner + "." + ClassCode.canonicalName(ref.implMethodName()) + ref.implMethodDescriptor();
    items.put(
        "entry",
        new CodeItem(
            "entry",
            "entry point " + display(owner, ref.implMethodName(), ref.implMethodDescriptor()),
            ClassCode.sha(entry.getBytes(StandardCharsets.UTF_8))));
    if (locations.locate(owner).kind() == Kind.MISSING) {
      String resource = owner + ".class";
      throw new SignatureException(
          "cannot locate the code of "
              + ref.qualifiedName()
              + ": its class file "
              + resource
              + " is not readable from its class loader (a class generated at run time has no"
              + " class file); memoize a function compiled from source");
    }
    roots.addAll(Locations.loaderRoots(loader));
    queue.add(
        new Ref(Opcodes.INVOKESPECIAL, owner, ref.implMethodName(), ref.implMethodDescriptor()));
    addNested(ref);
    for (Class<?> c : added) {
      addClass(Type.getInternalName(c));
    }
    while (!queue.isEmpty() || !callbackTypes.isEmpty()) {
      while (!queue.isEmpty()) {
        Ref call = queue.poll();
        if (!resolved.add(call)) {
          continue; // the same call from another place: already followed
        }
        if (call.name().equals("<init>")) {
          instantiate(call.owner()); // a constructor reference, or a captured constructor
        }
        resolve(call.owner(), call.name(), call.descriptor());
        if ((call.opcode() == Opcodes.INVOKEVIRTUAL || call.opcode() == Opcodes.INVOKEINTERFACE)
            && locations.locate(call.owner()).kind() == Kind.APP) {
          virtualCalls.add(call);
        }
      }
      while (!callbackTypes.isEmpty()) {
        callbacks(callbackTypes.poll());
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
    List<StaticField> fields = staticFields();
    List<StaticField> changing = fields.stream().filter(f -> written.contains(f.name())).toList();
    return new FunctionCode(sorted, fields, changing, List.copyOf(rebuilt));
  }

  /** The lambdas and method references a lambda captured, and theirs. */
  private void addNested(FunctionRef outer) {
    for (FunctionRef n : outer.nested()) {
      String owner = Type.getInternalName(n.implClass());
      boolean body =
          ClassCode.isLambdaBody(n.implMethodName()) || n.implMethodName().equals("<init>");
      // A method reference to an instance method may run any override: followed as a call.
      queue.add(
          new Ref(
              body ? Opcodes.INVOKESPECIAL : Opcodes.INVOKEVIRTUAL,
              owner,
              n.implMethodName(),
              n.implMethodDescriptor()));
      instantiate(owner);
      addNested(n);
    }
  }

  /** Every method of a class added by hand, and so its initializer and callbacks. */
  private void addClass(String owner) {
    Location loc = locations.locate(owner);
    if (loc.kind() != Kind.APP) {
      contribute(loc);
      return;
    }
    ClassCode c = classCode(loc);
    for (Map.Entry<String, MethodCode> e : c.methods.entrySet()) {
      if (!e.getValue().isAbstract()) {
        String key = e.getKey();
        int paren = key.indexOf('(');
        include(c, key.substring(0, paren), key.substring(paren), e.getValue(), null);
      }
    }
    instantiate(owner);
  }

  /**
   * Notes that reached code creates instances of a class (or reaches it through a method
   * reference): its initializer runs, and the JDK may call its callbacks.
   */
  private void instantiate(String type) {
    if (instantiated.add(type) && locations.locate(type).kind() == Kind.APP) {
      initializer(type);
      callbackTypes.add(type);
    }
  }

  /**
   * Adds a reached class's static initializer, and its superclasses': the code that builds its enum
   * constants and its static final values.
   */
  private void initializer(String type) {
    for (String k = type; k != null && initialized.add(k); ) {
      Location loc = locations.locate(k);
      if (loc.kind() != Kind.APP) {
        return;
      }
      ClassCode c = classCode(loc);
      MethodCode clinit = c.methods.get("<clinit>()V");
      if (clinit != null) {
        include(c, "<clinit>", "()V", clinit, "initializer of " + c.name.replace('/', '.'));
      }
      k = (c.access & Opcodes.ACC_INTERFACE) != 0 ? null : c.superName;
    }
  }

  /**
   * Adds the methods of an instantiated application class, and of its application superclasses,
   * that override or implement a method of a type outside the application: the JDK or a library may
   * call them ({@code equals}, {@code hashCode}, {@code compareTo}, a functional interface's
   * method), though no application code does.
   */
  private void callbacks(String type) {
    Set<String> external = new HashSet<>();
    boolean unknown = false;
    List<String> todo = new ArrayList<>(List.of(type));
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      String k = todo.remove(todo.size() - 1);
      if (!seen.add(k)) {
        continue;
      }
      Location loc = locations.locate(k);
      if (loc.kind() == Kind.APP) {
        ClassCode c = classCode(loc);
        todo.addAll(c.interfaces);
        if (c.superName != null) {
          todo.add(c.superName);
        }
        continue;
      }
      try {
        external.addAll(OVERRIDABLE.get(Class.forName(k.replace('/', '.'), false, loader)));
      } catch (ClassNotFoundException | LinkageError | SecurityException e) {
        unknown = true; // cannot tell which methods it has: every method may be called back
      }
    }
    for (String k = type; k != null; ) {
      Location loc = locations.locate(k);
      if (loc.kind() != Kind.APP) {
        break;
      }
      ClassCode c = classCode(loc);
      for (Map.Entry<String, MethodCode> e : c.methods.entrySet()) {
        MethodCode m = e.getValue();
        String key = e.getKey();
        if (key.startsWith("<")
            || m.isAbstract()
            || (m.access() & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) != 0
            || !(unknown || external.contains(key))) {
          continue;
        }
        int paren = key.indexOf('(');
        String name = key.substring(0, paren);
        String descriptor = key.substring(paren);
        include(c, name, descriptor, m, "callback " + display(c.name, name, descriptor));
      }
      k = c.superName;
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
          include(c, name, descriptor, m, null);
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
        include(c, name, descriptor, m, null);
      }
      interfaces.addAll(c.interfaces);
    }
  }

  private ClassCode classCode(Location loc) {
    ClassCode known = classes.get(loc.internalName());
    if (known != null) {
      return known;
    }
    if (loc.root() != null) {
      roots.add(loc.root());
    }
    String url = loc.url().toString();
    long modified = Locations.modified(loc);
    if (Locations.changedSinceLoaded(loc, modified)) {
      // Changed since memo read it, or since the JVM started: the loaded class may be older.
      rebuilt.add(loc.internalName().replace('/', '.'));
    }
    try {
      ClassCode c = ClassCode.of(url + "|" + modified, () -> Locations.read(loc));
      classes.put(loc.internalName(), c);
      return c;
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      // ASM's ways of saying "not a class file I can read": damaged, or newer than it knows.
      throw new SignatureException(
          "cannot read the class file of "
              + loc.internalName().replace('/', '.')
              + " at "
              + loc.url()
              + ", which "
              + ref.qualifiedName()
              + " reaches: "
              + e
              + "; rebuild the class, or upgrade memo if"
              + " the class file is newer than Java "
              + Runtime.version().feature(),
          e);
    }
  }

  private void contribute(Location loc) {
    switch (loc.kind()) {
      case LIBRARY:
        {
          String where = loc.root() != null ? loc.root().toString() : loc.url().toString();
          if (!items.containsKey("jar " + where)) {
            String shown =
                loc.root() != null
                    ? "jar " + loc.root().getFileName()
                    : "class " + loc.internalName().replace('/', '.');
            items.put("jar " + where, new CodeItem("jar", shown, Locations.contentHash(loc)));
          }
          break;
        }
      case MISSING:
        {
          String binary = loc.internalName().replace('/', '.');
          items.putIfAbsent(
              "missing " + binary,
              new CodeItem("missing " + binary, "missing class " + binary, "absent"));
          break;
        }
      default:
        // JDK: the feature version is always an item. memo's own code: nothing.
    }
  }

  /**
   * Adds a reached method: its hash, what it calls, reads and creates, and its class's initializer.
   *
   * @param label what explain calls it, or null for its qualified name
   */
  private void include(
      ClassCode c, String name, String descriptor, MethodCode m, @Nullable String label) {
    String id = c.name + "." + name + descriptor;
    if (!visited.add(id)) {
      return;
    }
    items.put(
        id,
        new CodeItem(
            c.name + "." + ClassCode.canonicalName(name) + descriptor,
            label != null ? label : display(c.name, name, descriptor),
            m.hash()));
    queue.addAll(m.calls());
    initializer(c.name);
    boolean init = name.equals("<clinit>");
    for (Ref read : m.staticReads()) {
      String[] declared = declaringClass(read.owner(), read.name());
      if (declared != null) {
        String qualified = declared[0].replace('/', '.') + "." + declared[1];
        staticReads.putIfAbsent(qualified, declared);
        if (!init) {
          readOutsideInitializers.add(qualified);
        }
        initializer(declared[0]);
      }
    }
    for (Ref write : m.staticWrites()) {
      String[] declared = declaringClass(write.owner(), write.name());
      if (declared != null) {
        if (!init) {
          written.add(declared[0].replace('/', '.') + "." + declared[1]);
        }
        initializer(declared[0]);
      }
    }
    for (String type : m.instantiated()) {
      instantiate(type);
    }
    for (String[] p : m.properties()) {
      StaticField f =
          p[0].equals("env") ? StaticField.environmentVariable(p[1]) : StaticField.property(p[1]);
      properties.putIfAbsent(f.name(), f);
    }
    for (String resource : m.resources()) {
      items.computeIfAbsent(
          "resource " + resource,
          k -> new CodeItem(k, k, Locations.resourceHash(loader, resource, ref.qualifiedName())));
    }
  }

  /** The application class that declares a static field, or null if none does. */
  private String @Nullable [] declaringClass(String owner, String field) {
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
    return ReadFields.of(
        staticReads.values(),
        readOutsideInitializers,
        properties.values(),
        loader,
        ignoredFields,
        encoders,
        ref.qualifiedName());
  }

  /**
   * Returns what the result of {@link #run} depends on besides the function's key and the
   * configuration, for {@link CodeCache}; call after {@code run}.
   */
  WalkFacts facts() {
    return new WalkFacts(
        locations.located(),
        classHashes(),
        hierarchy == null ? Map.of() : hierarchy.indexed(),
        List.copyOf(staticReads.values()),
        Set.copyOf(readOutsideInitializers),
        Set.copyOf(written),
        List.copyOf(properties.values()));
  }

  private Map<String, String> classHashes() {
    Map<String, String> hashes = new HashMap<>();
    classes.forEach((name, c) -> hashes.put(name, c.contentHash));
    return hashes;
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
