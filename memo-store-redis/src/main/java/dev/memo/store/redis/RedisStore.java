package dev.memo.store.redis;

import dev.memo.Signature;
import dev.memo.StoreException;
import dev.memo.spi.Store;
import dev.memo.spi.StoreEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Keeps entries on a Redis server (keys: {@link RedisKeys}; values: {@link RedisFrame}).
 *
 * <p><b>Writing.</b> An entry that fits in one chunk is published with one {@code SET}. A larger
 * one is appended chunk by chunk to a temporary key (which expires by itself if the writer dies)
 * and published by a script that checks its length, sets its expiry and {@code RENAME}s it onto the
 * entry: atomic, and in one hash slot. An entry above {@code max-entry-bytes} is not sent past that
 * size: the put fails and memo hands out the computed result all the same.
 *
 * <p><b>Reading.</b> One {@code GETRANGE} reads the first chunk and a sixteenth ({@link
 * #firstRead}), which is the whole of most entries; a value declaring more than {@code
 * max-entry-bytes} is not read further. Larger entries are read on by {@link ChunkedEntryStream},
 * several chunks a round trip, each trip checking, atomically with its chunks, that the entry's
 * token is still the first read's, so a reader sees one version whole or fails (memo then computes
 * the result).
 *
 * <p><b>Age.</b> With {@code max-age}, entries carry that expiry; a hit renews it at most once per
 * touch interval (an eighth of {@code max-age}, at most an hour, as the directory store records
 * last access). Size is bounded by the server: {@code maxmemory} with {@code maxmemory-policy
 * allkeys-lru}.
 *
 * <p><b>Listing.</b> Namespaces and entries are found with {@code SCAN}; a namespace's text is kept
 * under its own key, written once per process per namespace.
 *
 * <p><b>Failures.</b> See {@link Connections}: a call that fails for want of Redis throws an {@link
 * IOException} after at most the timeout, and a store that just failed fails at once for a moment,
 * so that calls neither hang nor pile up; the store recovers when Redis answers again.
 *
 * <p>Thread-safe.
 */
final class RedisStore implements Store {
  /** How long a temporary key outlives a writer that died before publishing it. */
  static final long TEMP_TTL_MILLIS = Duration.ofHours(1).toMillis();

  /** How long a quarantined entry is kept for inspection. */
  static final long QUARANTINE_TTL_MILLIS = Duration.ofDays(7).toMillis();

  static final Duration MAX_TOUCH_INTERVAL = Duration.ofHours(1);
  private static final int SCAN_COUNT = 500;
  private static final int MAX_REMEMBERED = 16_384;

  /**
   * How many bytes the first read of an entry asks for: a chunk and a sixteenth, so that an entry
   * whose payload is a whole chunk (a 1 MiB array), a few hundred bytes more once memo and this
   * store framed it, is read in one {@code GETRANGE}, as a value of its size would be.
   *
   * @param chunk the chunk size
   * @return the size of the first read
   */
  static long firstRead(int chunk) {
    return chunk + chunk / 16;
  }

  /** Publishes a temporary key onto the entry, if it holds the whole entry. */
  private static final byte[] PUBLISH =
      RedisKeys.bytes(
          "if redis.call('STRLEN', KEYS[1]) ~= tonumber(ARGV[2]) then"
              + " redis.call('DEL', KEYS[1]) return 0 end"
              + " redis.call('SETRANGE', KEYS[1], "
              + RedisFrame.LENGTH_OFFSET
              + ", ARGV[1])"
              + " if ARGV[3] == '0' then redis.call('PERSIST', KEYS[1])"
              + " else redis.call('PEXPIRE', KEYS[1], ARGV[3]) end"
              + " redis.call('RENAME', KEYS[1], KEYS[2]) return 1");

  /** Moves an entry aside with its reason, both expiring after a week. */
  private static final byte[] QUARANTINE =
      RedisKeys.bytes(
          "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end"
              + " redis.call('RENAME', KEYS[1], KEYS[2]) redis.call('PEXPIRE', KEYS[2], ARGV[2])"
              + " redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2]) return 1");

  private final RedisOptions options;
  private final RedisKeys keys;
  private final Connections connections;
  private final RedisClaims claims;
  private final Duration touchInterval;

  /** Namespace ids by namespace: a namespace is hashed once. */
  private final Map<String, String> ids = new ConcurrentHashMap<>();

  /** Namespaces whose text this process has written since Redis last failed. */
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  /** Entries whose expiry this process renewed recently, by entry key: when (nanoTime). */
  private final Map<String, Long> touched = new ConcurrentHashMap<>();

  RedisStore(RedisOptions options) {
    this(options, Health.LOG);
  }

  /**
   * Creates a store that logs its outages to {@code log}.
   *
   * @param options the options
   * @param log where a failure burst and the recovery are logged
   */
  RedisStore(RedisOptions options, System.Logger log) {
    this.options = options;
    this.keys = new RedisKeys(options.prefix());
    this.connections = new Connections(options, log);
    this.claims =
        options.claims() ? new RedisClaims(connections, keys, options.claimTimeout()) : null;
    Duration interval = MAX_TOUCH_INTERVAL;
    if (options.maxAge() != null && options.maxAge().dividedBy(8).compareTo(interval) < 0) {
      interval =
          options.maxAge().dividedBy(8).isZero()
              ? Duration.ofMillis(1)
              : options.maxAge().dividedBy(8);
    }
    this.touchInterval = interval;
  }

  @Override
  public String name() {
    return RedisStoreProvider.NAME;
  }

  /** Checks that Redis answers; see {@link Connections#ping}. */
  void ping() {
    connections.ping();
  }

  /** Returns how many calls failed for want of Redis. */
  long failureCount() {
    return connections.health().failures();
  }

  Duration touchInterval() {
    return touchInterval;
  }

  private String id(String namespace) {
    String id = ids.get(namespace);
    if (id == null) {
      id = RedisKeys.namespaceId(namespace);
      if (ids.size() < MAX_REMEMBERED) {
        ids.put(namespace, id);
      }
    }
    return id;
  }

  // ---------------------------------------------------------------- reading

  @Override
  public Optional<InputStream> get(String namespace, Signature key) throws IOException {
    String id = id(namespace);
    byte[] entryKey = keys.entry(id, key);
    int chunk = options.chunkBytes();
    // Never more than the largest entry accepted could occupy.
    long first = Math.min(firstRead(chunk), RedisFrame.HEADER_BYTES + options.maxEntryBytes());
    byte[] start =
        connections.call(
            "read entry " + key + " of \"" + namespace + "\"",
            jedis -> {
              byte[] bytes = jedis.getrange(entryKey, 0, first - 1);
              if (bytes != null && bytes.length > 0 && options.maxAge() != null) {
                touch(jedis, entryKey);
              }
              return bytes;
            });
    if (start == null || start.length == 0) {
      return Optional.empty();
    }
    String where = "entry " + key + " of \"" + namespace + "\"";
    RedisFrame.Header header = RedisFrame.readHeader(start, where);
    if (header.length() > options.maxEntryBytes()) {
      throw new IOException(
          "the Redis value of "
              + where
              + " declares "
              + header.length()
              + " bytes, more than the redis store's max-entry-bytes of "
              + options.maxEntryBytes()
              + ", so it is not read; it is computed again and replaced");
    }
    long total = RedisFrame.HEADER_BYTES + header.length();
    long expected = Math.min(first, total);
    if (start.length != expected) {
      throw new IOException(
          "the Redis value of "
              + where
              + (start.length < expected ? " ends at " : " holds at least ")
              + start.length
              + " bytes where its header declares "
              + total
              + "; it is computed again and replaced");
    }
    if (total <= first) {
      // In heap already: memo reads it without a buffer of its own.
      return Optional.of(
          new ByteArrayInputStream(start, RedisFrame.HEADER_BYTES, (int) header.length()));
    }
    return Optional.of(new ChunkedEntryStream(connections, entryKey, where, header, start, chunk));
  }

  /** Renews the entry's expiry unless this process did within the touch interval. */
  private void touch(Jedis jedis, byte[] entryKey) {
    String k = new String(entryKey, StandardCharsets.ISO_8859_1);
    long now = System.nanoTime();
    Long last = touched.get(k);
    if (last != null && now - last < touchInterval.toNanos()) {
      return;
    }
    if (touched.size() >= MAX_REMEMBERED) {
      touched.clear();
    }
    touched.put(k, now);
    jedis.pexpire(entryKey, options.maxAge().toMillis());
  }

  // ---------------------------------------------------------------- writing

  @Override
  public void put(String namespace, Signature key, EntryWriter writer) throws IOException {
    connections.checkOpen();
    String id = id(namespace);
    registerNamespace(namespace, id);
    ChunkedEntryWriter out = new ChunkedEntryWriter(namespace, key, id);
    boolean published = false;
    try {
      writer.writeTo(out);
      out.publish();
      published = true;
    } finally {
      if (!published) {
        out.abandon();
      }
    }
    touched.put(new String(keys.entry(id, key), StandardCharsets.ISO_8859_1), System.nanoTime());
  }

  /** Writes the namespace's text once per process, and again after Redis failed. */
  private void registerNamespace(String namespace, String id) throws IOException {
    long failures = failureCount();
    String remembered = failures + ":" + id;
    if (registered.contains(remembered)) {
      return;
    }
    connections.call(
        "record namespace \"" + namespace + "\"",
        jedis ->
            jedis.set(keys.namespace(id), RedisKeys.units(namespace), SetParams.setParams().nx()));
    if (registered.size() >= MAX_REMEMBERED) {
      registered.clear();
    }
    registered.add(remembered);
  }

  /**
   * Collects an entry's bytes a chunk at a time: the first chunk is kept, in case it is the only
   * one (then one {@code SET} publishes it); once a second begins, chunks go to a temporary key.
   * Closing it does nothing, so a writer that closes its stream does no harm.
   */
  private final class ChunkedEntryWriter extends OutputStream {
    private final String namespace;
    private final Signature key;
    private final String id;
    private final byte[] token = new byte[RedisFrame.TOKEN_BYTES];
    private final int chunk = options.chunkBytes();

    /** Grows up to a chunk: most entries are far smaller than one. */
    private byte[] buffer = new byte[Math.min(options.chunkBytes(), 8192)];

    private int count = RedisFrame.HEADER_BYTES;
    private long written;
    private byte[] temp;

    ChunkedEntryWriter(String namespace, Signature key, String id) {
      this.namespace = namespace;
      this.key = key;
      this.id = id;
      ThreadLocalRandom.current().nextBytes(token);
    }

    @Override
    public void write(int b) throws IOException {
      room(1);
      makeRoom();
      buffer[count++] = (byte) b;
      written++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      room(len);
      while (len > 0) {
        makeRoom();
        int n = Math.min(len, buffer.length - count);
        System.arraycopy(b, off, buffer, count, n);
        count += n;
        off += n;
        len -= n;
        written += n;
      }
    }

    private void room(int len) throws IOException {
      if (written + len > options.maxEntryBytes()) {
        throw new IOException(
            "an entry of \""
                + namespace
                + "\" is larger than the redis"
                + " store's max-entry-bytes of "
                + options.maxEntryBytes()
                + " bytes, so it is not"
                + " stored in Redis (its result is returned all the same); raise"
                + " memo.store.redis.max-entry-bytes to store such entries");
      }
    }

    /** Sends a full chunk, or grows the buffer towards a chunk. */
    private void makeRoom() throws IOException {
      if (count == chunk) {
        flushChunk();
      } else if (count == buffer.length) {
        buffer = java.util.Arrays.copyOf(buffer, (int) Math.min(chunk, 2L * buffer.length));
      }
    }

    /** Sends the buffer, a whole chunk; the first one creates the temporary key. */
    private void flushChunk() throws IOException {
      if (temp == null) {
        temp = keys.temp(id, key);
        RedisFrame.writeHeader(buffer, token, 0); // the length is set when published
        connections.call(
            "write entry " + key + " of \"" + namespace + "\"",
            jedis -> jedis.set(temp, buffer, SetParams.setParams().px(TEMP_TTL_MILLIS)));
      } else {
        connections.call(
            "write entry " + key + " of \"" + namespace + "\"",
            jedis -> jedis.append(temp, buffer));
      }
      count = 0;
    }

    void publish() throws IOException {
      byte[] entryKey = keys.entry(id, key);
      long ttl = options.maxAge() == null ? 0 : options.maxAge().toMillis();
      if (temp == null) {
        RedisFrame.writeHeader(buffer, token, written);
        byte[] value = java.util.Arrays.copyOf(buffer, count);
        connections.call(
            "write entry " + key + " of \"" + namespace + "\"",
            jedis -> {
              SetParams params = SetParams.setParams();
              if (ttl > 0) {
                params.px(ttl);
              }
              return jedis.set(entryKey, value, params);
            });
        return;
      }
      byte[] last = java.util.Arrays.copyOf(buffer, count);
      long total = RedisFrame.HEADER_BYTES + written;
      Object done =
          connections.call(
              "publish entry " + key + " of \"" + namespace + "\"",
              jedis -> {
                if (last.length > 0) {
                  jedis.append(temp, last);
                }
                return jedis.eval(
                    PUBLISH,
                    List.of(temp, entryKey),
                    List.of(
                        RedisFrame.lengthBytes(written),
                        RedisKeys.bytes(Long.toString(total)),
                        RedisKeys.bytes(Long.toString(ttl))));
              });
      if (!Long.valueOf(1).equals(done)) {
        throw new IOException(
            "entry "
                + key
                + " of \""
                + namespace
                + "\" lost part of its bytes"
                + " in Redis while written (evicted under maxmemory, or Redis restarted); not stored");
      }
    }

    /** Deletes the temporary key of a put that failed; it expires by itself otherwise. */
    void abandon() {
      if (temp == null || connections.closed()) {
        return;
      }
      try {
        connections.call("delete a temporary key", jedis -> jedis.del(temp));
      } catch (IOException | RuntimeException e) {
        // It expires after TEMP_TTL_MILLIS.
      }
    }
  }

  // ---------------------------------------------------------------- removing

  @Override
  public boolean remove(String namespace, Signature key) throws IOException {
    byte[] entryKey = keys.entry(id(namespace), key);
    return connections.call(
        "remove entry " + key + " of \"" + namespace + "\"", jedis -> jedis.del(entryKey) > 0);
  }

  /**
   * Renames the entry to {@code <prefix>q:{<ns>:<key>}:<millis>} and writes the reason beside it,
   * both expiring after 7 days. Does nothing when the entry is absent.
   */
  @Override
  public void quarantine(String namespace, Signature key, String reason) throws IOException {
    String id = id(namespace);
    String aside = keys.quarantine(id, key, System.currentTimeMillis());
    connections.call(
        "quarantine entry " + key + " of \"" + namespace + "\"",
        jedis ->
            jedis.eval(
                QUARANTINE,
                List.of(
                    keys.entry(id, key),
                    RedisKeys.bytes(aside),
                    RedisKeys.bytes(aside + ":reason")),
                List.of(
                    reason.getBytes(StandardCharsets.UTF_8),
                    RedisKeys.bytes(Long.toString(QUARANTINE_TTL_MILLIS)))));
  }

  /**
   * Lists its namespaces and entries with {@code SCAN}, and coordinates processes with claims
   * unless {@code memo.store.redis.claims=false}. It does not prune: the server's expiry and {@code
   * maxmemory} policy bound it.
   */
  @Override
  public Set<Capability> capabilities() {
    return claims == null
        ? EnumSet.of(Capability.LISTING)
        : EnumSet.of(Capability.LISTING, Capability.CLAIMS);
  }

  // ---------------------------------------------------------------- claims

  /**
   * With claims on (the default), claims the entry with {@code SET <claim key> <token> NX PX}; see
   * {@link RedisClaims}. Empty with {@code memo.store.redis.claims=false}.
   */
  @Override
  public Optional<Claim> claim(String namespace, Signature key) throws IOException {
    connections.checkOpen();
    if (claims == null) {
      return Optional.empty();
    }
    return Optional.of(claims.claim(namespace, id(namespace), key));
  }

  // ---------------------------------------------------------------- listing

  /** Lists the namespaces whose text was recorded, found with {@code SCAN}. */
  @Override
  public Set<String> namespaces() throws IOException {
    Set<String> names = new HashSet<>();
    scan(
        "list namespaces",
        keys.namespacePattern(),
        (jedis, batch) -> {
          Pipeline p = jedis.pipelined();
          List<Response<byte[]>> values = new ArrayList<>();
          for (byte[] k : batch) {
            values.add(p.get(k));
          }
          p.sync();
          for (int i = 0; i < batch.size(); i++) {
            byte[] units = values.get(i).get();
            if (units != null
                && RedisKeys.namespaceId(RedisKeys.fromUnits(units))
                    .equals(keys.namespaceIdOf(batch.get(i)))) {
              names.add(RedisKeys.fromUnits(units));
            }
          }
        });
    return names;
  }

  /**
   * Lists a namespace's entries, found with {@code SCAN}; sizes are the entries' bytes, and with
   * {@code max-age} the last access is derived from the remaining expiry.
   */
  @Override
  public void forEachEntry(String namespace, Consumer<? super StoreEntry> action)
      throws IOException {
    String id = id(namespace);
    List<StoreEntry> found = new ArrayList<>();
    Set<Signature> seen = new HashSet<>();
    scan(
        "list the entries of \"" + namespace + "\"",
        keys.entryPattern(id),
        (jedis, batch) -> {
          Pipeline p = jedis.pipelined();
          List<Response<Long>> sizes = new ArrayList<>();
          List<Response<Long>> ttls = new ArrayList<>();
          for (byte[] k : batch) {
            sizes.add(p.strlen(k));
            ttls.add(p.pttl(k));
          }
          p.sync();
          long now = System.currentTimeMillis();
          for (int i = 0; i < batch.size(); i++) {
            Signature key = keys.keyOf(batch.get(i), id);
            long size = sizes.get(i).get();
            if (key == null || size < RedisFrame.HEADER_BYTES || !seen.add(key)) {
              continue; // removed meanwhile, or seen already (SCAN may return a key twice)
            }
            long ttl = ttls.get(i).get();
            Optional<Instant> access =
                options.maxAge() != null && ttl >= 0
                    ? Optional.of(
                        Instant.ofEpochMilli(now - Math.max(0, options.maxAge().toMillis() - ttl)))
                    : Optional.empty();
            found.add(new StoreEntry(key, size - RedisFrame.HEADER_BYTES, access));
          }
        });
    // After the scan: the action may remove entries, and holds no connection meanwhile.
    found.forEach(action);
  }

  /** Removes the namespace's entries found with {@code SCAN}, with {@code UNLINK}. */
  @Override
  public long clear(String namespace) throws IOException {
    String id = id(namespace);
    long[] removed = {0};
    scan(
        "clear \"" + namespace + "\"",
        keys.entryPattern(id),
        (jedis, batch) -> removed[0] += jedis.unlink(batch.toArray(new byte[0][])));
    return removed[0];
  }

  @FunctionalInterface
  private interface Batch {
    void accept(Jedis jedis, List<byte[]> keys) throws IOException;
  }

  private void scan(String what, byte[] pattern, Batch batch) throws IOException {
    connections.call(
        what,
        jedis -> {
          ScanParams params = new ScanParams().match(pattern).count(SCAN_COUNT);
          byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
          do {
            ScanResult<byte[]> result = jedis.scan(cursor, params);
            if (!result.getResult().isEmpty()) {
              batch.accept(jedis, result.getResult());
            }
            cursor = result.getCursorAsBytes();
          } while (!result0(cursor));
          return null;
        });
  }

  private static boolean result0(byte[] cursor) {
    return cursor.length == 1 && cursor[0] == '0';
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Releases the claims still held, stops renewing them and closes the connections; calls in flight
   * finish or fail, later ones fail. Closing twice is fine.
   */
  @Override
  public void close() {
    if (connections.closed()) {
      return;
    }
    if (claims != null) {
      claims.close();
    }
    connections.close();
  }

  @Override
  public String toString() {
    return "RedisStore{uri="
        + connections.address().redacted()
        + ", prefix="
        + options.prefix()
        + (options.maxAge() == null ? "" : ", max-age=" + options.maxAge())
        + (claims == null ? "" : ", claim-timeout=" + options.claimTimeout())
        + "}";
  }

  /** Throws if closed; for the stream and claims of this store. */
  void checkOpen() {
    if (connections.closed()) {
      throw new StoreException(
          "the redis store at " + connections.address().redacted() + " is closed");
    }
  }
}
