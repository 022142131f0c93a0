package dev.memo.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.core.fakes.FakeStoreProviders;
import dev.memo.core.fakes.Fixtures;
import dev.memo.spi.Store;
import dev.memo.spi.StoreProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderSelectorTest {

  private static ProviderSelector<StoreProvider, Store> stores(String fixture) {
    return ProviderSelector.load(StoreProvider.class, "store", Fixtures.selection(fixture));
  }

  @Test
  void select_nothingChosen_takesHighestPriority() {
    assertEquals("alpha", stores("single").select(null, MemoConfig.empty()).name());
  }

  @Test
  void select_nameFromConfig_winsOverPriority() {
    var config = MemoConfig.of(Map.of("memo.store", "low"));
    assertEquals("low", stores("single").select(null, config).name());
  }

  @Test
  void select_nameFromBuilder_winsOverConfig() {
    var config = MemoConfig.of(Map.of("memo.store", "low"));
    assertEquals("alpha", stores("single").select("alpha", config).name());
  }

  @Test
  void select_tieAtTop_isAnErrorListingCandidates() {
    var e =
        assertThrows(
            MemoConfigurationException.class, () -> stores("tie").select(null, MemoConfig.empty()));
    assertEquals(
        "no memo.store is set and store providers \"alpha\", \"beta\" share the highest priority 5;"
            + " choose one, for example memo.store=alpha",
        e.getMessage());
  }

  @Test
  void select_tieAtTopButNameGiven_isFine() {
    assertEquals("beta", stores("tie").select("beta", MemoConfig.empty()).name());
  }

  @Test
  void load_duplicateName_isAnErrorNamingBothClasses() {
    var e = assertThrows(MemoConfigurationException.class, () -> stores("duplicate"));
    assertEquals(
        "two store providers are named \"alpha\": dev.memo.core.fakes.FakeStoreProviders$Alpha and"
            + " dev.memo.core.fakes.FakeStoreProviders$AlphaTwin; remove one of them from the class"
            + " path",
        e.getMessage());
  }

  @Test
  void select_unknownKnownName_namesTheModuleToAdd() {
    var config = MemoConfig.of(Map.of("memo.store", "chronicle"));
    var e =
        assertThrows(MemoConfigurationException.class, () -> stores("single").select(null, config));
    assertEquals(
        "memo.store is \"chronicle\" but no store provider named \"chronicle\" is on the class path;"
            + " add dev.memo:memo-store-chronicle (available: alpha, low)",
        e.getMessage());
  }

  @Test
  void select_unknownForeignName_saysToAddItsModule() {
    var e =
        assertThrows(
            MemoConfigurationException.class,
            () -> stores("single").select("redis", MemoConfig.empty()));
    assertEquals(
        "memo.store is \"redis\" (from the builder) but no store provider named \"redis\" is on the"
            + " class path; add dev.memo:memo-store-redis (available: alpha, low)",
        e.getMessage());
  }

  @Test
  void select_noProviders_namesTheModuleToAdd() {
    var e =
        assertThrows(
            MemoConfigurationException.class,
            () -> stores("empty").select(null, MemoConfig.empty()));
    assertEquals(
        "no store provider is on the class path; add dev.memo:memo-core or another module that"
            + " provides one",
        e.getMessage());
    var serdes =
        ProviderSelector.load(
            dev.memo.spi.SerdeProvider.class, "serde", Fixtures.selection("empty"));
    var e2 =
        assertThrows(
            MemoConfigurationException.class, () -> serdes.select(null, MemoConfig.empty()));
    assertEquals(
        "no serde provider is on the class path; add dev.memo:memo-serde-java or another module"
            + " that provides one",
        e2.getMessage());
  }

  @Test
  void load_providerThatFailsToLoad_isAnErrorNamingItAndTheFix() {
    var e = assertThrows(MemoConfigurationException.class, () -> stores("broken"));
    assertEquals(
        "a store provider failed to load: dev.memo.spi.StoreProvider: Provider"
            + " dev.memo.core.fakes.FakeStoreProviders$Broken could not be instantiated:"
            + " java.lang.IllegalStateException: cannot start: license file missing; fix it or"
            + " remove its entry from META-INF/services/dev.memo.spi.StoreProvider (or its provides"
            + " clause in module-info)",
        e.getMessage());
  }

  @Test
  void load_invalidName_isAnError() {
    var e = assertThrows(MemoConfigurationException.class, () -> stores("badname"));
    assertEquals(
        "store provider dev.memo.core.fakes.FakeStoreProviders$BadName has the invalid name"
            + " \"Bad_Name\"; names are lower-case letters and digits separated by single dashes",
        e.getMessage());
  }

  @Test
  void create_providerThatThrows_isAnErrorNamingIt() {
    var s = stores("failing");
    var p = s.select("failing", MemoConfig.empty());
    var e = assertThrows(MemoConfigurationException.class, () -> s.create(p, MemoConfig.empty()));
    assertEquals(
        "store provider \"failing\" (dev.memo.core.fakes.FakeStoreProviders$FailingCreate) failed"
            + " to create its store: java.lang.IllegalStateException: port 9999 is taken",
        e.getMessage());
    assertInstanceOf(IllegalStateException.class, e.getCause());
  }

  @Test
  void create_passesConfigScopedToTheProvider() {
    var s = stores("single");
    var config = MemoConfig.of(Map.of("memo.store.alpha.size", "12"));
    Store store = s.create(s.select(null, config), config);
    assertEquals("alpha", store.name());
    assertEquals(12, FakeStoreProviders.lastConfig.getInt("size", 0));
    assertEquals("memo.store.alpha.size", FakeStoreProviders.lastConfig.key("size"));
  }

  @Test
  void names_listsProvidersInDiscoveryOrder() {
    assertEquals(List.of("alpha", "beta", "low"), stores("tie").names());
  }
}
