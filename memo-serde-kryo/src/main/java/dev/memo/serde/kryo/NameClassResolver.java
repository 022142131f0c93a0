package dev.memo.serde.kryo;

import com.esotericsoftware.kryo.kryo5.Registration;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.util.DefaultClassResolver;
import com.esotericsoftware.kryo.kryo5.util.IdentityObjectIntMap;
import dev.memo.SerdeException;
import java.util.Arrays;

/**
 * Registers classes by name, never by number: the first time a payload names a class it writes the
 * class's name and shape, and later mentions in the same payload a small per-payload number for it.
 * Two programs that meet classes in a different order therefore read each other's entries; only the
 * few classes Kryo itself registers at fixed numbers (the primitives, their boxes and {@code
 * String}) are written by number, and those numbers are part of the Kryo version the payload's
 * preamble records.
 *
 * <p>Registration is required in Kryo's sense: a class is registered here, on first use, only if
 * {@link KryoRules} allows it, and a name read from a payload is decided on before its class is
 * initialized.
 *
 * <p>Per object, the lookups are short: the registrations of the last two classes asked for are
 * kept (a map of records alternates between a few classes), a class named in the payload being
 * written keeps its number on its registration, marked with the payload it belongs to, and a
 * payload being read finds the registration of a number in an array.
 *
 * <p>Not thread-safe: each pooled Kryo instance owns one.
 */
final class NameClassResolver extends DefaultClassResolver {
  private final KryoRules rules;

  /** False while Kryo's constructor registers its own classes, which it does by number. */
  private boolean open;

  /** The classes last asked for, most recent first, and their registrations. */
  private Class<?> recent0;

  private Registration registration0;
  private Class<?> recent1;
  private Registration registration1;

  /** Counts payloads: a {@link Named} registration's number holds only in the payload it names. */
  private long payload = 1;

  /** The registration of each class number of the payload being read, up to {@code nextNameId}. */
  private Registration[] named = new Registration[16];

  /**
   * A class registered by name, with the number it was given in the payload being written. The
   * number is written again only while {@link #payload} is the one it was given in.
   */
  static final class Named extends Registration {
    long payload;
    int nameId;

    Named(Class<?> type, com.esotericsoftware.kryo.kryo5.Serializer<?> serializer) {
      super(type, serializer, NAME);
    }
  }

  NameClassResolver(KryoRules rules) {
    this.rules = rules;
  }

  KryoRules rules() {
    return rules;
  }

  /** Called once Kryo is constructed: from now on, allowed classes are registered on first use. */
  void open() {
    open = true;
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Registration getRegistration(Class type) {
    if (type == recent0) {
      return registration0;
    }
    if (type == recent1) {
      return registration1;
    }
    Registration registration = super.getRegistration(type);
    if (registration == null && open) {
      if (!type.isEnum() && Enum.class.isAssignableFrom(type) && type != Enum.class) {
        // A constant with a body: Kryo registers it as its enum, which it looks up next.
        return null;
      }
      // The rules decide once per class and Kryo instance: a refused class is not registered, and
      // is refused again the next time it is asked for.
      registration = register(new Named(type, rules.serializerFor(kryo, type)));
    }
    if (registration != null) {
      recent1 = recent0;
      registration1 = registration0;
      recent0 = type;
      registration0 = registration;
    }
    return registration;
  }

  @Override
  public Registration register(Registration registration) {
    // A registration replaced by another must not be answered from the last two.
    recent0 = null;
    registration0 = null;
    recent1 = null;
    registration1 = null;
    return super.register(registration);
  }

  /**
   * Writes, the first time a payload names a class, its name and its {@linkplain KryoRules#shape
   * shape}; after that, its per-payload number.
   */
  @Override
  @SuppressWarnings("rawtypes")
  protected void writeName(Output output, Class type, Registration registration) {
    output.writeByte(NAME + 2);
    if (registration instanceof Named && registration.getType() == type) {
      Named n = (Named) registration;
      if (n.payload == payload) {
        output.writeVarInt(n.nameId, true);
        return;
      }
      n.payload = payload;
      n.nameId = nextNameId++;
      output.writeVarInt(n.nameId, true);
      output.writeString(type.getName());
      output.writeInt(rules.shape(type));
      return;
    }
    // A class written under another's registration (an enum constant with a body): by the map.
    if (classToNameId == null) {
      classToNameId = new IdentityObjectIntMap<>();
    }
    int nameId = classToNameId.get(type, -1);
    if (nameId != -1) {
      output.writeVarInt(nameId, true);
      return;
    }
    nameId = nextNameId++;
    classToNameId.put(type, nameId);
    output.writeVarInt(nameId, true);
    output.writeString(type.getName());
    output.writeInt(rules.shape(type));
  }

  @Override
  @SuppressWarnings("rawtypes")
  protected Registration readName(Input input) {
    int nameId = input.readVarInt(true);
    if (nameId >= 0 && nameId < nextNameId) {
      return named[nameId];
    }
    if (nameId != nextNameId) {
      throw new SerdeException(
          "payload refers to class number " + nameId + " before naming it;" + " it is corrupt");
    }
    Class type = rules.resolve(input.readString());
    int shape = input.readInt();
    if (shape != rules.shape(type)) {
      throw new SerdeException(
          "payload names class "
              + type.getName()
              + ", whose components"
              + " or fields have changed since the value was written; the entry is stale and must be"
              + " recomputed");
    }
    Registration registration = kryo.getRegistration(type);
    if (nameId == named.length) {
      // Grows with the names the payload holds, each of which takes bytes of it.
      named = Arrays.copyOf(named, 2 * named.length);
    }
    named[nameId] = registration;
    nextNameId++;
    return registration;
  }

  /**
   * Forgets the per-payload class numbers after every payload, written or read. Kryo's own resolver
   * keeps them while registration is required, which would make a payload readable only by the
   * instance that wrote the one before it.
   */
  @Override
  public void reset() {
    if (classToNameId != null) {
      classToNameId.clear(2048);
    }
    Arrays.fill(named, 0, Math.min(nextNameId, named.length), null);
    nextNameId = 0;
    payload++;
  }
}
