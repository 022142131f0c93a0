package dev.memo.core.config;

import dev.memo.MemoConfig;
import dev.memo.MemoConfigurationException;
import dev.memo.spi.Provider;
import dev.memo.spi.Quote;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Checks, when a memoizer is built, every key set under {@code memo.} (every {@code MEMO_}
 * variable) against the keys memo and the providers on the class path read, so that a misspelled
 * key is reported with the closest known one instead of silently doing nothing: an error unless
 * {@value MemoConfig#CONFIG_UNKNOWN} is {@code warn}. Also refuses an empty provider name ({@code
 * memo.store=}).
 *
 * <p>Known keys are memo's own ({@link #CORE}, the policy keys of every tag) and those each
 * provider lists in {@link Provider#configKeys()}; a provider that lists none has every key in its
 * scope accepted. A key in the scope of a provider that is not on the class path ({@code
 * memo.store.redis.uri} without memo-store-redis) is reported with the module to add: nothing on
 * the class path would read it. Stateless; thread-safe.
 */
final class ConfigKeys {
  private static final System.Logger LOG = LazyLogger.of("dev.memo");

  /** memo's own keys; {@code *} in the middle of a key is a tag. */
  static final List<String> CORE =
      List.of(
          MemoConfig.STORE,
          MemoConfig.SERDE,
          MemoConfig.SIGNER,
          MemoConfig.ENABLED,
          MemoConfig.INTEGRITY_KEY_FILE,
          MemoConfig.INTEGRITY_KEY_ENV,
          MemoConfig.CODE_INCLUDE,
          MemoConfig.CODE_IGNORE_FIELDS,
          MemoConfig.CODE_CACHE,
          MemoConfig.IMMUTABILITY,
          MemoConfig.OBJECT_TIER_MAX_BYTES,
          MemoConfig.OBJECT_TIER_MAX_ENTRIES,
          MemoConfig.WRITE_BEHIND_MAX_BYTES,
          MemoConfig.CONFIG_UNKNOWN,
          MemoConfig.JFR_THRESHOLD,
          MemoConfig.POLICY + ".*.store",
          MemoConfig.POLICY + ".*.serde",
          MemoConfig.POLICY + ".*.ttl",
          MemoConfig.POLICY + ".*.enabled",
          MemoConfig.POLICY + ".*.object-tier");

  private static final String KINDS = "store|serde|signer";

  /** Compiled only when a key is reported: a start whose keys are all known compiles none. */
  private static final class Scoped {
    static final Pattern SCOPED = Pattern.compile("memo\\.(" + KINDS + ")\\.([^.]+)\\..*");
  }

  private ConfigKeys() {}

  /**
   * Checks the configuration's keys.
   *
   * @param config the layered configuration
   * @param selectors the providers of each kind that could be listed; a kind missing here has every
   *     key in its scope accepted
   * @throws MemoConfigurationException if a provider name is empty, or a key is unknown and {@value
   *     MemoConfig#CONFIG_UNKNOWN} is not {@code warn}
   */
  static void check(MemoConfig config, List<ProviderSelector<?, ?>> selectors) {
    boolean warn =
        config.getChoice(MemoConfig.CONFIG_UNKNOWN, "error", "error", "warn").equals("warn");
    List<String> known = new ArrayList<>(CORE);
    List<String> open = new ArrayList<>(); // scopes accepted unchecked
    Set<String> listed = new LinkedHashSet<>();
    for (ProviderSelector<?, ?> s : selectors) {
      listed.add(s.kind());
      for (String name : s.names()) {
        Provider<?> p = s.find(name).orElseThrow();
        Optional<Set<String>> keys;
        try {
          keys = p.configKeys();
        } catch (RuntimeException e) {
          keys = Optional.empty();
        }
        if (keys == null || keys.isEmpty()) {
          open.add("memo." + s.kind() + "." + name + ".*");
        } else {
          known.addAll(keys.get());
        }
      }
    }
    for (String kind : List.of("store", "serde", "signer")) {
      if (!listed.contains(kind)) {
        open.add("memo." + kind + ".*");
      }
    }
    List<String> problems = new ArrayList<>();
    for (MemoConfig.Setting s : config.settings()) {
      emptyName(s, selectors);
      if (!matchesAny(known, s) && !matchesAny(open, s)) {
        problems.add(describe(s, known, selectors));
      }
    }
    if (problems.isEmpty()) {
      return;
    }
    if (warn) {
      for (String p : problems) {
        LOG.log(System.Logger.Level.WARNING, p + " It is ignored.");
      }
      return;
    }
    throw new MemoConfigurationException(
        String.join(" ", problems)
            + (problems.size() == 1 ? " Fix or remove it" : " Fix or remove them")
            + ", or set "
            + MemoConfig.CONFIG_UNKNOWN
            + "=warn to be warned instead.");
  }

  /** A provider key set to nothing is a mistake: absent would choose by priority. */
  private static void emptyName(MemoConfig.Setting s, List<ProviderSelector<?, ?>> selectors) {
    if (!s.value().isBlank()) {
      return;
    }
    for (ProviderSelector<?, ?> sel : selectors) {
      String key = "memo." + sel.kind();
      if (s.name().equals(s.environment() ? MemoConfig.environmentName(key) : key)) {
        throw new MemoConfigurationException(
            key
                + " is empty (from "
                + s.source()
                + "); name a "
                + sel.kind()
                + " provider (available: "
                + String.join(", ", sel.names())
                + "), or remove the key to use the one of highest priority");
      }
    }
  }

  private static boolean matchesAny(List<String> patterns, MemoConfig.Setting s) {
    for (String p : patterns) {
      if (matches(p, s.environment(), s.name())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a key matches a declared pattern: {@code *} in the middle is one tag ({@code
   * [a-z0-9]+(-[a-z0-9]+)*}; in an environment name {@code [A-Z0-9_]+}), {@code .*} at the end is
   * anything under the prefix ({@code \\..+}; in an environment name {@code _[A-Z0-9_]+}). Matched
   * by hand rather than with regular expressions, since every key set is checked against every
   * declared pattern when a memoizer is built.
   */
  static boolean matches(String pattern, boolean environment, String key) {
    boolean prefix = pattern.endsWith(".*");
    String body = prefix ? pattern.substring(0, pattern.length() - 2) : pattern;
    if (environment) {
      body = MemoConfig.environmentName(body);
    }
    return matchFrom(body, 0, key, 0, environment, prefix);
  }

  /** Matches {@code body} from {@code bi} against {@code key} from {@code ki}, backtracking. */
  private static boolean matchFrom(
      String body, int bi, String key, int ki, boolean environment, boolean prefix) {
    int star = body.indexOf('*', bi);
    int literalEnd = star < 0 ? body.length() : star;
    int n = literalEnd - bi;
    if (!key.regionMatches(ki, body, bi, n)) {
      return false;
    }
    ki += n;
    if (star < 0) {
      if (!prefix) {
        return ki == key.length();
      }
      // ".+" after a dot, or "_[A-Z0-9_]+" in an environment name
      if (environment) {
        return ki + 1 < key.length()
            && key.charAt(ki) == '_'
            && envChars(key, ki + 1, key.length());
      }
      return ki + 1 < key.length() && key.charAt(ki) == '.' && noLineEnd(key, ki + 1);
    }
    for (int end = ki + 1; end <= key.length(); end++) {
      boolean wildcard =
          environment ? envChars(key, ki, end) : ProviderSelector.isTag(key.substring(ki, end));
      if (!wildcard && environment) {
        return false; // a character outside [A-Z0-9_] ends every longer match too
      }
      if (wildcard && matchFrom(body, star + 1, key, end, environment, prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Regular expressions' {@code .} (without DOTALL) matches anything but a line terminator. */
  private static boolean noLineEnd(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        return false;
      }
    }
    return true;
  }

  private static boolean envChars(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
        return false;
      }
    }
    return true;
  }

  private static String describe(
      MemoConfig.Setting s, List<String> known, List<ProviderSelector<?, ?>> selectors) {
    String what =
        s.environment()
            ? "environment variable " + Quote.of(s.name())
            : "key " + Quote.of(s.name()) + " (from " + s.source() + ")";
    String closest = closest(s, known);
    if (closest != null) {
      String shown =
          s.environment() ? MemoConfig.environmentName(closest) + " (" + closest + ")" : closest;
      return what + " is not a key memo or its providers read; did you mean " + shown + "?";
    }
    String missing = missingProvider(s, selectors);
    if (missing != null) {
      return what + " is " + missing + ".";
    }
    return what + " is not a key memo or its providers read.";
  }

  /** Names the provider a key is for when it is not on the class path, or returns null. */
  private static @Nullable String missingProvider(
      MemoConfig.Setting s, List<ProviderSelector<?, ?>> selectors) {
    for (ProviderSelector<?, ?> sel : selectors) {
      String kind = sel.kind();
      String name = null;
      if (!s.environment()) {
        var m = Scoped.SCOPED.matcher(s.name());
        if (m.matches() && m.group(1).equals(kind)) {
          name = m.group(2);
        }
      } else {
        String prefix = "MEMO_" + kind.toUpperCase(Locale.ROOT) + "_";
        if (s.name().startsWith(prefix)) {
          String rest = s.name().substring(prefix.length());
          name =
              rest.contains("_")
                  ? rest.substring(0, rest.indexOf('_')).toLowerCase(Locale.ROOT)
                  : null;
          // A name memo knows, spelled with dashes, wins over the first word.
          for (String n : List.of("java-gzip", "xxh3-128")) {
            if (rest.startsWith(MemoConfig.environmentName(n) + "_")) {
              name = n;
            }
          }
        }
      }
      if (name == null || sel.find(name).isPresent()) {
        continue;
      }
      Optional<String> module = ProviderSelector.moduleOf(name);
      return "for the "
          + kind
          + " "
          + Quote.of(name)
          + ", which is not on the class path (available: "
          + String.join(", ", sel.names())
          + "); "
          + (module.isPresent() ? "add " + module.get() : "add the module that provides it");
    }
    return null;
  }

  /** The known key closest to the setting's name, if it is close enough to be a misspelling. */
  private static String closest(MemoConfig.Setting s, List<String> known) {
    String name = s.name();
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    int limit = Math.max(2, Math.min(4, name.length() / 6));
    for (String pattern : known) {
      for (String candidate : instances(pattern, s)) {
        String spelled = s.environment() ? MemoConfig.environmentName(candidate) : candidate;
        if (Math.abs(spelled.length() - name.length()) > limit) {
          continue;
        }
        int d = distance(name, spelled);
        if (d < bestDistance) {
          bestDistance = d;
          best = candidate;
        }
      }
    }
    return bestDistance <= limit ? best : null;
  }

  /** The keys a pattern stands for that could be meant by the setting: its tag filled in. */
  private static List<String> instances(String pattern, MemoConfig.Setting s) {
    if (pattern.endsWith(".*")) {
      return List.of();
    }
    int star = pattern.indexOf('*');
    if (star < 0) {
      return List.of(pattern);
    }
    String before = pattern.substring(0, star);
    String after = pattern.substring(star + 1);
    List<String> out = new ArrayList<>();
    if (s.environment()) {
      String envBefore = MemoConfig.environmentName(before);
      if (s.name().startsWith(envBefore)) {
        String rest = s.name().substring(envBefore.length());
        // A tag's dashes are underscores too: every place the tag may end is tried.
        for (int cut = rest.indexOf('_'); cut > 0; cut = rest.indexOf('_', cut + 1)) {
          out.add(
              before + rest.substring(0, cut).toLowerCase(Locale.ROOT).replace('_', '-') + after);
        }
      }
    } else if (s.name().startsWith(before)) {
      String rest = s.name().substring(before.length());
      int dot = rest.indexOf('.');
      if (dot > 0) {
        out.add(before + rest.substring(0, dot) + after);
      }
    }
    return out;
  }

  /** Optimal string alignment distance: edits, with a swap of neighbours counting as one. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
