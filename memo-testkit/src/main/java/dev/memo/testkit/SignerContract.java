package dev.memo.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memo.MemoConfig;
import dev.memo.spi.Signer;
import dev.memo.spi.SignerProvider;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Signer} backend meets. A backend proves itself with a subclass of a few
 * lines that names its provider and gives known answers from an authoritative reference:
 *
 * <pre>{@code
 * final class Sha256SignerTest extends SignerContract {
 *   protected String providerName() { return "sha256"; }
 *   protected Map<String, String> knownAnswers() {
 *     // FIPS 180-2, appendix B.1
 *     return Map.of("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
 *   }
 * }
 * }</pre>
 *
 * <p>The contract finds the provider through {@link ServiceLoader} (so the backend's registration
 * is tested too), checks the known answers, the digest length, streaming in random chunks against
 * one call, the reset semantics of {@link Signer.Hasher}, that thousands of distinct inputs give
 * distinct digests, and that hashers on four threads agree. Inputs are pseudo-random from fixed
 * seeds, so a failure repeats.
 */
public abstract class SignerContract extends ProviderContract<SignerProvider> {

  @Override
  protected final Class<SignerProvider> providerType() {
    return SignerProvider.class;
  }

  private static final HexFormat HEX = HexFormat.of();

  /** Creates the contract; subclasses need no constructor. */
  protected SignerContract() {}

  /**
   * Returns the name of the provider under test, as registered for {@link ServiceLoader}.
   *
   * @return the provider name, such as {@code sha256}
   */
  @Override
  protected abstract String providerName();

  /**
   * Returns known answers: ASCII inputs mapped to the expected digest as lower-case hex. Take them
   * from the algorithm's reference (its standard or its reference implementation's test vectors),
   * never from the code under test, and cite the source in a comment.
   *
   * @return at least one input and its digest
   */
  protected abstract Map<String, String> knownAnswers();

  /**
   * Returns a signer from the provider under test, found through {@link ServiceLoader}.
   *
   * @return a new signer
   */
  protected final Signer signer() {
    return provider().create(MemoConfig.empty());
  }

  @Test
  public void provider_foundThroughServiceLoader_createsSignerOfItsName() {
    SignerProvider provider = provider();
    assertTrue(provider.name().matches("[a-z0-9-]+"), () -> "name " + provider.name());
    assertEquals(providerName(), provider.create(MemoConfig.empty()).name());
  }

  @Test
  public void digest_ofKnownInputs_matchesReference() {
    Map<String, String> answers = knownAnswers();
    assertFalse(answers.isEmpty(), "knownAnswers() must give at least one input");
    Signer signer = signer();
    for (Map.Entry<String, String> answer : answers.entrySet()) {
      Signer.Hasher hasher = signer.newHasher();
      byte[] input = answer.getKey().getBytes(StandardCharsets.US_ASCII);
      hasher.update(input, 0, input.length);
      assertEquals(
          answer.getValue(),
          HEX.formatHex(hasher.digest()),
          () -> "digest of \"" + abbreviate(answer.getKey()) + "\"");
    }
  }

  @Test
  public void digest_ofAnyInput_hasDigestLength() {
    Signer signer = signer();
    assertTrue(signer.digestLength() > 0, "digestLength() must be positive");
    Signer.Hasher hasher = signer.newHasher();
    Random random = new Random(1);
    for (int length : new int[] {0, 1, 63, 64, 65, 1000, 100_000}) {
      byte[] input = randomBytes(random, length);
      hasher.update(input, 0, length);
      assertEquals(signer.digestLength(), hasher.digest().length, "length of a digest");
    }
  }

  @Test
  public void update_inRandomChunksAtOffsets_equalsOneUpdate() {
    Signer signer = signer();
    Signer.Hasher whole = signer.newHasher();
    Signer.Hasher chunked = signer.newHasher();
    Random random = new Random(2);
    List<Integer> lengths = new ArrayList<>(List.of(0, 1, 16, 64, 240, 241, 1024, 4096, 100_001));
    for (int i = 0; i < 200; i++) {
      lengths.add(random.nextInt(3000));
    }
    for (int length : lengths) {
      byte[] input = randomBytes(random, length);
      whole.update(input, 0, length);
      byte[] expected = whole.digest();

      // The input sits inside a larger array of noise, so a hasher that ignores offset or length
      // gets it wrong.
      byte[] padded = randomBytes(random, length + 37);
      System.arraycopy(input, 0, padded, 17, length);
      int at = 0;
      while (at < length) {
        int chunk = Math.min(length - at, random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(300));
        chunked.update(padded, 17 + at, chunk);
        at += chunk;
      }
      int finalLength = length;
      assertArrayEquals(expected, chunked.digest(), () -> "input of " + finalLength + " bytes");
    }
  }

  @Test
  public void digest_resetsHasher_soItCanBeReused() {
    Signer signer = signer();
    byte[] empty = signer.newHasher().digest();
    byte[] abc = digest(signer.newHasher(), "abc");

    Signer.Hasher hasher = signer.newHasher();
    assertArrayEquals(abc, digest(hasher, "abc"));
    assertArrayEquals(empty, hasher.digest(), "digest() right after digest() is the empty digest");
    assertArrayEquals(abc, digest(hasher, "abc"), "a reused hasher gives a fresh hasher's digest");
  }

  @Test
  public void reset_discardsWhatWasAdded() {
    Signer signer = signer();
    byte[] empty = signer.newHasher().digest();
    byte[] abc = digest(signer.newHasher(), "abc");

    Signer.Hasher hasher = signer.newHasher();
    byte[] noise = randomBytes(new Random(3), 5000);
    hasher.update(noise, 0, noise.length);
    hasher.reset();
    assertArrayEquals(abc, digest(hasher, "abc"));
    hasher.update(noise, 0, 10);
    hasher.reset();
    assertArrayEquals(empty, hasher.digest());
  }

  @Test
  public void digest_ofThousandsOfDistinctInputs_allDiffer() {
    List<byte[]> inputs = new ArrayList<>();
    for (int length = 0; length < 1024; length++) {
      inputs.add(new byte[length]); // only the length tells these apart
    }
    for (int i = 0; i < 3000; i++) {
      inputs.add(Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
    }
    byte[] block = randomBytes(new Random(4), 64);
    for (int bit = 0; bit < block.length * 8; bit++) {
      byte[] flipped = block.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      inputs.add(flipped);
    }
    Set<ByteBuffer> distinctInputs = new HashSet<>();
    inputs.forEach(input -> distinctInputs.add(ByteBuffer.wrap(input)));
    assertEquals(inputs.size(), distinctInputs.size(), "the test's own inputs must be distinct");

    Signer.Hasher hasher = signer().newHasher();
    Set<ByteBuffer> digests = new HashSet<>();
    for (byte[] input : inputs) {
      hasher.update(input, 0, input.length);
      digests.add(ByteBuffer.wrap(hasher.digest()));
    }
    assertEquals(inputs.size(), digests.size(), "distinct inputs with equal digests");
  }

  @Test
  public void hashers_onFourThreads_agreeWithOneThread() throws Exception {
    Signer signer = signer();
    Random random = new Random(5);
    List<byte[]> inputs = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      inputs.add(randomBytes(random, random.nextInt(2000)));
    }
    List<byte[]> expected = digestAll(signer, inputs);

    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<byte[]>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return digestAll(signer, inputs);
                }));
      }
      start.countDown();
      for (Future<List<byte[]>> result : results) {
        List<byte[]> actual = result.get();
        for (int i = 0; i < inputs.size(); i++) {
          assertArrayEquals(expected.get(i), actual.get(i), "input " + i);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<byte[]> digestAll(Signer signer, List<byte[]> inputs) {
    Signer.Hasher hasher = signer.newHasher();
    List<byte[]> digests = new ArrayList<>(inputs.size());
    for (byte[] input : inputs) {
      hasher.update(input, 0, input.length);
      digests.add(hasher.digest());
    }
    return digests;
  }

  private static byte[] digest(Signer.Hasher hasher, String ascii) {
    byte[] input = ascii.getBytes(StandardCharsets.US_ASCII);
    hasher.update(input, 0, input.length);
    return hasher.digest();
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 40) + "... (" + s.length() + " characters)";
  }
}
