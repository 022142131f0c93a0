package dev.memo.spi.support;

import dev.memo.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens and touches a store's files as regular files only, never following a symbolic link and
 * never waiting on a FIFO, so that a link, FIFO, device or folder where a store expects one of its
 * files can neither lead memo outside the store nor hang it. Stateless and thread-safe.
 *
 * <p>Java has no {@code O_NONBLOCK} open option and cannot read the attributes of an open stream's
 * file (no {@code fstat}), and a file's type can change between a check and an open (a FIFO renamed
 * over a checked entry). So every open and every time change here is done in two steps:
 *
 * <ol>
 *   <li>the path's attributes are read without following links ({@link LinkOption#NOFOLLOW_LINKS});
 *       anything but a regular file is refused before it is opened;
 *   <li>the open (or {@code setTimes}) itself passes {@link LinkOption#NOFOLLOW_LINKS} ({@code
 *       O_NOFOLLOW}), so a link swapped in meanwhile fails instead of being followed. It runs under
 *       a guard: should it still be blocked after about {@value #GUARD_MILLIS} ms, as an open of a
 *       FIFO for reading blocks until a writer appears, the guard opens the same path for reading
 *       and writing without following links and closes it again. Opening a FIFO read-write never
 *       blocks on Linux or macOS, and it is the writer the blocked open waits for, so that open
 *       returns (and then reads an end of file). Opening a regular file read-write changes nothing,
 *       so a merely slow open loses nothing by the guard.
 * </ol>
 *
 * <p>So a FIFO swapped in between the steps gives a stream that ends at once, which memo's entry
 * checks see as a broken entry (a truncated one), never as a value. A second look at the path after
 * the open would prove nothing about the file that was opened, so none is taken. What the guard
 * cannot reach is a FIFO moved away while an open waits on it; that needs another process racing
 * memo on purpose inside the store's root.
 */
public final class RegularFiles {
  /** How long an open or time change may block before the guard releases it. */
  static final long GUARD_MILLIS = 200;

  /**
   * The opens and time changes in progress, by thread, with when they started. A map rather than a
   * task scheduled per open: an entry's open is on memo's hit path, and a put and a remove here
   * cost far less than scheduling and cancelling a task.
   */
  private static final Map<Thread, Pending> PENDING = new ConcurrentHashMap<>();

  private static final AtomicBoolean GUARD_STARTED = new AtomicBoolean();

  private record Pending(Path file, long startNanos) {}

  private RegularFiles() {}

  /** A store's file that is not a regular file: a symbolic link, folder, FIFO, device or socket. */
  public static final class NotRegularFileException extends FileSystemException {
    private static final long serialVersionUID = 1L;
    private final String kind;

    /**
     * Creates the exception.
     *
     * @param file the file
     * @param kind what it is, such as {@code a FIFO}
     */
    public NotRegularFileException(Path file, String kind) {
      super(file.toString(), null, "is " + kind + ", not a regular file");
      this.kind = kind;
    }

    /**
     * Returns what the file is.
     *
     * @return such as {@code a symbolic link}, {@code a directory} or {@code a FIFO}
     */
    public String kind() {
      return kind;
    }
  }

  /**
   * Opens a regular file for reading, never following a link and never blocking on a FIFO.
   *
   * @param file the file; not null
   * @return the file's bytes, to be closed by the caller; empty if nothing is at the path
   * @throws NotRegularFileException if something other than a regular file is at the path, or a
   *     link was swapped in while it was opened
   * @throws IOException if the file cannot be read
   */
  public static Optional<InputStream> open(Path file) throws IOException {
    Optional<BasicFileAttributes> before = attributes(file);
    return before.isEmpty() ? Optional.empty() : open(file, before.get());
  }

  /**
   * Reads a path's attributes without following a link, for {@link #open(Path,
   * BasicFileAttributes)} or {@link #openChannel}: a caller that decides how to open a file by its
   * size reads them once.
   *
   * @param file the path; not null
   * @return its attributes (of the link itself, if it is one); empty if nothing is at the path
   * @throws IOException if they cannot be read
   */
  public static Optional<BasicFileAttributes> attributes(Path file) throws IOException {
    try {
      return Optional.of(
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Opens a regular file for reading as {@link #open(Path)} does, given the attributes {@link
   * #attributes} read.
   *
   * @param file the file; not null
   * @param before the attributes {@link #attributes} read for it
   * @return the file's bytes, to be closed by the caller; empty if nothing is at the path any more
   * @throws NotRegularFileException if {@code before} is not of a regular file, or a link was
   *     swapped in while it was opened
   * @throws IOException if the file cannot be read
   */
  public static Optional<InputStream> open(Path file, BasicFileAttributes before)
      throws IOException {
    requireRegular(file, before);
    try {
      // Files.newInputStream rather than FileChannel.open: an interrupt of the reading thread
      // does not close its stream.
      return Optional.of(openGuarded(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      // Not only FileSystemException: a link met with NOFOLLOW_LINKS fails as a plain IOException.
      throw replacedOr(file, e);
    }
  }

  /**
   * Opens a regular file as a {@link FileChannel}, with the checks and the guard of {@link
   * #open(Path)}: for reading into a direct buffer, which a stream cannot do. Unlike the stream,
   * the channel is closed by an interrupt of a thread blocked in it ({@link
   * java.nio.channels.ClosedByInterruptException}); a caller reads with it only on a thread that is
   * not interrupted, and from the start again through {@link #open(Path)} if it is meanwhile.
   *
   * @param file the file; not null
   * @param before the attributes {@link #attributes} read for it
   * @return the channel, to be closed by the caller; empty if nothing is at the path any more
   * @throws NotRegularFileException if {@code before} is not of a regular file, or a link was
   *     swapped in while it was opened
   * @throws IOException if the file cannot be opened
   */
  public static Optional<FileChannel> openChannel(Path file, BasicFileAttributes before)
      throws IOException {
    requireRegular(file, before);
    try {
      return Optional.of(
          guarded(
              file,
              () -> FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      // Not only FileSystemException: a link met with NOFOLLOW_LINKS fails as a plain IOException.
      throw replacedOr(file, e);
    }
  }

  /** The open itself, under the guard, without the checks around it: tests race it with a FIFO. */
  static InputStream openGuarded(Path file) throws IOException {
    return guarded(file, () -> Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * Sets a regular file's modification time, never following a link and never blocking on a FIFO;
   * anything else at the path is left alone.
   *
   * @param file the file; not null
   * @param time the new modification time; not null
   * @throws NotRegularFileException if something other than a regular file is at the path
   * @throws IOException if the time cannot be set, or nothing is at the path
   */
  public static void setLastModifiedTime(Path file, FileTime time) throws IOException {
    requireRegular(
        file, Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    guarded(
        file,
        () -> {
          // Without following links, the JDK sets the time of the link itself, never its target.
          Files.getFileAttributeView(file, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .setTimes(time, null, null);
          return null;
        });
  }

  /**
   * Refuses a store's folder that is a symbolic link (or not a folder), so that memo never writes
   * through it outside the store; does nothing when the folder does not exist yet.
   *
   * @param folder the folder; not null
   * @param what what the folder is for, such as {@code namespace folder}
   * @param root the store's root, for the message
   * @throws StoreException if the folder is a link or something other than a folder, naming it and
   *     saying how to fix it
   * @throws IOException if its attributes cannot be read
   */
  public static void requireRealFolder(Path folder, String what, Path root) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(folder, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    }
    if (a.isDirectory()) {
      return;
    }
    String kind = kind(folder, a);
    throw new StoreException(
        what
            + " "
            + folder
            + " of the store at "
            + root
            + " is "
            + kind
            + ", not a folder; memo never writes or reads through it, so that nothing leaves the"
            + " store: remove it (memo creates the folder again) or point the store's path at the"
            + " folder it links to");
  }

  /**
   * Returns what a file that is not a regular file is, for messages and reasons.
   *
   * @param file the file, to tell FIFOs, devices and sockets apart where the platform can
   * @param attributes its attributes, read without following links
   * @return such as {@code a symbolic link}, {@code a directory}, {@code a FIFO}, {@code a
   *     character device}; {@code a regular file} for a regular file
   */
  public static String kind(Path file, BasicFileAttributes attributes) {
    if (attributes.isRegularFile()) {
      return "a regular file";
    }
    if (attributes.isSymbolicLink()) {
      return "a symbolic link";
    }
    if (attributes.isDirectory()) {
      return "a directory";
    }
    try {
      // The unix view exists on Linux and macOS; elsewhere the generic word is all we know.
      int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      switch (mode & 0170000) {
        case 0010000:
          return "a FIFO";
        case 0020000:
          return "a character device";
        case 0060000:
          return "a block device";
        case 0140000:
          return "a socket";
        default:
          break;
      }
    } catch (IOException | RuntimeException e) {
      // Fall through to the generic word.
    }
    return "a special file (FIFO, device or socket)";
  }

  private static void requireRegular(Path file, BasicFileAttributes a)
      throws NotRegularFileException {
    if (!a.isRegularFile()) {
      throw new NotRegularFileException(file, kind(file, a));
    }
  }

  /** A symbolic link met by O_NOFOLLOW fails with ELOOP: say what it is. */
  private static IOException replacedOr(Path file, IOException e) {
    try {
      BasicFileAttributes a =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile()) {
        return new NotRegularFileException(file, kind(file, a));
      }
    } catch (IOException ignored) {
      // Report the open's own failure.
    }
    return e;
  }

  /** What the guard runs. */
  @FunctionalInterface
  private interface IoAction<T> {
    T run() throws IOException;
  }

  private static <T> T guarded(Path file, IoAction<T> action) throws IOException {
    startGuard();
    Thread me = Thread.currentThread();
    PENDING.put(me, new Pending(file, System.nanoTime()));
    try {
      return action.run();
    } finally {
      PENDING.remove(me);
    }
  }

  private static void startGuard() {
    if (GUARD_STARTED.get() || !GUARD_STARTED.compareAndSet(false, true)) {
      return;
    }
    Thread guard =
        new Thread(
            () -> {
              long limit = TimeUnit.MILLISECONDS.toNanos(GUARD_MILLIS);
              while (true) {
                try {
                  Thread.sleep(GUARD_MILLIS / 2);
                } catch (InterruptedException e) {
                  return;
                }
                long now = System.nanoTime();
                for (Pending p : PENDING.values()) {
                  if (now - p.startNanos() > limit) {
                    release(p.file());
                  }
                }
              }
            },
            "memo-open-guard");
    guard.setDaemon(true);
    guard.start();
  }

  /** Opens the path read-write and closes it: a reader blocked on a FIFO there returns. */
  private static void release(Path file) {
    try (FileChannel c =
        FileChannel.open(
            file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      // Nothing to do: opening was the point.
    } catch (IOException | RuntimeException e) {
      // Gone, a link, or not writable: nothing this guard can release.
    }
  }
}
