package dev.memo.core.code;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a memoized function's code signature is made of: the items it depends on (methods, jars,
 * the Java version, the version string), and the static fields its reached code reads. Computed
 * once per function by {@link CodeSigner}. Immutable and thread-safe.
 */
public final class FunctionCode {
  private final List<CodeItem> items;
  private final List<StaticField> staticFields;

  FunctionCode(List<CodeItem> items, List<StaticField> staticFields) {
    this.items = List.copyOf(items);
    this.staticFields = List.copyOf(staticFields);
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
    items.stream().sorted((a, b) -> a.name().compareTo(b.name()))
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
}
