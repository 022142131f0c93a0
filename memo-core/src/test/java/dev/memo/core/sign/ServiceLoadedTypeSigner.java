package dev.memo.core.sign;

import dev.memo.SignatureSink;
import dev.memo.spi.TypeSigner;

/**
 * Registered in this module's test resources under META-INF/services/dev.memo.spi.TypeSigner, to
 * prove that {@link TypeSigners#load} finds type signers through ServiceLoader.
 */
public final class ServiceLoadedTypeSigner implements TypeSigner<ServiceLoadedTypeSigner.Ticket> {
  /** A type only this signer knows. */
  public static final class Ticket {
    final String code;

    public Ticket(String code) {
      this.code = code;
    }
  }

  @Override
  public Class<Ticket> type() {
    return Ticket.class;
  }

  @Override
  public void sign(Ticket value, SignatureSink sink) {
    sink.putString(value.code);
  }
}
