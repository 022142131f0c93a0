package dev.memo.core.store;

import dev.memo.core.config.LazyLogger;
import dev.memo.spi.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Claims on computing entries of a {@link DirectoryStore}, kept as marker files beside the entries:
 * {@code .<key>.claim} in the entry's folder. A marker is created atomically (it must not exist
 * yet), holds the claiming process's id, host, start time and a random token as {@code name=value}
 * lines, and is deleted when the claim is closed.
 *
 * <p>A marker is stale, and the next claim takes it over, when it is older than the timeout (by its
 * modification time), or when it names a process on this host that is no longer alive (or whose id
 * now belongs to a process started at another time). Taking over renames the marker aside first, so
 * that of two processes taking over one stale marker only one wins; a claim that was renamed aside
 * by mistake is put back. Two holders remain possible in rare races (a marker taken over the moment
 * it is replaced); the only cost is a second computation of the same value.
 *
 * <p>Thread-safe.
 */
final class DirectoryClaims {
  /** A marker's name is {@code .<key hex>} followed by this. */
  static final String SUFFIX = ".claim";

  private static final System.Logger LOG = LazyLogger.of(DirectoryClaims.class.getName());
  private static final int ATTEMPTS = 8;

  private final Duration timeout;

  /**
   * Creates claims with a timeout.
   *
   * @param timeout the age after which a marker is stale whatever its holder
   */
  DirectoryClaims(Duration timeout) {
    this.timeout = timeout;
  }

  /** Returns the age after which a marker is stale whatever its holder. */
  Duration timeout() {
    return timeout;
  }

  /** Returns the marker of the entry at this path. */
  static Path markerOf(Path entry, String keyHex) {
    return entry.resolveSibling("." + keyHex + SUFFIX);
  }

  /**
   * Claims through a marker: creates it, or takes it over if stale.
   *
   * @param marker the marker's path; its folder is created if needed
   * @return a held claim, or one held elsewhere when a live process holds the marker
   * @throws IOException if the marker cannot be created or read
   */
  Store.Claim claim(Path marker) throws IOException {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      byte[] mine = Owner.SELF.content();
      if (create(marker, mine)) {
        return new Held(marker, mine);
      }
      byte[] theirs;
      Instant modified;
      try {
        theirs = Files.readAllBytes(marker);
        modified = Files.getLastModifiedTime(marker).toInstant();
      } catch (NoSuchFileException e) {
        continue; // released meanwhile: try again
      }
      Optional<String> stale = staleness(theirs, modified);
      if (stale.isEmpty()) {
        return HeldElsewhere.INSTANCE;
      }
      takeOver(marker, theirs, stale.get());
    }
    // Markers that come and go faster than we can claim them: someone else is computing.
    return HeldElsewhere.INSTANCE;
  }

  private static boolean create(Path marker, byte[] content) throws IOException {
    try {
      write(marker, content);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (NoSuchFileException e) {
      Files.createDirectories(marker.getParent());
      try {
        write(marker, content);
        return true;
      } catch (FileAlreadyExistsException again) {
        return false;
      }
    }
  }

  /**
   * Creates the marker with its whole content at once: written to a temporary file, then linked to
   * the marker's name, which fails if the marker exists. A process killed while creating it
   * therefore never leaves an empty marker that would look alive until the timeout. File systems
   * without hard links get the marker created and written in two steps.
   */
  private static void write(Path marker, byte[] content) throws IOException {
    Path temp =
        marker.resolveSibling(
            marker.getFileName()
                + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
    Files.write(temp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      Files.createLink(marker, temp);
      return;
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (e instanceof FileAlreadyExistsException exists) {
        throw exists;
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    try (OutputStream out =
        Files.newOutputStream(marker, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      out.write(content);
    }
  }

  /** Returns why a marker is stale, or empty if its holder may still be computing. */
  Optional<String> staleness(byte[] content, Instant modified) {
    Duration age = Duration.between(modified, Instant.now());
    if (age.compareTo(timeout) > 0) {
      return Optional.of("older than the claim timeout " + timeout + " (" + age + ")");
    }
    // Markers are complete when they appear (see write); one that is not, on a file system without
    // hard links, may still be being written: its holder counts as alive.
    Map<String, String> fields = parse(content);
    if (!Owner.SELF.host.equals(fields.get("host"))) {
      return Optional.empty();
    }
    long pid;
    long started;
    try {
      pid = Long.parseLong(fields.getOrDefault("pid", ""));
      started = Long.parseLong(fields.getOrDefault("started", ""));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      return Optional.of("process " + pid + " on this host is no longer alive");
    }
    Optional<Instant> start = process.get().info().startInstant();
    if (started >= 0 && start.isPresent() && start.get().toEpochMilli() != started) {
      return Optional.of("process id " + pid + " now belongs to another process");
    }
    return Optional.empty();
  }

  private static void takeOver(Path marker, byte[] stale, String why) throws IOException {
    Path aside =
        marker.resolveSibling(
            marker.getFileName()
                + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".stale");
    try {
      Files.move(marker, aside, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return; // another process took it over first
    }
    byte[] moved;
    try {
      moved = Files.readAllBytes(aside);
    } catch (NoSuchFileException e) {
      return;
    }
    if (Arrays.equals(moved, stale)) {
      Files.deleteIfExists(aside);
      LOG.log(Level.DEBUG, () -> "took over the claim " + marker + ": " + why);
      return;
    }
    // The stale marker was replaced between reading and renaming it: give the new one back.
    try {
      Files.move(aside, marker);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(aside);
    }
  }

  static Map<String, String> parse(byte[] content) {
    Map<String, String> fields = new HashMap<>();
    for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        fields.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return fields;
  }

  /** This process, as markers name it. */
  static final class Owner {
    static final Owner SELF = new Owner();

    final long pid;
    final String host;
    final long started;

    private Owner() {
      ProcessHandle self = ProcessHandle.current();
      pid = self.pid();
      host = hostName();
      started = self.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    }

    /** A new marker's content: the owner and a token that tells this claim from any other. */
    byte[] content() {
      return ("pid="
              + pid
              + "\nhost="
              + host
              + "\nstarted="
              + started
              + "\ntoken="
              + Long.toHexString(ThreadLocalRandom.current().nextLong())
              + "\n")
          .getBytes(StandardCharsets.UTF_8);
    }

    private static String hostName() {
      // The kernel's name first: InetAddress can wait seconds for a resolver.
      try {
        String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        if (!name.isEmpty()) {
          return name;
        }
      } catch (IOException | RuntimeException e) {
        // not Linux
      }
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException | RuntimeException e) {
        return "unknown";
      }
    }
  }

  /** A claim this process holds: closing deletes the marker, if it is still this claim's. */
  private static final class Held implements Store.Claim {
    private final Path marker;
    private final byte[] content;
    private boolean closed;

    Held(Path marker, byte[] content) {
      this.marker = marker;
      this.content = content;
    }

    @Override
    public boolean held() {
      return true;
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        // Taken over after the timeout: the marker is someone else's now.
        if (Arrays.equals(Files.readAllBytes(marker), content)) {
          Files.deleteIfExists(marker);
        }
      } catch (NoSuchFileException e) {
        // taken over and released already
      }
    }

    @Override
    public String toString() {
      return "claim " + marker + " (held)";
    }
  }

  /** A claim another process holds. */
  private static final class HeldElsewhere implements Store.Claim {
    static final HeldElsewhere INSTANCE = new HeldElsewhere();

    @Override
    public boolean held() {
      return false;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "claim held by another process";
    }
  }
}
