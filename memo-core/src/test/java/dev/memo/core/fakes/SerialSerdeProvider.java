package dev.memo.core.fakes;

import dev.memo.MemoConfig;
import dev.memo.SerdeException;
import dev.memo.spi.Serde;
import dev.memo.spi.SerdeProvider;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamException;
import java.io.OutputStream;

/** Plain Java serialization for memo-core's own tests, which cannot depend on memo-serde-java. */
public final class SerialSerdeProvider implements SerdeProvider {
  @Override
  public String name() {
    return "test-serial";
  }

  @Override
  public Serde create(MemoConfig config) {
    return new SerialSerde(name());
  }

  /** The serde; its name can be changed to test entries written by another serde. */
  public static final class SerialSerde implements Serde {
    private final String name;

    public SerialSerde(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void write(Object value, OutputStream out) throws IOException {
      ObjectOutputStream o =
          new ObjectOutputStream(
              new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                  out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                  flush();
                }
              });
      try {
        o.writeObject(value);
        o.flush();
      } catch (NotSerializableException e) {
        throw new SerdeException("cannot serialize " + e.getMessage(), e);
      }
    }

    @Override
    public Object read(InputStream in) throws IOException {
      try {
        return new ObjectInputStream(
                new FilterInputStream(in) {
                  @Override
                  public void close() {}
                })
            .readObject();
      } catch (ClassNotFoundException | ObjectStreamException | ClassCastException e) {
        throw new SerdeException("cannot read: " + e, e);
      }
    }
  }
}
