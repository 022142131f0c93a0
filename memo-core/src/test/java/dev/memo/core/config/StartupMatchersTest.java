package dev.memo.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memo.MemoConfig;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written matchers that replace regular expressions on the start path agree with the
 * expressions, over keys chosen to hit every edge: empty tags, doubled dashes, upper case, dots,
 * line ends.
 */
class StartupMatchersTest {
  private static final List<String> PATTERNS =
      List.of(
          "memo.store",
          "memo.object-tier.max-bytes",
          "memo.policy.*.store",
          "memo.policy.*.object-tier",
          "memo.store.directory.*",
          "memo.serde.*",
          "memo.a.*.b.*.c");

  private static final List<String> KEYS =
      List.of(
          "memo.store",
          "memo.stores",
          "memo.store.",
          "memo.store.directory.path",
          "memo.store.directory.",
          "memo.store.directory.x",
          "memo.store.directory.x\n",
          "memo.store.directory.x\u2028y",
          "memo.store.directoryx",
          "memo.object-tier.max-bytes",
          "memo.object_tier.max_bytes",
          "memo.policy.disk.store",
          "memo.policy.disk-2.store",
          "memo.policy.-disk.store",
          "memo.policy.disk-.store",
          "memo.policy.di--sk.store",
          "memo.policy..store",
          "memo.policy.Disk.store",
          "memo.policy.a.b.store",
          "memo.policy.disk.object-tier",
          "memo.serde.zstd.level",
          "memo.serde",
          "memo.a.x.b.y-z.c",
          "memo.a.x.b..c",
          "MEMO_STORE",
          "MEMO_STORE_DIRECTORY_PATH",
          "MEMO_STORE_DIRECTORY_",
          "MEMO_STORE_DIRECTORY_path",
          "MEMO_POLICY_DISK_STORE",
          "MEMO_POLICY_DISK_2_STORE",
          "MEMO_POLICY__STORE",
          "MEMO_POLICY_DISK_OBJECT_TIER",
          "MEMO_OBJECT_TIER_MAX_BYTES",
          "MEMO_SERDE_ZSTD_LEVEL",
          "MEMO_A_X_B_Y_Z_C",
          "MEMO_A_X_B__C");

  /** The expression ConfigKeys compiled for each pattern before it matched by hand. */
  private static Pattern regex(String pattern, boolean environment) {
    boolean prefix = pattern.endsWith(".*");
    String body = prefix ? pattern.substring(0, pattern.length() - 2) : pattern;
    if (environment) {
      String env = MemoConfig.environmentName(body);
      return Pattern.compile(
          Pattern.quote(env).replace("*", "\\E[A-Z0-9_]+\\Q") + (prefix ? "_[A-Z0-9_]+" : ""));
    }
    return Pattern.compile(
        Pattern.quote(body).replace("*", "\\E[a-z0-9]+(-[a-z0-9]+)*\\Q") + (prefix ? "\\..+" : ""));
  }

  @Test
  void keyPatterns_matchLikeTheRegularExpressions() {
    for (String p : PATTERNS) {
      for (String key : KEYS) {
        for (boolean env : new boolean[] {false, true}) {
          assertEquals(
              regex(p, env).matcher(key).matches(),
              ConfigKeys.matches(p, env, key),
              p + (env ? " (environment)" : "") + " against " + key);
        }
      }
    }
  }

  @Test
  void providerNames_checkedLikeTheRegularExpression() {
    Pattern name = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    for (String n :
        List.of(
            "",
            "a",
            "zstd",
            "xxh3-128",
            "java-gzip",
            "-a",
            "a-",
            "a--b",
            "A",
            "a_b",
            "a.b",
            "ä",
            "a-b-c",
            "0",
            "-")) {
      assertEquals(name.matcher(n).matches(), ProviderSelector.isTag(n), n);
    }
  }
}
