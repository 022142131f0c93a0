package dev.memo.serde.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.serde.java.fixture.Other;
import dev.memo.serde.java.fixture.Plain;
import dev.memo.serde.java.fixture.inner.Nested;
import dev.memo.serde.java.fixtures.Lookalike;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.LocalDate;
import java.time.chrono.JapaneseDate;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Vector;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

final class AllowListFilterTest {
  private static AllowListFilter filter(String allow) {
    return AllowListFilter.of(MemoConfig.of(Map.of(AllowListFilter.ALLOW, allow)));
  }

  record Sample(int x) {}

  enum Kind {
    PLAIN,
    SPECIAL {
      @Override
      public String toString() {
        return "special";
      }
    }
  }

  @Test
  void allows_withoutConfiguration_jdkValuesCollectionsEnumsRecordsAndTheirArrays() {
    AllowListFilter filter = AllowListFilter.of(MemoConfig.empty());

    for (Class<?> type :
        List.of(
            Integer.class,
            String.class,
            java.math.BigDecimal.class,
            Object[].class,
            int[][].class,
            String[][].class,
            List.of(1, 2, 3).getClass(),
            EnumSet.noneOf(TimeUnit.class).getClass(),
            LocalDate.class,
            JapaneseDate.class,
            java.util.UUID.class,
            java.util.TreeMap.class,
            java.util.Collections.unmodifiableList(List.of()).getClass(),
            String.CASE_INSENSITIVE_ORDER.getClass(),
            Sample.class,
            Sample[].class,
            Kind.class,
            Kind.SPECIAL.getClass(),
            TimeUnit.class,
            Map.Entry[].class)) {
      assertTrue(filter.allows(type), type.getName());
    }
  }

  @Test
  void allows_withoutConfiguration_refusesOtherClasses() {
    AllowListFilter filter = AllowListFilter.of(MemoConfig.empty());

    for (Class<?> type :
        List.of(
            Plain.class,
            Plain[].class,
            Vector.class,
            Date.class,
            URI.class,
            Proxy.class,
            Thread.class,
            RuntimeException.class,
            java.util.concurrent.ConcurrentHashMap.class)) {
      assertFalse(filter.allows(type), type.getName());
    }
  }

  @Test
  void allows_exactClassName_allowsThatClassOnly() {
    AllowListFilter filter = filter(Plain.class.getName());

    assertTrue(filter.allows(Plain.class));
    assertTrue(filter.allows(Plain[][].class));
    assertFalse(filter.allows(Other.class));
    assertFalse(filter.allows(Nested.class));
  }

  @Test
  void allows_packageWildcard_allowsThatPackageButNotItsSubPackages() {
    AllowListFilter filter = filter("dev.memo.serde.java.fixture.*");

    assertTrue(filter.allows(Plain.class));
    assertTrue(filter.allows(Other.class));
    assertFalse(filter.allows(Nested.class));
    assertFalse(filter.allows(Lookalike.class));
  }

  @Test
  void allows_packageTreeWildcard_allowsThePackageAndItsSubPackagesOnly() {
    AllowListFilter filter = filter("dev.memo.serde.java.fixture.**");

    assertTrue(filter.allows(Plain.class));
    assertTrue(filter.allows(Other.class));
    assertTrue(filter.allows(Nested.class));
    // "fixtures" shares the prefix "fixture" but is not below it.
    assertFalse(filter.allows(Lookalike.class));
  }

  @Test
  void allows_severalPatterns_allowsTheUnion() {
    AllowListFilter filter =
        filter(" dev.memo.serde.java.fixture.inner.* , dev.memo.serde.java.fixtures.Lookalike,");

    assertTrue(filter.allows(Nested.class));
    assertTrue(filter.allows(Lookalike.class));
    assertFalse(filter.allows(Plain.class));
  }

  @Test
  void of_scopedView_readsTheSharedKeysFromTheRoot() {
    MemoConfig config = MemoConfig.of(Map.of(AllowListFilter.ALLOW, Plain.class.getName()));

    assertTrue(AllowListFilter.of(config.scoped("memo.serde.java-gzip")).allows(Plain.class));
  }

  static Stream<Arguments> invalidPatterns() {
    return Stream.of(
        Arguments.of("com.example.*, com..bad", "com..bad"),
        Arguments.of("**", "**"),
        Arguments.of("com.example.*.model", "com.example.*.model"),
        Arguments.of("com.example.***", "com.example.***"),
        Arguments.of("com/example/Point", "com/example/Point"));
  }

  @ParameterizedTest
  @MethodSource("invalidPatterns")
  void of_invalidPattern_throwsQuotingKeyValueAndPattern(String allow, String bad) {
    MemoConfigurationException e =
        assertThrows(MemoConfigurationException.class, () -> filter(allow));

    assertEquals(
        "memo.serde.java.allow is \""
            + allow
            + "\" (from configuration map) but must be"
            + " a comma-separated list of class names (com.example.Point), packages"
            + " (com.example.model.*) or package trees (com.example.model.**); \""
            + bad
            + "\" is none of these",
        e.getMessage());
  }

  static Stream<Arguments> invalidLimits() {
    return Stream.of(
        Arguments.of(
            "memo.serde.java.max-depth", "0", "a whole number from 1 to " + Long.MAX_VALUE),
        Arguments.of(
            "memo.serde.java.max-depth", "deep", "a whole number from 1 to " + Long.MAX_VALUE),
        Arguments.of(
            "memo.serde.java.max-refs", "-5", "a whole number from 1 to " + Long.MAX_VALUE),
        Arguments.of(
            "memo.serde.java.max-array-length",
            "2147483640",
            "a whole number from 0 to 2147483639"),
        Arguments.of(
            "memo.serde.java.max-array-length", "1e6", "a whole number from 0 to 2147483639"));
  }

  @ParameterizedTest
  @MethodSource("invalidLimits")
  void of_invalidLimit_throwsQuotingKeyAndValue(String key, String value, String expected) {
    MemoConfigurationException e =
        assertThrows(
            MemoConfigurationException.class,
            () -> AllowListFilter.of(MemoConfig.of("builder", Map.of(key, value))));

    assertEquals(
        key + " is \"" + value + "\" (from builder) but must be " + expected, e.getMessage());
  }
}
