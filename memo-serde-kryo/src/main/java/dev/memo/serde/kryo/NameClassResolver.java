package dev.memo.serde.kryo;

import com.esotericsoftware.kryo.kryo5.Registration;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.util.DefaultClassResolver;
import com.esotericsoftware.kryo.kryo5.util.IdentityObjectIntMap;
import com.esotericsoftware.kryo.kryo5.util.IntMap;
import dev.memo.SerdeException;

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
 * <p>Not thread-safe: each pooled Kryo instance owns one.
 */
final class NameClassResolver extends DefaultClassResolver {
  private final KryoRules rules;

  /** False while Kryo's constructor registers its own classes, which it does by number. */
  private boolean open;

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
    Registration registration = super.getRegistration(type);
    if (registration != null || !open) {
      return registration;
    }
    if (!type.isEnum() && Enum.class.isAssignableFrom(type) && type != Enum.class) {
      // A constant with a body: Kryo registers it as its enum, which it looks up next.
      return null;
    }
    return register(new Registration(type, rules.serializerFor(kryo, type), NAME));
  }

  /**
   * Writes, the first time a payload names a class, its name and its {@linkplain KryoRules#shape
   * shape}; after that, its per-payload number.
   */
  @Override
  @SuppressWarnings("rawtypes")
  protected void writeName(Output output, Class type, Registration registration) {
    output.writeByte(NAME + 2);
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
    if (nameIdToClass == null) {
      nameIdToClass = new IntMap<>();
    }
    Class type = nameIdToClass.get(nameId);
    if (type == null) {
      if (nameId != nextNameId) {
        throw new SerdeException(
            "payload refers to class number " + nameId + " before naming it;" + " it is corrupt");
      }
      nextNameId++;
      type = rules.resolve(input.readString());
      int shape = input.readInt();
      if (shape != rules.shape(type)) {
        throw new SerdeException(
            "payload names class "
                + type.getName()
                + ", whose components"
                + " or fields have changed since the value was written; the entry is stale and must be"
                + " recomputed");
      }
      nameIdToClass.put(nameId, type);
    }
    return kryo.getRegistration(type);
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
    if (nameIdToClass != null) {
      nameIdToClass.clear();
    }
    nextNameId = 0;
  }
}
