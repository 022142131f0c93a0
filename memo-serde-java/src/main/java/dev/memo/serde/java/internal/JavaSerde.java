package dev.memo.serde.java.internal;

import dev.memo.serde.java.AllowListFilter;
import dev.memo.serde.java.JavaSerialization;
import dev.memo.spi.Serde;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/** Plain Java serialization, read through an {@link AllowListFilter}. Thread-safe. */
final class JavaSerde implements Serde {
  static final String NAME = "java";

  private final AllowListFilter filter;

  JavaSerde(AllowListFilter filter) {
    this.filter = filter;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void write(@Nullable Object value, OutputStream out) throws IOException {
    JavaSerialization.write(value, out, filter);
  }

  @Override
  public @Nullable Object read(InputStream in) throws IOException {
    return JavaSerialization.read(in, filter);
  }

  @Override
  public String toString() {
    return "JavaSerde{" + filter + "}";
  }
}
