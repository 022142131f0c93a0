package dev.memo.testkit;

import java.util.Map;

final class Xxh3SignerTest extends SignerContract {
  @Override
  protected String providerName() {
    return "xxh3-128";
  }

  /**
   * Digests in the xxHash canonical form (high 64 bits, then low 64 bits, both big-endian), as
   * {@code xxhsum -H2} prints them. The empty input is the xxHash project's own sanity vector
   * (Cyan4973/xxHash, cli/xsum_sanity_check.c, XSUM_XXH128_testdata, len 0, seed 0: low
   * 0x6001C324468D497F, high 0x99AA06D3014798D8); the others are the test vectors of the D standard
   * library's XXH3_128 (dlang/phobos, std/digest/xxh.d, unittest of xxh128Of), which cover XXH3's
   * 0, 1-3, 9-16, 17-128 and over-240-byte code paths.
   */
  @Override
  protected Map<String, String> knownAnswers() {
    return Map.of(
        "",
        "99aa06d3014798d86001c324468d497f",
        "a",
        "a96faf705af16834e6c632b61e964e1f",
        "abc",
        "06b05ab6733a618578af5f94892f3950",
        "message digest",
        "34ab715d95e3b6490abfabecb8e3a424",
        "abcdefghijklmnopqrstuvwxyz",
        "db7ca44e84843d67ebe162220154e1e6",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "5bcb80b619500686a3c0560bd47a4ffb",
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "3d62d22a5169b016c0d894fd4828a1a7",
        "1234567890".repeat(8),
        "08dd22c3ddc34ce640cb8d6ac672dcb8",
        "a".repeat(1_000_000),
        "a545df8e384a9579b1fd6fae5285c4eb");
  }
}
