package dev.memo.core.fakes;

import dev.memo.MemoConfig;
import dev.memo.spi.Store;
import dev.memo.spi.StoreProvider;

/** Store providers registered by the selection fixtures under src/test/resources/selection. */
public final class FakeStoreProviders {
  private FakeStoreProviders() {}

  /** Records the config its last store was created with. */
  public static volatile MemoConfig lastConfig;

  public static class Alpha implements StoreProvider {
    @Override
    public String name() {
      return "alpha";
    }

    @Override
    public int priority() {
      return 5;
    }

    @Override
    public Store create(MemoConfig config) {
      lastConfig = config;
      return new MapStore(name());
    }
  }

  public static final class AlphaTwin extends Alpha {}

  public static final class Beta extends Alpha {
    @Override
    public String name() {
      return "beta";
    }
  }

  public static final class Low extends Alpha {
    @Override
    public String name() {
      return "low";
    }

    @Override
    public int priority() {
      return -5;
    }
  }

  public static final class BadName extends Alpha {
    @Override
    public String name() {
      return "Bad_Name";
    }
  }

  public static final class Broken extends Alpha {
    public Broken() {
      throw new IllegalStateException("cannot start: license file missing");
    }
  }

  public static final class FailingCreate extends Alpha {
    @Override
    public String name() {
      return "failing";
    }

    @Override
    public Store create(MemoConfig config) {
      throw new IllegalStateException("port 9999 is taken");
    }
  }
}
