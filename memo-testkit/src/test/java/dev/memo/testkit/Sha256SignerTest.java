package dev.memo.testkit;

import java.util.Map;

final class Sha256SignerTest extends SignerContract {
  @Override
  protected String providerName() {
    return "sha256";
  }

  @Override
  protected Map<String, String> knownAnswers() {
    return Map.of(
        // NIST FIPS 180-2, appendix B.1 (one-block message)
        "abc",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        // NIST FIPS 180-2, appendix B.2 (multi-block message)
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        // NIST FIPS 180-2, appendix B.3 (one million times "a")
        "a".repeat(1_000_000),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
        // NIST CAVP SHA256ShortMsg.rsp, Len = 0
        "",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }
}
