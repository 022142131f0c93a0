package dev.memo.testkit;

import dev.memo.SerdeException;
import dev.memo.spi.Serde;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** Strings as UTF-8: the serde the store contract memoizes with, so it needs no serde module. */
final class Utf8Serde implements Serde {
  @Override
  public String name() {
    return "testkit-utf8";
  }

  @Override
  public void write(@Nullable Object value, OutputStream out) throws IOException {
    if (!(value instanceof String)) {
      throw new SerdeException("testkit-utf8 writes strings only, not " + value);
    }
    out.write(((String) value).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public @Nullable Object read(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }
}
