package dev.memo.core.code;

import dev.memo.core.code.Locations.Kind;
import dev.memo.core.code.Locations.Location;
import dev.memo.core.config.LazyLogger;
import dev.memo.core.sign.CanonicalEncoder;
import dev.memo.spi.support.RegularFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a function's walked code across runs, so that a new process whose code did not change signs
 * it without parsing a class file (and without loading ASM). One file per function under the
 * store's folder, {@code <folder>/.code/<32 hex digits>.code}, named by the digest of the key.
 *
 * <p><b>What a file is trusted for, and when.</b> The walk's result ({@link FunctionCode}'s items)
 * is a function of: the key (the function's class, method, version, captured lambdas, added
 * classes), the configuration ({@code memo.code.include}, {@code memo.code.ignore-fields}), the JVM
 * (its full version, home and vendor), memo's own code and ASM's (their files' paths, sizes and
 * modification times), the loader's class directories, and what the walk observed. A file records
 * the key and every observation, and is used only when each still holds:
 *
 * <ul>
 *   <li>every class name the walk located is found at the same address with the same kind (JDK,
 *       memo, application, library, missing); a walk that found a name missing is not kept;
 *   <li>every application class file the walk parsed has the content digest of the bytes it parsed,
 *       and did not change after the JVM may have loaded it (see {@link CodeSigner});
 *   <li>every jar it located (libraries, included jars) has the statistics it had ({@link
 *       RootDigests#stats}: size, modification and status-change times, file number), and was last
 *       changed at least two seconds before the file was written, so that a jar rewritten within
 *       the clock's granularity is not taken for the one hashed; a size and modification time alone
 *       are not trusted (copies and reproducible builds keep them across different contents), so
 *       where the file system keeps no status-change time nothing is kept;
 *   <li>every class directory or jar it read for subtypes has the digest of its class files it had:
 *       not read again when the statistics of its class files (names, sizes, modification and
 *       status-change times, file numbers: {@link RootDigests#stats}) are those recorded, which
 *       were taken, before the contents were digested again to confirm them, of files last changed
 *       at least two seconds earlier; where the file system keeps no status-change time, always
 *       read;
 *   <li>every class-path resource it read has the same content.
 * </ul>
 *
 * <p>The static fields and named values read are recorded as names; which of them are signed is
 * decided again at every load ({@link ReadFields}), since it depends on values and configuration at
 * wrap time. The file ends with the SHA-256 of what precedes it: a truncated, damaged or foreign
 * file, one written for another key, or one whose observations no longer hold is ignored (and
 * replaced by the next walk's), never trusted. Writes go to a hidden temporary file renamed over
 * the target, so readers see a whole file or none.
 *
 * <p>Thread-safe: files are replaced atomically; two processes writing one key write the same
 * content.
 */
final class CodeCache {
  private static final System.Logger LOG = LazyLogger.of("dev.memo");

  /** The folder under the store's folder. */
  static final String FOLDER = ".code";

  /** Every kept walk's file name ends with this; a file being written is hidden and ends .tmp. */
  static final String SUFFIX = ".code";

  /**
   * A file used again has its modification time set to now, at most this often, so that a store's
   * age bound removes only the walks no process used for that long.
   */
  static final long TOUCH_MILLIS = 3_600_000;

  private static final int MAGIC = 0x6d656d43; // "memC"
  private static final int FORMAT = 3;
  private static final int MAX_BYTES = 16 << 20;
  private static final int DIGEST_BYTES = 32;

  /** Older than this when the file was written, a jar's size and time stand for its content. */
  static final long RACY_MILLIS = 2_000;

  private final Path folder;

  /**
   * Creates the cache kept in a folder, which is created on the first write.
   *
   * @param folder such as {@code .memo/.code}
   */
  CodeCache(Path folder) {
    this.folder = folder;
  }

  /**
   * Returns the full key of a function's walk, or null when memo's own code cannot be identified
   * (then nothing is cached).
   *
   * @param signerKey the key {@link CodeSigner} caches the walk by in this JVM
   */
  static @Nullable String key(
      FunctionRef ref, String signerKey, List<String> include, Set<String> ignoredFields) {
    String memo = Identity.VALUE;
    if (memo == null) {
      return null;
    }
    StringBuilder key = new StringBuilder("memo code cache ").append(FORMAT);
    key.append("\nfunction ").append(ref.implClass().getName()).append('\u0000').append(signerKey);
    key.append("\ninclude ").append(String.join("\u0000", include));
    key.append("\nignore-fields ").append(String.join("\u0000", new TreeSet<>(ignoredFields)));
    key.append("\njava ")
        .append(javaVersion(Runtime.version()))
        .append('\u0000')
        .append(System.getProperty("java.vendor", ""))
        .append('\u0000')
        .append(System.getProperty("java.home", ""));
    key.append("\nmemo ").append(memo);
    key.append("\nroots");
    for (Path root : Locations.loaderRoots(ref.implClass().getClassLoader())) {
      key.append('\u0000').append(root);
    }
    return key.toString();
  }

  /**
   * The text of {@link Runtime.Version#toString()}, built without the stream that method runs (a
   * stream and its collector cost a new process's first hit several milliseconds of class loading).
   */
  static String javaVersion(Runtime.Version v) {
    StringBuilder sb = new StringBuilder();
    for (Integer n : v.version()) {
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(n);
    }
    if (v.pre().isPresent()) {
      sb.append('-').append(v.pre().get());
    }
    if (v.build().isPresent()) {
      sb.append('+').append(v.build().get());
      if (v.optional().isPresent()) {
        sb.append('-').append(v.optional().get());
      }
    } else if (v.optional().isPresent()) {
      sb.append(v.pre().isPresent() ? "-" : "+-").append(v.optional().get());
    }
    return sb.toString();
  }

  /** The file of a key. */
  Path file(String key) {
    return folder.resolve(CodeHashes.sha(key.getBytes(StandardCharsets.UTF_8)) + SUFFIX);
  }

  /**
   * Returns the walk kept for a key if everything it observed still holds, else null.
   *
   * @param key from {@link #key}
   * @param encoders tells whether a value can be signed, for {@link ReadFields}
   */
  @Nullable FunctionCode load(
      String key,
      FunctionRef ref,
      List<String> include,
      Set<String> ignoredFields,
      @Nullable Supplier<CanonicalEncoder> encoders) {
    Path file = file(key);
    try {
      byte[] bytes = read(file);
      if (bytes == null) {
        return null;
      }
      FunctionCode code = check(key, bytes, ref, include, ignoredFields, encoders);
      if (code == null) {
        LOG.log(Level.DEBUG, () -> "code cache " + file + " no longer holds; walking the code");
      } else {
        touch(file);
      }
      return code;
    } catch (IOException | RuntimeException e) {
      // Damaged, truncated or crafted: walk the code instead, and replace the file.
      LOG.log(Level.DEBUG, () -> "code cache " + file + " is unusable (" + e + "); walking");
      return null;
    }
  }

  /**
   * Sets a used file's modification time to now when it is older than {@link #TOUCH_MILLIS}; a
   * failure (a read-only store) only leaves it looking older. Never through a link.
   */
  private static void touch(Path file) {
    try {
      long now = System.currentTimeMillis();
      BasicFileAttributes a =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.lastModifiedTime().toMillis() < now - TOUCH_MILLIS) {
        RegularFiles.setLastModifiedTime(file, FileTime.fromMillis(now));
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, () -> "cannot record the use of " + file + ": " + e);
    }
  }

  /**
   * Removes every kept walk and temporary file from a cache's folder, and the folder once empty.
   * Nothing is followed: a link where the folder belongs is left alone (memo never writes through
   * it), and so is anything in the folder that is not a file of memo's.
   *
   * @param folder such as {@code .memo/.code}; absent is fine
   * @return how many kept walks were removed
   * @throws IOException if the folder cannot be listed or a file removed
   */
  static long clear(Path folder) throws IOException {
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    long removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        boolean temp = name.startsWith(".") && name.endsWith(".tmp");
        if ((temp || name.endsWith(SUFFIX)) && !Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
          if (Files.deleteIfExists(f) && !temp) {
            removed++;
          }
        }
      }
    } catch (NoSuchFileException e) {
      return removed; // removed meanwhile
    }
    try {
      Files.deleteIfExists(folder);
    } catch (DirectoryNotEmptyException e) {
      // A walk kept meanwhile, or a file that is not memo's: the folder stays.
    }
    return removed;
  }

  private static byte @Nullable [] read(Path file) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (!a.isRegularFile() || a.size() > MAX_BYTES) {
      return null;
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      return bytes.length > MAX_BYTES ? null : bytes;
    }
  }

  private static @Nullable FunctionCode check(
      String key,
      byte[] bytes,
      FunctionRef ref,
      List<String> include,
      Set<String> ignoredFields,
      @Nullable Supplier<CanonicalEncoder> encoders)
      throws IOException {
    if (bytes.length < DIGEST_BYTES) {
      return null;
    }
    int body = bytes.length - DIGEST_BYTES;
    MessageDigest sha = CodeHashes.sha256();
    sha.update(bytes, 0, body);
    byte[] expected = new byte[DIGEST_BYTES];
    System.arraycopy(bytes, body, expected, 0, DIGEST_BYTES);
    if (!MessageDigest.isEqual(sha.digest(), expected)) {
      return null;
    }
    Input in = new Input(bytes, body);
    if (in.data.readInt() != MAGIC || in.data.readInt() != FORMAT || !in.string().equals(key)) {
      return null; // another format, or a file copied from another function's key
    }
    long writtenAt = in.data.readLong();
    ClassLoader loader = ref.implClass().getClassLoader();
    Locations locations = new Locations(loader, include);
    for (int i = 0, n = in.count(); i < n; i++) {
      String name = in.string();
      int kind = in.data.readUnsignedByte();
      String url = in.string();
      Location now = locations.locate(name);
      if (now.kind() == Kind.MISSING || now.kind().ordinal() != kind || !url.equals(url(now))) {
        return null;
      }
    }
    for (int i = 0, n = in.count(); i < n; i++) {
      Location loc = locations.locate(in.string());
      String hash = in.string();
      if (loc.kind() != Kind.APP
          || !hash.equals(CodeHashes.sha(Locations.read(loc)))
          || Locations.changedSinceLoaded(loc, Locations.modified(loc))) {
        return null;
      }
    }
    for (int i = 0, n = in.count(); i < n; i++) {
      Path jar = Path.of(in.string());
      String stats = in.string();
      if (!stats.equals(RootDigests.stats(jar, writtenAt - RACY_MILLIS))) {
        return null;
      }
    }
    for (int i = 0, n = in.count(); i < n; i++) {
      Path root = Path.of(in.string());
      String digest = in.string();
      String stats = in.string();
      if (!stats.isEmpty() && stats.equals(RootDigests.stats(root, Long.MAX_VALUE))) {
        continue; // no class file of it changed since its contents were digested
      }
      if (!digest.equals(RootDigests.of(root, (name, b) -> {}))) {
        return null;
      }
    }
    List<CodeItem> items = new ArrayList<>();
    for (int i = 0, n = in.count(); i < n; i++) {
      CodeItem item = new CodeItem(in.string(), in.string(), in.string());
      if (item.key().startsWith("resource ")
          && !item.hash()
              .equals(
                  Locations.resourceHash(
                      loader, item.key().substring("resource ".length()), ref.qualifiedName()))) {
        return null;
      }
      items.add(item);
    }
    List<String[]> reads = new ArrayList<>();
    for (int i = 0, n = in.count(); i < n; i++) {
      reads.add(new String[] {in.string(), in.string()});
    }
    Set<String> readOutside = in.strings();
    Set<String> written = in.strings();
    List<StaticField> properties = new ArrayList<>();
    for (int i = 0, n = in.count(); i < n; i++) {
      boolean env = in.data.readBoolean();
      String name = in.string();
      properties.add(env ? StaticField.environmentVariable(name) : StaticField.property(name));
    }
    if (in.data.available() != 0) {
      return null;
    }
    List<StaticField> fields =
        ReadFields.of(
            reads, readOutside, properties, loader, ignoredFields, encoders, ref.qualifiedName());
    List<StaticField> changing = new ArrayList<>();
    for (StaticField f : fields) { // a loop: a stream here is a new process's first one
      if (written.contains(f.name())) {
        changing.add(f);
      }
    }
    changing = List.copyOf(changing);
    return new FunctionCode(items, fields, changing, List.of());
  }

  /**
   * Keeps a walk's result for later runs, unless something it depends on cannot be checked later (a
   * missing class, a class at an address that is neither a file nor a jar) or changed during the
   * walk. Failures to write are logged at DEBUG: the next run walks again.
   */
  void save(String key, WalkFacts facts, FunctionCode code) {
    try {
      byte[] bytes = encode(key, facts, code);
      if (bytes != null) {
        write(file(key), bytes);
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, () -> "cannot keep the code signature in " + folder + ": " + e);
    }
  }

  private static byte @Nullable [] encode(String key, WalkFacts facts, FunctionCode code)
      throws IOException {
    if (!code.rebuiltClasses().isEmpty()) {
      return null;
    }
    long now = System.currentTimeMillis();
    Set<Path> jars = new TreeSet<>();
    Map<String, Location> located = new TreeMap<>(facts.located());
    for (Location loc : located.values()) {
      switch (loc.kind()) {
        case MISSING:
          return null; // a class made at run time, or one that may appear: not checkable
        case LIBRARY:
        case APP:
          if (loc.root() == null) {
            return null; // neither a file nor in a jar
          }
          if (Files.isRegularFile(loc.root())) {
            jars.add(loc.root());
          }
          break;
        default:
      }
    }
    for (Path root : facts.hierarchyRoots().keySet()) {
      if (Files.isRegularFile(root)) {
        jars.add(root);
      }
    }
    // Each jar's hash among the items must be the one of the jar as it is now.
    Set<String> current = new HashSet<>();
    for (Path jar : jars) {
      String hash = Locations.knownJarHash(jar);
      if (hash != null) {
        current.add(hash);
      }
    }
    for (CodeItem item : code.items()) {
      if (item.key().equals("jar") && !current.contains(item.hash())) {
        return null;
      }
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);
    DataOutputStream out = new DataOutputStream(buffer);
    out.writeInt(MAGIC);
    out.writeInt(FORMAT);
    string(out, key);
    out.writeLong(now);
    out.writeInt(located.size());
    for (Map.Entry<String, Location> e : located.entrySet()) {
      string(out, e.getKey());
      out.writeByte(e.getValue().kind().ordinal());
      string(out, url(e.getValue()));
    }
    Map<String, String> classes = new TreeMap<>(facts.classHashes());
    out.writeInt(classes.size());
    for (Map.Entry<String, String> e : classes.entrySet()) {
      string(out, e.getKey());
      string(out, e.getValue());
    }
    out.writeInt(jars.size());
    for (Path jar : jars) {
      String stats = RootDigests.stats(jar, now - RACY_MILLIS);
      if (stats == null) {
        return null; // too fresh for its statistics to stand for its content, or no ctime to trust
      }
      string(out, jar.toString());
      string(out, stats);
    }
    Map<Path, String> roots = new TreeMap<>(facts.hierarchyRoots());
    out.writeInt(roots.size());
    for (Map.Entry<Path, String> e : roots.entrySet()) {
      // The statistics first, then the contents again: a file rewritten after the walk read it
      // either fails the comparison here (nothing is kept) or changed its statistics since.
      long statted = System.currentTimeMillis();
      String stats = RootDigests.stats(e.getKey(), statted - RACY_MILLIS);
      if (stats != null && !RootDigests.of(e.getKey(), (name, b) -> {}).equals(e.getValue())) {
        return null; // changed since the walk
      }
      string(out, e.getKey().toString());
      string(out, e.getValue());
      string(out, stats == null ? "" : stats);
    }
    out.writeInt(code.items().size());
    for (CodeItem item : code.items()) {
      string(out, item.key());
      string(out, item.name());
      string(out, item.hash());
    }
    out.writeInt(facts.staticReads().size());
    for (String[] read : facts.staticReads()) {
      string(out, read[0]);
      string(out, read[1]);
    }
    strings(out, facts.readOutsideInitializers());
    strings(out, facts.written());
    out.writeInt(facts.properties().size());
    for (StaticField p : facts.properties()) {
      String name = p.key();
      if (name == null) {
        return null; // not a named value: nothing this format knows how to keep
      }
      out.writeBoolean(p.isEnvironmentVariable());
      string(out, name);
    }
    out.flush();
    byte[] body = buffer.toByteArray();
    buffer.write(CodeHashes.sha256().digest(body));
    return buffer.toByteArray();
  }

  private void write(Path target, byte[] bytes) throws IOException {
    Files.createDirectories(folder);
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return; // a link where the folder belongs: keep nothing there
    }
    Path temp =
        folder.resolve(
            "."
                + target.getFileName()
                + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
    try {
      Files.write(temp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        return; // a folder that cannot replace atomically: keep nothing rather than half a file
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static String url(Location loc) {
    URL url = loc.url();
    return url == null ? "" : url.toString();
  }

  private static long nanos(FileTime time) {
    var instant = time.toInstant();
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static void strings(DataOutputStream out, Set<String> values) throws IOException {
    out.writeInt(values.size());
    for (String v : new TreeSet<>(values)) {
      string(out, v);
    }
  }

  /** Reads a file's body, refusing lengths and counts its remaining bytes cannot hold. */
  private static final class Input {
    final DataInputStream data;

    Input(byte[] bytes, int length) {
      this.data = new DataInputStream(new ByteArrayInputStream(bytes, 0, length));
    }

    int count() throws IOException {
      int n = data.readInt();
      if (n < 0 || n > data.available()) {
        throw new IOException("count " + n + " exceeds the bytes left");
      }
      return n;
    }

    String string() throws IOException {
      byte[] b = new byte[count()];
      data.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    Set<String> strings() throws IOException {
      Set<String> values = new HashSet<>();
      for (int i = 0, n = count(); i < n; i++) {
        values.add(string());
      }
      return values;
    }
  }

  /**
   * memo's own code and ASM's, which decide how code is walked and hashed: each root's path, size
   * and modification time (for a class directory, those of every file in it), once per JVM. Null
   * when a root is not a local file.
   */
  private static final class Identity {
    static final @Nullable String VALUE = compute();

    private static @Nullable String compute() {
      Set<Path> roots = new TreeSet<>(Locations.memoRoots());
      if (roots.isEmpty()) {
        return null;
      }
      StringBuilder sb = new StringBuilder();
      try {
        for (Path root : roots) {
          sb.append(root).append('|');
          if (Files.isRegularFile(root)) {
            stat(sb, root);
          } else if (Files.isDirectory(root)) {
            MessageDigest sha = CodeHashes.sha256();
            try (Stream<Path> files = Files.walk(root)) {
              for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                StringBuilder line = new StringBuilder(root.relativize(f).toString()).append('|');
                stat(line, f);
                sha.update(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
              }
            }
            sb.append(HexFormat.of().formatHex(sha.digest(), 0, 16));
          } else {
            return null;
          }
          sb.append('\u0000');
        }
      } catch (IOException | RuntimeException e) {
        return null;
      }
      ClassLoader own = CodeCache.class.getClassLoader();
      String asm = "org/objectweb/asm/ClassReader.class";
      URL url = own == null ? ClassLoader.getSystemResource(asm) : own.getResource(asm);
      return sb.append("asm ").append(url).toString();
    }

    /**
     * A file's size and modification time, and where the file system keeps them its status-change
     * time and file number, which no copy or build that fixes times can keep.
     */
    private static void stat(StringBuilder sb, Path file) throws IOException {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      sb.append(a.size()).append('|').append(nanos(a.lastModifiedTime()));
      try {
        Map<String, Object> unix = Files.readAttributes(file, "unix:ctime,ino");
        // The change time as nanoseconds: FileTime's text would load java.time's formatting.
        Object ctime = unix.get("ctime");
        sb.append('|').append(ctime instanceof FileTime t ? nanos(t) : ctime);
        sb.append('|').append(unix.get("ino"));
      } catch (UnsupportedOperationException | IllegalArgumentException e) {
        // no unix view: size and modification time only
      }
    }
  }
}
