package dev.memo.core.code;

import dev.memo.SignatureException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassReader;

/**
 * The subtypes of application classes, found by reading the headers of every class file in the
 * application's roots (class directories, and jars named by {@code memo.code.include}). A root is
 * read once per JVM. Used to follow a virtual or interface call to every implementation the
 * application has, not just the one the compiler named. Not thread-safe; one per code walk.
 */
final class Hierarchy {
  /** Root to (class, its direct supertypes), read once per JVM. */
  private static final Map<Path, Root> ROOTS = new ConcurrentHashMap<>();

  private final Map<String, List<String>> children = new HashMap<>();
  private final Map<Path, String> indexed = new LinkedHashMap<>();

  /** Adds the classes of these roots, reading those not yet read in this JVM. */
  void index(Collection<Path> roots) {
    for (Path root : roots) {
      if (!indexed.containsKey(root)) {
        Root read = ROOTS.computeIfAbsent(root, Hierarchy::read);
        indexed.put(root, read.digest());
        read.supers()
            .forEach(
                (type, supers) -> {
                  for (String s : supers) {
                    children.computeIfAbsent(s, k -> new ArrayList<>()).add(type);
                  }
                });
      }
    }
  }

  /** The roots indexed so far, each with the digest of the class files it was read from. */
  Map<Path, String> indexed() {
    return Map.copyOf(indexed);
  }

  /** Every indexed class that extends or implements {@code type}, directly or not. */
  Set<String> subtypes(String type) {
    Set<String> found = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(List.of(type));
    while (!todo.isEmpty()) {
      for (String child : children.getOrDefault(todo.remove(todo.size() - 1), List.of())) {
        if (found.add(child)) {
          todo.add(child);
        }
      }
    }
    return found;
  }

  /** One root as read: each class's direct supertypes, and the digest of its class files. */
  private record Root(Map<String, List<String>> supers, String digest) {}

  private static Root read(Path root) {
    Map<String, List<String>> supers = new HashMap<>();
    String digest;
    try {
      digest = RootDigests.of(root, (name, bytes) -> add(supers, bytes));
    } catch (IOException e) {
      throw new SignatureException(
          "cannot read the classes of "
              + root
              + " to find the"
              + " implementations of the methods a memoized function calls: "
              + e
              + "; check that the files are readable",
          e);
    }
    return new Root(Map.copyOf(supers), digest);
  }

  private static void add(Map<String, List<String>> supers, byte[] classFile) {
    ClassReader r;
    try {
      r = new ClassReader(classFile);
    } catch (IllegalArgumentException e) {
      return; // not a class file we can read; it cannot be an implementation we could sign either
    }
    List<String> types = new ArrayList<>(List.of(r.getInterfaces()));
    if (r.getSuperName() != null) {
      types.add(r.getSuperName());
    }
    supers.put(r.getClassName(), List.copyOf(types));
  }
}
