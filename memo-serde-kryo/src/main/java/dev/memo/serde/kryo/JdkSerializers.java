package dev.memo.serde.kryo;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Registration;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.kryo5.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.kryo5.serializers.EnumNameSerializer;
import com.esotericsoftware.kryo.kryo5.serializers.FieldSerializer;
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
import org.jspecify.annotations.Nullable;

/**
 * The serializers of the JDK collections {@link KryoRules} allows. Each declared size is checked
 * against the bytes that remain ({@link BoundedInput#requireCount}) before anything is allocated
 * for it; each kind is read back as the same kind (a {@code List.of} list as an unmodifiable {@code
 * List.of} list, an unmodifiable view as an unmodifiable view, a {@code TreeMap} with its
 * comparator); a sorted collection whose comparator cannot be written is refused with the reason.
 * The elements of a collection, and the keys and the values of a map, that all share one class are
 * written after that class, once ({@link Elements}, {@link Entries}), rather than each behind it.
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
   * The layout byte of a non-empty collection: each element behind its class, as Kryo writes it.
   */
  static final int EACH_CLASS = 0;

  /** The layout byte of a non-empty collection: one class, then every element without it. */
  static final int ONE_CLASS = 1;

  /** Of a map's layout byte: one class, then every key without it. */
  static final int ONE_KEY_CLASS = 1;

  /** Of a map's layout byte: one class, then every value without it. */
  static final int ONE_VALUE_CLASS = 2;

  /**
   * Returns the serializer the values of {@code type} are written with when they share that class,
   * or null if they are written each behind its class: when the class is not allowed (refused by
   * the registration, with the reason), or when its serializer may write a value in no bytes.
   * Behind its class a value takes a byte at least, so the elements a payload declares are always
   * bounded by the bytes it holds ({@link BoundedInput#requireCount}); a class whose values may
   * take none (a record without components, a stateless comparator) would let a few bytes declare
   * any number of them.
   */
  static @Nullable Serializer<?> sharedSerializer(Kryo kryo, Class<?> type) {
    Serializer<?> serializer = kryo.getRegistration(type).getSerializer();
    return takesBytes(serializer) ? serializer : null;
  }

  /**
   * Whether every value {@code serializer} writes takes one byte at least. Only serializers known
   * to do so answer true: the strings and boxed primitives, enums (by name), records with a
   * component and classes written field by field with a field (each takes a byte at least), and
   * this module's arrays, collections and maps (their size first).
   */
  static boolean takesBytes(Serializer<?> serializer) {
    if (serializer instanceof RecordFields) {
      return ((RecordFields<?>) serializer).components() > 0;
    }
    if (serializer instanceof FieldSerializer) {
      // Each field takes a byte at least: a primitive's value, or an object's class or null mark.
      return ((FieldSerializer<?>) serializer).getFields().length > 0;
    }
    return serializer instanceof Elements
        || serializer instanceof Entries
        || serializer instanceof CheckedArray
        || serializer instanceof EnumNameSerializer
        || serializer instanceof DefaultSerializers.StringSerializer
        || serializer instanceof DefaultSerializers.IntSerializer
        || serializer instanceof DefaultSerializers.LongSerializer
        || serializer instanceof DefaultSerializers.DoubleSerializer
        || serializer instanceof DefaultSerializers.FloatSerializer
        || serializer instanceof DefaultSerializers.BooleanSerializer
        || serializer instanceof DefaultSerializers.ByteSerializer
        || serializer instanceof DefaultSerializers.CharSerializer
        || serializer instanceof DefaultSerializers.ShortSerializer
        || serializer instanceof DefaultSerializers.BigIntegerSerializer
        || serializer instanceof DefaultSerializers.BigDecimalSerializer
        || serializer instanceof DefaultSerializers.UUIDSerializer;
  }

  /**
   * Whether values of a shared class are Strings that Kryo's own serializer writes, at a depth Kryo
   * would allow: then {@code writeObject} would only check the depth and call {@code
   * Output.writeString}, and {@code readObject} {@code Input.readString}, which the caller may call
   * itself (the same bytes, the same checks of a read: {@link BoundedInput#readString}).
   */
  static boolean plainStrings(Kryo kryo, @Nullable Serializer<?> shared) {
    return shared != null
        && shared.getClass() == DefaultSerializers.StringSerializer.class
        && kryo.getDepth() < rules(kryo).maxDepth();
  }

  /**
   * Returns the shared serializer if it writes records whose components are all primitives or
   * Strings ({@link RecordFields#flat}) at a depth at which Kryo would allow the record and its
   * components, or null: then {@code writeObject} and {@code readObject} would only check the depth
   * and call the serializer, which the caller may call itself (the same bytes; a record of a
   * component at least takes a byte), and the record's components check no depth that the skipped
   * step would have raised past Kryo's limit.
   */
  @SuppressWarnings("rawtypes")
  static @Nullable RecordFields flatRecords(Kryo kryo, @Nullable Serializer<?> shared) {
    return shared instanceof RecordFields
            && ((RecordFields<?>) shared).flat()
            && kryo.getDepth() + 1 < rules(kryo).maxDepth()
        ? (RecordFields) shared
        : null;
  }

  /**
   * Reads the class a collection's elements, or a map's keys or values, share, and returns its
   * registration; refuses a class this serde never writes so (its allow rule is applied by the
   * class resolver, before the class is initialized).
   *
   * @throws SerdeException if the payload gives no class, or one whose values may take no bytes
   */
  @SuppressWarnings("rawtypes")
  static Registration readShared(Kryo kryo, Input input, String what) {
    Registration registration = kryo.readClass(input);
    if (registration == null) {
      throw new SerdeException(
          "payload gives "
              + what
              + " the class null, which this serde never writes; it is corrupt");
    }
    if (!takesBytes(registration.getSerializer())) {
      throw new SerdeException(
          "payload gives "
              + what
              + " the one class "
              + registration.getType().getName()
              + ", whose values may take no bytes, which this serde never writes; it is corrupt");
    }
    return registration;
  }

  /** Reads one value of a shared class, which must take one byte of the payload at least. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static Object readOne(Kryo kryo, Input input, Registration shared, String what) {
    int at = input.position();
    Object value = kryo.readObject(input, shared.getType(), shared.getSerializer());
    if (input.position() == at) {
      throw new SerdeException("payload gives " + what + " a value of no bytes; it is corrupt");
    }
    return value;
  }

  /**
   * A collection as its size plus one (zero: null), the kind's header, then, when it has elements,
   * a layout byte: {@link #ONE_CLASS} when every element is of one class whose values take bytes
   * ({@link #sharedSerializer}), which follows once, and then the elements without it; {@link
   * #EACH_CLASS} otherwise (a null element, or elements of several classes), and then each element
   * behind its class.
   *
   * @param <T> the collection type
   */
  abstract static class Elements<T extends Collection> extends CollectionSerializer<T> {
    @Override
    @SuppressWarnings("unchecked")
    public void write(Kryo kryo, Output output, T collection) {
      if (collection == null) {
        output.writeByte(0);
        return;
      }
      int size = collection.size();
      output.writeVarInt(size + 1, true);
      writeHeader(kryo, output, collection);
      if (size == 0) {
        return;
      }
      Class<?> type = null;
      for (Object element : collection) {
        if (element == null) {
          type = null;
          break;
        }
        if (type == null) {
          type = element.getClass();
        } else if (element.getClass() != type) {
          type = null;
          break;
        }
      }
      Serializer shared = type == null ? null : sharedSerializer(kryo, type);
      if (shared == null) {
        output.writeByte(EACH_CLASS);
        for (Object element : collection) {
          kryo.writeClassAndObject(output, element);
        }
        return;
      }
      output.writeByte(ONE_CLASS);
      kryo.writeClass(output, type);
      if (plainStrings(kryo, shared)) {
        for (Object element : collection) {
          output.writeString((String) element);
        }
        return;
      }
      RecordFields flat = flatRecords(kryo, shared);
      if (flat != null) {
        for (Object element : collection) {
          flat.write(kryo, output, element);
        }
        return;
      }
      for (Object element : collection) {
        kryo.writeObject(output, element, shared);
      }
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public T read(Kryo kryo, Input input, Class<? extends T> type) {
      int length = input.readVarInt(true);
      if (length == 0) {
        return null;
      }
      length--;
      T collection = create(kryo, input, type, length); // checks the length against the bytes
      if (length == 0) {
        return collection;
      }
      int layout = input.readByte();
      if (layout == ONE_CLASS) {
        Registration shared = readShared(kryo, input, "a collection's elements");
        RecordFields flat = flatRecords(kryo, shared.getSerializer());
        if (plainStrings(kryo, shared.getSerializer())) {
          for (int i = 0; i < length; i++) {
            collection.add(input.readString());
          }
        } else if (flat != null) {
          for (int i = 0; i < length; i++) {
            collection.add(flat.read(kryo, input, shared.getType()));
          }
        } else {
          for (int i = 0; i < length; i++) {
            collection.add(readOne(kryo, input, shared, "a collection's element"));
          }
        }
      } else if (layout == EACH_CLASS) {
        for (int i = 0; i < length; i++) {
          collection.add(kryo.readClassAndObject(input));
        }
      } else {
        throw new SerdeException(
            "payload gives a collection the layout "
                + layout
                + ", which this serde does not write; it is corrupt");
      }
      return collection;
    }
  }

  /**
   * A map as its size plus one (zero: null), the kind's header, then, when it has entries, a layout
   * byte of two bits: {@link #ONE_KEY_CLASS} when every key is of one class whose values take bytes
   * ({@link #sharedSerializer}), which follows once, {@link #ONE_VALUE_CLASS} likewise for the
   * values; then each entry's key and value, each behind its class unless its class was shared.
   *
   * @param <T> the map type
   */
  abstract static class Entries<T extends Map> extends MapSerializer<T> {
    @Override
    @SuppressWarnings("unchecked")
    public void write(Kryo kryo, Output output, T map) {
      if (map == null) {
        output.writeByte(0);
        return;
      }
      int size = map.size();
      output.writeVarInt(size + 1, true);
      writeHeader(kryo, output, map);
      if (size == 0) {
        return;
      }
      Class<?> keyType = null;
      Class<?> valueType = null;
      boolean keys = true;
      boolean values = true;
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) map).entrySet()) {
        Object key = entry.getKey();
        Object value = entry.getValue();
        if (keys) {
          if (key == null || (keyType != null && key.getClass() != keyType)) {
            keys = false;
          } else {
            keyType = key.getClass();
          }
        }
        if (values) {
          if (value == null || (valueType != null && value.getClass() != valueType)) {
            values = false;
          } else {
            valueType = value.getClass();
          }
        }
        if (!keys && !values) {
          break;
        }
      }
      Serializer keyShared = keys ? sharedSerializer(kryo, keyType) : null;
      Serializer valueShared = values ? sharedSerializer(kryo, valueType) : null;
      output.writeByte(
          (keyShared == null ? 0 : ONE_KEY_CLASS) | (valueShared == null ? 0 : ONE_VALUE_CLASS));
      if (keyShared != null) {
        kryo.writeClass(output, keyType);
      }
      if (valueShared != null) {
        kryo.writeClass(output, valueType);
      }
      boolean stringKeys = plainStrings(kryo, keyShared);
      RecordFields flatValues = flatRecords(kryo, valueShared);
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) map).entrySet()) {
        if (stringKeys) {
          output.writeString((String) entry.getKey());
        } else if (keyShared == null) {
          kryo.writeClassAndObject(output, entry.getKey());
        } else {
          kryo.writeObject(output, entry.getKey(), keyShared);
        }
        if (flatValues != null) {
          flatValues.write(kryo, output, entry.getValue());
        } else if (valueShared == null) {
          kryo.writeClassAndObject(output, entry.getValue());
        } else {
          kryo.writeObject(output, entry.getValue(), valueShared);
        }
      }
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public T read(Kryo kryo, Input input, Class<? extends T> type) {
      int length = input.readVarInt(true);
      if (length == 0) {
        return null;
      }
      length--;
      T map = create(kryo, input, type, length); // checks the length against the bytes
      if (length == 0) {
        return map;
      }
      int layout = input.readByte();
      if ((layout & ~(ONE_KEY_CLASS | ONE_VALUE_CLASS)) != 0) {
        throw new SerdeException(
            "payload gives a map the layout "
                + layout
                + ", which this serde does not write; it is corrupt");
      }
      Registration keys =
          (layout & ONE_KEY_CLASS) == 0 ? null : readShared(kryo, input, "a map's keys");
      Registration values =
          (layout & ONE_VALUE_CLASS) == 0 ? null : readShared(kryo, input, "a map's values");
      boolean stringKeys = keys != null && plainStrings(kryo, keys.getSerializer());
      RecordFields flatValues = values == null ? null : flatRecords(kryo, values.getSerializer());
      for (int i = 0; i < length; i++) {
        Object key;
        if (stringKeys) {
          key = input.readString();
        } else {
          key =
              keys == null
                  ? kryo.readClassAndObject(input)
                  : readOne(kryo, input, keys, "a map's key");
        }
        Object value =
            flatValues != null
                ? flatValues.read(kryo, input, values.getType())
                : values == null
                    ? kryo.readClassAndObject(input)
                    : readOne(kryo, input, values, "a map's value");
        map.put(key, value);
      }
      return map;
    }
  }

  /**
   * {@code ArrayList}, {@code LinkedList}, {@code ArrayDeque}, {@code HashSet}, {@code
   * LinkedHashSet}.
   */
  static final class CheckedCollection extends Elements<Collection<Object>> {
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
  static final class CheckedMap extends Entries<Map<Object, Object>> {
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
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class SortedMapSerializer extends Entries<TreeMap> {
    @Override
    protected void writeHeader(Kryo kryo, Output output, TreeMap map) {
      requireWritable(kryo, map.comparator(), "TreeMap");
      kryo.writeClassAndObject(output, map.comparator());
    }

    @Override
    protected TreeMap create(Kryo kryo, Input input, Class<? extends TreeMap> type, int size) {
      BoundedInput.of(input).requireCount(size, 2, "a map");
      return new TreeMap((Comparator) kryo.readClassAndObject(input));
    }
  }

  /** {@code TreeSet}, with its comparator. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class SortedSetSerializer extends Elements<TreeSet> {
    @Override
    protected void writeHeader(Kryo kryo, Output output, TreeSet set) {
      requireWritable(kryo, set.comparator(), "TreeSet");
      kryo.writeClassAndObject(output, set.comparator());
    }

    @Override
    protected TreeSet create(Kryo kryo, Input input, Class<? extends TreeSet> type, int size) {
      BoundedInput.of(input).requireCount(size, 1, "a collection");
      return new TreeSet((Comparator) kryo.readClassAndObject(input));
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
  static final class View extends Elements<Collection<Object>> {
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
  static final class MapView extends Entries<Map<Object, Object>> {
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
