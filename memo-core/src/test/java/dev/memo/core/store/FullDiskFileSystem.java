package dev.memo.core.store;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file system that fails the way a full disk does: it keeps files in a real folder, but once a
 * given number of bytes has been written in all, a write stores what still fits and then throws
 * {@code IOException("No space left on device")}, as Linux reports {@code ENOSPC}. Deleting files
 * does not give the space back (a full disk stays full for the test). A stand-in for a small tmpfs,
 * which a test in a container may not mount.
 */
final class FullDiskFileSystem extends FileSystem {
  static final String NO_SPACE = "No space left on device";

  private final Provider provider;
  private final FileSystem real;
  private final AtomicLong free;

  private FullDiskFileSystem(FileSystem real, long capacity) {
    this.real = real;
    this.free = new AtomicLong(capacity);
    this.provider = new Provider(this);
  }

  /** Returns the given real folder as a path on a file system with {@code capacity} bytes free. */
  static Path of(Path realFolder, long capacity) {
    FullDiskFileSystem fs = new FullDiskFileSystem(realFolder.getFileSystem(), capacity);
    return fs.wrap(realFolder);
  }

  /** Returns the bytes that can still be written. */
  long free() {
    return free.get();
  }

  Path wrap(Path p) {
    return p == null ? null : new FPath(this, p);
  }

  static Path unwrap(Path p) {
    if (!(p instanceof FPath f)) {
      throw new java.nio.file.ProviderMismatchException("not a full-disk path: " + p);
    }
    return f.real;
  }

  @Override
  public FileSystemProvider provider() {
    return provider;
  }

  @Override
  public void close() {}

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public String getSeparator() {
    return real.getSeparator();
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    return () -> map(real.getRootDirectories().iterator());
  }

  private Iterator<Path> map(Iterator<Path> it) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Path next() {
        return wrap(it.next());
      }
    };
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return real.getFileStores();
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return real.supportedFileAttributeViews();
  }

  @Override
  public Path getPath(String first, String... more) {
    return wrap(real.getPath(first, more));
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    PathMatcher m = real.getPathMatcher(syntaxAndPattern);
    return p -> m.matches(unwrap(p));
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return real.getUserPrincipalLookupService();
  }

  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException();
  }

  /** A path of this file system: a real path inside. */
  private static final class FPath implements Path {
    final FullDiskFileSystem fs;
    final Path real;

    FPath(FullDiskFileSystem fs, Path real) {
      this.fs = fs;
      this.real = real;
    }

    @Override
    public FileSystem getFileSystem() {
      return fs;
    }

    @Override
    public boolean isAbsolute() {
      return real.isAbsolute();
    }

    @Override
    public Path getRoot() {
      return fs.wrap(real.getRoot());
    }

    @Override
    public Path getFileName() {
      return fs.wrap(real.getFileName());
    }

    @Override
    public Path getParent() {
      return fs.wrap(real.getParent());
    }

    @Override
    public int getNameCount() {
      return real.getNameCount();
    }

    @Override
    public Path getName(int index) {
      return fs.wrap(real.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
      return fs.wrap(real.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
      return other instanceof FPath f && real.startsWith(f.real);
    }

    @Override
    public boolean endsWith(Path other) {
      return other instanceof FPath f && real.endsWith(f.real);
    }

    @Override
    public Path normalize() {
      return fs.wrap(real.normalize());
    }

    @Override
    public Path resolve(Path other) {
      return fs.wrap(real.resolve(unwrap(other)));
    }

    @Override
    public Path relativize(Path other) {
      return fs.wrap(real.relativize(unwrap(other)));
    }

    @Override
    public URI toUri() {
      return real.toUri();
    }

    @Override
    public Path toAbsolutePath() {
      return fs.wrap(real.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
      return fs.wrap(real.toRealPath(options));
    }

    @Override
    public WatchKey register(
        WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int compareTo(Path other) {
      return real.compareTo(unwrap(other));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FPath f && f.fs == fs && f.real.equals(real);
    }

    @Override
    public int hashCode() {
      return real.hashCode();
    }

    @Override
    public String toString() {
      return real.toString();
    }
  }

  /** Passes every operation to the real provider; writes draw on the shared free space. */
  private static final class Provider extends FileSystemProvider {
    private final FullDiskFileSystem fs;

    Provider(FullDiskFileSystem fs) {
      this.fs = fs;
    }

    private FileSystemProvider real() {
      return fs.real.provider();
    }

    @Override
    public String getScheme() {
      return "fulldisk";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Path getPath(URI uri) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SeekableByteChannel newByteChannel(
        Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
        throws IOException {
      return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(
        Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
        throws IOException {
      FileChannel channel = real().newFileChannel(unwrap(path), options, attrs);
      boolean writes =
          options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
      return writes ? new Limited(channel, fs.free) : channel;
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(
        Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
      DirectoryStream<Path> stream =
          real().newDirectoryStream(unwrap(dir), p -> filter.accept(fs.wrap(p)));
      return new DirectoryStream<>() {
        @Override
        public Iterator<Path> iterator() {
          return fs.map(stream.iterator());
        }

        @Override
        public void close() throws IOException {
          stream.close();
        }
      };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
      real().createDirectory(unwrap(dir), attrs);
    }

    @Override
    public void delete(Path path) throws IOException {
      real().delete(unwrap(path));
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
      real().copy(unwrap(source), unwrap(target), options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
      real().move(unwrap(source), unwrap(target), options);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
      return real().isSameFile(unwrap(path), unwrap(path2));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
      return real().isHidden(unwrap(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
      return real().getFileStore(unwrap(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
      real().checkAccess(unwrap(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(
        Path path, Class<V> type, LinkOption... options) {
      return real().getFileAttributeView(unwrap(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(
        Path path, Class<A> type, LinkOption... options) throws IOException {
      return real().readAttributes(unwrap(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
        throws IOException {
      return real().readAttributes(unwrap(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options)
        throws IOException {
      real().setAttribute(unwrap(path), attribute, value, options);
    }
  }

  /** A channel whose writes stop, with ENOSPC's message, when the shared free space runs out. */
  private static final class Limited extends FileChannel {
    private final FileChannel channel;
    private final AtomicLong free;

    Limited(FileChannel channel, AtomicLong free) {
      this.channel = channel;
      this.free = free;
    }

    /** Takes up to {@code wanted} bytes of free space; returns how many it got. */
    private int take(int wanted) {
      while (true) {
        long f = free.get();
        int got = (int) Math.min(f, wanted);
        if (free.compareAndSet(f, f - got)) {
          return got;
        }
      }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      int wanted = src.remaining();
      int got = take(wanted);
      if (got == 0 && wanted > 0) {
        throw new IOException(NO_SPACE);
      }
      ByteBuffer part = src.duplicate();
      part.limit(part.position() + got);
      int written = channel.write(part);
      src.position(src.position() + written);
      return written;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long n = 0;
      for (int i = offset; i < offset + length; i++) {
        n += write(srcs[i]);
        if (srcs[i].hasRemaining()) {
          break;
        }
      }
      return n;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return channel.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return channel.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return channel.read(dst, position);
    }

    @Override
    public long position() throws IOException {
      return channel.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      channel.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      channel.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      channel.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
      throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return channel.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return channel.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      channel.close();
    }
  }
}
