package dev.memo.core.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.Signature;
import dev.memo.SignatureException;
import dev.memo.SignatureSink;
import dev.memo.core.signer.Sha256SignerProvider;
import dev.memo.core.signer.Xxh3SignerProvider;
import dev.memo.spi.Signer;
import dev.memo.spi.TypeSigner;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class TypeSignersTest {
  private static final String CLASS = TypeSignersTest.class.getName();

  static Stream<Signer> signers() {
    return Stream.of(
        new Sha256SignerProvider().create(MemoConfig.empty()),
        new Xxh3SignerProvider().create(MemoConfig.empty()));
  }

  // ---------------------------------------------------------------- test types

  interface Priced {
    long cents();
  }

  interface Labelled {}

  interface Tagged extends Labelled {}

  static class Base implements Priced {
    final long cents;

    Base(long cents) {
      this.cents = cents;
    }

    @Override
    public long cents() {
      return cents;
    }
  }

  static class Derived extends Base {
    Derived(long cents) {
      super(cents);
    }
  }

  /** Implements Tagged (whose superinterface is Labelled) and, second, Priced. */
  static final class Both implements Tagged, Priced {
    @Override
    public long cents() {
      return 1;
    }
  }

  record Money(long cents, Object cache) {}

  /** Writes a fixed label then the cents, so tests can tell which signer ran. */
  static class LabelSigner<T extends Priced> implements TypeSigner<T> {
    private final Class<T> type;
    private final String label;

    LabelSigner(Class<T> type, String label) {
      this.type = type;
      this.label = label;
    }

    @Override
    public Class<T> type() {
      return type;
    }

    @Override
    public void sign(T value, SignatureSink sink) {
      sink.putString(label).putLong(value.cents());
    }
  }

  static final class LabelledSigner implements TypeSigner<Labelled> {
    @Override
    public Class<Labelled> type() {
      return Labelled.class;
    }

    @Override
    public void sign(Labelled value, SignatureSink sink) {
      sink.putString("labelled");
    }
  }

  static final class MoneySigner implements TypeSigner<Money> {
    @Override
    public Class<Money> type() {
      return Money.class;
    }

    @Override
    public void sign(Money value, SignatureSink sink) {
      sink.putLong(value.cents()); // the cache does not change a result
    }
  }

  static final class OtherMoneySigner implements TypeSigner<Money> {
    @Override
    public Class<Money> type() {
      return Money.class;
    }

    @Override
    public void sign(Money value, SignatureSink sink) {
      sink.putLong(value.cents());
    }
  }

  static final class OtherTicketSigner implements TypeSigner<ServiceLoadedTypeSigner.Ticket> {
    @Override
    public Class<ServiceLoadedTypeSigner.Ticket> type() {
      return ServiceLoadedTypeSigner.Ticket.class;
    }

    @Override
    public void sign(ServiceLoadedTypeSigner.Ticket value, SignatureSink sink) {}
  }

  static final class IterableSigner implements TypeSigner<Iterable<?>> {
    @Override
    @SuppressWarnings("unchecked")
    public Class<Iterable<?>> type() {
      return (Class<Iterable<?>>) (Class<?>) Iterable.class;
    }

    @Override
    public void sign(Iterable<?> value, SignatureSink sink) {
      sink.putString("every iterable looks alike");
    }
  }

  static final class NullTypeSigner implements TypeSigner<Object> {
    @Override
    public Class<Object> type() {
      return null;
    }

    @Override
    public void sign(Object value, SignatureSink sink) {}
  }

  private static final LabelSigner<Priced> PRICED = new LabelSigner<>(Priced.class, "priced");
  private static final LabelSigner<Base> BASE = new LabelSigner<>(Base.class, "base");
  private static final LabelSigner<Derived> DERIVED = new LabelSigner<>(Derived.class, "derived");

  private static Signature sign(Signer signer, TypeSigners typeSigners, Object value) {
    CanonicalEncoder encoder = new CanonicalEncoder(signer, typeSigners);
    encoder.putRoot(value, "argument 0 of \"f\"", null);
    return encoder.finish();
  }

  // ---------------------------------------------------------------- resolution

  @Test
  void find_classWithItsOwnSigner_getsIt() {
    TypeSigners all = TypeSigners.of(List.of(PRICED, BASE, DERIVED));
    assertSame(DERIVED, all.find(Derived.class));
    assertSame(BASE, all.find(Base.class));
  }

  @Test
  void find_classWithoutItsOwnSigner_getsNearestSuperclassBeforeAnyInterface() {
    assertSame(BASE, TypeSigners.of(List.of(PRICED, BASE)).find(Derived.class));
    assertSame(PRICED, TypeSigners.of(List.of(PRICED)).find(Derived.class));
  }

  @Test
  void find_interfaces_searchedBreadthFirst() {
    LabelledSigner labelled = new LabelledSigner();
    // Priced is a direct interface of Both; Labelled only a superinterface of Tagged.
    assertSame(PRICED, TypeSigners.of(List.of(labelled, PRICED)).find(Both.class));
    assertSame(labelled, TypeSigners.of(List.of(labelled)).find(Both.class));
  }

  @Test
  void find_unrelatedClassOrEmptyRegistry_givesNull() {
    assertNull(TypeSigners.of(List.of(PRICED)).find(String.class));
    assertNull(TypeSigners.none().find(Derived.class));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_mostSpecificSignerWins(Signer signer) {
    Signature derived =
        sign(signer, TypeSigners.of(List.of(PRICED, BASE, DERIVED)), new Derived(5));
    Signature base = sign(signer, TypeSigners.of(List.of(PRICED, BASE)), new Derived(5));
    Signature priced = sign(signer, TypeSigners.of(List.of(PRICED)), new Derived(5));
    assertNotEquals(derived, base);
    assertNotEquals(base, priced);
    assertNotEquals(derived, priced);
    assertEquals(base, sign(signer, TypeSigners.of(List.of(BASE, PRICED)), new Derived(5)));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_typeSignerOfRecord_replacesComponentEncoding(Signer signer) {
    TypeSigners money = TypeSigners.of(List.of(new MoneySigner()));
    assertEquals(
        sign(signer, money, new Money(100, new Object())),
        sign(signer, money, new Money(100, new StringBuilder())));
    assertNotEquals(
        sign(signer, money, new Money(100, "a")), sign(signer, money, new Money(101, "a")));
    assertNotEquals(
        sign(signer, money, new Money(100, "a")),
        sign(signer, TypeSigners.none(), new Money(100, "a")));
  }

  @ParameterizedTest
  @MethodSource("signers")
  void sign_typeSignerOfBroadInterface_leavesListsAlone(Signer signer) {
    TypeSigners iterable = TypeSigners.of(List.of(new IterableSigner()));
    assertEquals(
        sign(signer, TypeSigners.none(), List.of(1, 2)), sign(signer, iterable, List.of(1, 2)));
    assertNotEquals(sign(signer, iterable, List.of(1)), sign(signer, iterable, List.of(2)));
  }

  @Test
  void sign_withoutTypeSigner_isRefused() {
    SignatureException e =
        assertThrows(
            SignatureException.class,
            () -> sign(new RecordingSigner(), TypeSigners.none(), new Derived(5)));
    assertEquals(
        "cannot sign argument 0 of \"f\": the value has type "
            + CLASS
            + "$Derived, which memo"
            + " cannot sign; make it a record or implement dev.memo.Signable, or register a"
            + " dev.memo.spi.TypeSigner for it",
        e.getMessage());
  }

  // ---------------------------------------------------------------- registration

  @Test
  void of_twoSignersForOneType_isRefusedNamingBoth() {
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class,
            () -> TypeSigners.of(List.of(new MoneySigner(), new OtherMoneySigner())));
    assertEquals(
        "two type signers sign "
            + CLASS
            + "$Money: "
            + CLASS
            + "$MoneySigner (given to the"
            + " builder) and "
            + CLASS
            + "$OtherMoneySigner (given to the builder); remove one of"
            + " them",
        e.getMessage());
  }

  @Test
  void load_findsTypeSignersThroughServiceLoader() {
    TypeSigners loaded = TypeSigners.load(List.of(PRICED), TypeSignersTest.class.getClassLoader());
    assertInstanceOf(
        ServiceLoadedTypeSigner.class, loaded.find(ServiceLoadedTypeSigner.Ticket.class));
    assertSame(PRICED, loaded.find(Base.class));
  }

  @Test
  void load_builderSignerForTypeOfServiceLoadedOne_isRefusedNamingBoth() {
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class,
            () ->
                TypeSigners.load(
                    List.of(new OtherTicketSigner()), TypeSignersTest.class.getClassLoader()));
    assertEquals(
        "two type signers sign dev.memo.core.sign.ServiceLoadedTypeSigner$Ticket: "
            + CLASS
            + "$OtherTicketSigner (given to the builder) and"
            + " dev.memo.core.sign.ServiceLoadedTypeSigner (found by ServiceLoader); remove"
            + " one of them",
        e.getMessage());
  }

  @Test
  void of_signerWithNullType_isRefused() {
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class, () -> TypeSigners.of(List.of(new NullTypeSigner())));
    assertEquals(
        "type signer "
            + CLASS
            + "$NullTypeSigner (given to the builder) returns null from"
            + " type(); return the class it signs",
        e.getMessage());
  }
}
