package dev.memo.core.code;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a memoized function's code signature is made of: the items it depends on (methods, jars, the
 * Java version, the version string), and the static fields its reached code reads. Computed once
 * per function by {@link CodeSigner}. Immutable and thread-safe.
 */
public final class FunctionCode {
  private final List<CodeItem> items;
  private final List<StaticField> staticFields;
  private final List<StaticField> writtenFields;
  private final List<String> rebuiltClasses;

  FunctionCode(
      List<CodeItem> items,
      List<StaticField> staticFields,
      List<StaticField> writtenFields,
      List<String> rebuiltClasses) {
    this.items = List.copyOf(items);
    this.staticFields = List.copyOf(staticFields);
    this.writtenFields = List.copyOf(writtenFields);
    this.rebuiltClasses = List.copyOf(rebuiltClasses);
  }

  /**
   * Returns the items in the order to digest: by key, then hash, so that neither the order of
   * methods in a class nor the order they were reached changes the signature.
   *
   * @return the items
   */
  public List<CodeItem> items() {
    return items;
  }

  /**
   * Returns the manifest kept for {@code explain}: each item's name and hash, by name.
   *
   * @return names to hashes, sorted by name
   */
  public Map<String, String> manifest() {
    Map<String, String> m = new LinkedHashMap<>();
    items.stream()
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .forEach(i -> m.put(i.name(), i.hash()));
    return m;
  }

  /**
   * Returns the static fields whose values are signed at every call, by name.
   *
   * @return the fields
   */
  public List<StaticField> staticFields() {
    return staticFields;
  }

  /**
   * Returns the signed static fields that the reached code also assigns: a function that changes
   * one at every call (a call counter) misses at every call.
   *
   * @return a subset of {@link #staticFields()}, often empty
   */
  public List<StaticField> writtenFields() {
    return writtenFields;
  }

  /**
   * Returns the application classes whose class files changed after the JVM may have loaded them
   * (modified after the JVM started, or since memo first read them in this JVM): the code the JVM
   * runs may then differ from the code signed, so results are computed and not stored.
   *
   * @return binary class names, empty when the code on disk is the code that runs
   */
  public List<String> rebuiltClasses() {
    return rebuiltClasses;
  }
}
