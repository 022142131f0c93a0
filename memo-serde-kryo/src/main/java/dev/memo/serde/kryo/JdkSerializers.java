package dev.memo.serde.kryo;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.kryo5.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.kryo5.serializers.ImmutableSerializer;
import com.esotericsoftware.kryo.kryo5.serializers.MapSerializer;
import dev.memo.SerdeException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The serializers of the JDK collections {@link KryoRules} allows. Each declared size is checked
 * against the bytes that remain ({@link BoundedInput#requireCount}) before anything is allocated
 * for it; each kind is read back as the same kind (a {@code List.of} list as an unmodifiable {@code
 * List.of} list, an unmodifiable view as an unmodifiable view, a {@code TreeMap} with its
 * comparator); a sorted collection whose comparator cannot be written is refused with the reason.
 *
 * <p>Serializers are owned by one Kryo instance and so used by one thread at a time.
 */
final class JdkSerializers {
  private JdkSerializers() {}

  private static KryoRules rules(Kryo kryo) {
    return ((NameClassResolver) kryo.getClassResolver()).rules();
  }

  static void requireWritable(Kryo kryo, Comparator<?> comparator, String kind) {
    if (!rules(kryo).writableComparator(comparator)) {
      throw new SerdeException(
          kind
              + "'s comparator, of class "
              + comparator.getClass().getName()
              + ", cannot be written, so the "
              + kind
              + " could not be read back; sort with natural"
              + " ordering, Comparator.reverseOrder() or String.CASE_INSENSITIVE_ORDER, with an enum"
              + " or record that implements Comparator, or copy the entries into a LinkedHashMap or"
              + " LinkedHashSet");
    }
  }

  /**
   * {@code ArrayList}, {@code LinkedList}, {@code ArrayDeque}, {@code HashSet}, {@code
   * LinkedHashSet}.
   */
  static final class CheckedCollection extends CollectionSerializer<Collection<Object>> {
    @Override
    protected Collection<Object> create(
        Kryo kryo, Input input, Class<? extends Collection<Object>> type, int size) {
      BoundedInput.of(input).requireCount(size, 1, "a collection");
      // Sized for the elements the payload declares (and holds: checked above), so that reading
      // does not grow them step by step; Kryo sizes only ArrayList and HashSet itself.
      if ((Class<?>) type == LinkedHashSet.class) {
        return new LinkedHashSet<>(hashCapacity(size));
      }
      if ((Class<?>) type == ArrayDeque.class) {
        return new ArrayDeque<>(size);
      }
      return super.create(kryo, input, type, size);
    }
  }

  /** {@code HashMap}, {@code LinkedHashMap}. */
  static final class CheckedMap extends MapSerializer<Map<Object, Object>> {
    @Override
    protected Map<Object, Object> create(
        Kryo kryo, Input input, Class<? extends Map<Object, Object>> type, int size) {
      BoundedInput.of(input).requireCount(size, 2, "a map");
      if ((Class<?>) type == LinkedHashMap.class) {
        return new LinkedHashMap<>(hashCapacity(size));
      }
      if ((Class<?>) type == HashMap.class) {
        return new HashMap<>(hashCapacity(size));
      }
      return super.create(kryo, input, type, size);
    }
  }

  /** The capacity at which a hash table holds {@code size} entries without growing. */
  static int hashCapacity(int size) {
    return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, (long) Math.ceil(size / 0.75)));
  }

  /** {@code TreeMap}, with its comparator. */
  static final class SortedMapSerializer extends DefaultSerializers.TreeMapSerializer {
    @Override
    protected void writeHeader(Kryo kryo, Output output, TreeMap map) {
      requireWritable(kryo, map.comparator(), "TreeMap");
      super.writeHeader(kryo, output, map);
    }

    @Override
    protected TreeMap create(Kryo kryo, Input input, Class<? extends TreeMap> type, int size) {
      BoundedInput.of(input).requireCount(size, 2, "a map");
      return super.create(kryo, input, TreeMap.class, size);
    }
  }

  /** {@code TreeSet}, with its comparator. */
  static final class SortedSetSerializer extends DefaultSerializers.TreeSetSerializer {
    @Override
    protected void writeHeader(Kryo kryo, Output output, TreeSet set) {
      requireWritable(kryo, set.comparator(), "TreeSet");
      super.writeHeader(kryo, output, set);
    }

    @Override
    protected TreeSet create(Kryo kryo, Input input, Class<? extends TreeSet> type, int size) {
      BoundedInput.of(input).requireCount(size, 1, "a collection");
      return super.create(kryo, input, TreeSet.class, size);
    }
  }

  /** The collection kinds that are read back through a factory rather than a constructor. */
  enum Kind {
    LIST_OF,
    SET_OF,
    MAP_OF,
    ARRAYS_AS_LIST,
    UNMODIFIABLE_COLLECTION,
    UNMODIFIABLE_LIST,
    UNMODIFIABLE_SET,
    UNMODIFIABLE_SORTED_SET,
    UNMODIFIABLE_NAVIGABLE_SET,
    UNMODIFIABLE_MAP,
    UNMODIFIABLE_SORTED_MAP,
    UNMODIFIABLE_NAVIGABLE_MAP;

    boolean sorted() {
      return this == UNMODIFIABLE_SORTED_SET
          || this == UNMODIFIABLE_NAVIGABLE_SET
          || this == UNMODIFIABLE_SORTED_MAP
          || this == UNMODIFIABLE_NAVIGABLE_MAP;
    }
  }

  /** A list or set kind of {@link Kind}: its elements in order, then the same kind again. */
  static final class View extends CollectionSerializer<Collection<Object>> {
    private final Kind kind;

    View(Kind kind) {
      this.kind = kind;
    }

    @Override
    protected void writeHeader(Kryo kryo, Output output, Collection<Object> collection) {
      if (kind.sorted()) {
        Comparator<?> comparator = ((SortedSet<?>) collection).comparator();
        requireWritable(kryo, comparator, "sorted set");
        kryo.writeClassAndObject(output, comparator);
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Collection<Object> create(
        Kryo kryo, Input input, Class<? extends Collection<Object>> type, int size) {
      BoundedInput.of(input).requireCount(size, 1, "a collection");
      switch (kind) {
        case SET_OF:
        case UNMODIFIABLE_SET:
          return new LinkedHashSet<>(hashCapacity(size));
        case UNMODIFIABLE_SORTED_SET:
        case UNMODIFIABLE_NAVIGABLE_SET:
          return new TreeSet<>((Comparator<Object>) kryo.readClassAndObject(input));
        default:
          return new ArrayList<>(size);
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public Collection<Object> read(
        Kryo kryo, Input input, Class<? extends Collection<Object>> type) {
      Collection<Object> read = super.read(kryo, input, type);
      if (read == null) {
        return null;
      }
      switch (kind) {
        case LIST_OF:
          return List.of(read.toArray());
        case SET_OF:
          return Set.of(read.toArray());
        case ARRAYS_AS_LIST:
          return Arrays.asList(read.toArray());
        case UNMODIFIABLE_COLLECTION:
          return Collections.unmodifiableCollection(read);
        case UNMODIFIABLE_LIST:
          return Collections.unmodifiableList((List<Object>) read);
        case UNMODIFIABLE_SET:
          return Collections.unmodifiableSet((java.util.Set<Object>) read);
        case UNMODIFIABLE_SORTED_SET:
          return Collections.unmodifiableSortedSet((TreeSet<Object>) read);
        case UNMODIFIABLE_NAVIGABLE_SET:
          return Collections.unmodifiableNavigableSet((TreeSet<Object>) read);
        default:
          throw new IllegalStateException(kind.name());
      }
    }
  }

  /** A map kind of {@link Kind}. */
  static final class MapView extends MapSerializer<Map<Object, Object>> {
    private final Kind kind;

    MapView(Kind kind) {
      this.kind = kind;
    }

    @Override
    protected void writeHeader(Kryo kryo, Output output, Map<Object, Object> map) {
      if (kind.sorted()) {
        Comparator<?> comparator = ((SortedMap<?, ?>) map).comparator();
        requireWritable(kryo, comparator, "sorted map");
        kryo.writeClassAndObject(output, comparator);
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Map<Object, Object> create(
        Kryo kryo, Input input, Class<? extends Map<Object, Object>> type, int size) {
      BoundedInput.of(input).requireCount(size, 2, "a map");
      if (kind.sorted()) {
        return new TreeMap<>((Comparator<Object>) kryo.readClassAndObject(input));
      }
      return new LinkedHashMap<>(hashCapacity(size));
    }

    @Override
    public Map<Object, Object> read(
        Kryo kryo, Input input, Class<? extends Map<Object, Object>> type) {
      Map<Object, Object> read = super.read(kryo, input, type);
      if (read == null) {
        return null;
      }
      switch (kind) {
        case MAP_OF:
          return Map.copyOf(read);
        case UNMODIFIABLE_MAP:
          return Collections.unmodifiableMap(read);
        case UNMODIFIABLE_SORTED_MAP:
          return Collections.unmodifiableSortedMap((TreeMap<Object, Object>) read);
        case UNMODIFIABLE_NAVIGABLE_MAP:
          return Collections.unmodifiableNavigableMap((TreeMap<Object, Object>) read);
        default:
          throw new IllegalStateException(kind.name());
      }
    }
  }

  /** A stateless JDK singleton, such as {@code Comparator.reverseOrder()}: nothing is written. */
  static final class Singleton extends ImmutableSerializer<Object> {
    private final Object instance;

    Singleton(Object instance) {
      this.instance = instance;
    }

    @Override
    public void write(Kryo kryo, Output output, Object object) {}

    @Override
    public Object read(Kryo kryo, Input input, Class<?> type) {
      return instance;
    }
  }

  /**
   * An array serializer behind a check of the length it is about to read: Kryo writes an array's
   * length plus one (zero is null) as a variable-length int before its elements.
   */
  static final class CheckedArray<T> extends Serializer<T> {
    private final Serializer<T> delegate;
    private final int elementBytes;

    @SuppressWarnings("unchecked")
    CheckedArray(Serializer<?> delegate, int elementBytes) {
      super(delegate.getAcceptsNull(), delegate.isImmutable());
      this.delegate = (Serializer<T>) delegate;
      this.elementBytes = elementBytes;
    }

    @Override
    public void write(Kryo kryo, Output output, T object) {
      delegate.write(kryo, output, object);
    }

    @Override
    public T read(Kryo kryo, Input input, Class<? extends T> type) {
      int at = input.position();
      long length = input.readVarInt(true) - 1L;
      if (length >= 0) {
        BoundedInput.of(input).requireCount(length, elementBytes, "an array");
      }
      input.setPosition(at);
      return delegate.read(kryo, input, type);
    }
  }
}
