package dev.memo.core;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;

/**
 * Warms up, on a daemon thread ({@code memo-preload}) started when the first memoizer of a JVM is
 * built, what that JVM's first call will use, while the caller's thread reads the configuration,
 * discovers the providers and builds the engine: the JDK's SHA-256 (the JCA's provider lookup, the
 * {@code Sun} provider's tables, SHA-2's byte-array {@code VarHandle} views), the classes of a file
 * read through a stream and a channel, memo's classes on the way to the first hit, and CRC32C. In a
 * new process the caller's thread otherwise loads all of them itself, one after another, while the
 * second core is partly idle; with this thread a directory-store first hit of memo-bench's {@code
 * FirstHit} came 18 to 29 ms sooner on 2 cores (260 to 287 ms before, 0.90 to 0.93 ×; memo-bench
 * FINDINGS §25).
 *
 * <p>It changes no result: it computes nothing memo keeps, and every failure (an exception, a
 * missing class, {@link OutOfMemoryError}) is dropped, leaving the caller to do that work as
 * without it. memo's classes are loaded without being initialized ({@link Class#forName(String,
 * boolean, ClassLoader)}), so no static initializer of memo's runs on this thread and no class
 * initialization here waits on the caller's; the JDK classes it initializes call no memo code. The
 * caller waits on this thread at most while a class or the provider it needs is being set up here,
 * work it would otherwise do itself. Only the first memoizer of a JVM starts it: later ones find
 * everything loaded.
 */
final class Preload extends Thread {
  /**
   * memo's classes a first hit loads, in the order it loads them (from {@code -Xlog:class+load} of
   * memo-bench's {@code FirstHit}, directory store, default configuration), from the engine's
   * construction on; a name that no longer exists is skipped here, and {@code PreloadTest} fails on
   * it.
   */
  static final String[] CLASSES = {
    // the engine's construction
    "dev.memo.MemoConfig$Setting",
    "dev.memo.core.MemoEngine",
    "dev.memo.core.ThreadScopes",
    "dev.memo.MemoScope",
    "dev.memo.core.ThreadScopes$Scope",
    "dev.memo.core.ThreadScopes$1",
    "dev.memo.core.ThreadScopes$2",
    "dev.memo.core.FunctionCounters",
    "dev.memo.core.Counters",
    "dev.memo.core.Warnings",
    "dev.memo.core.PendingEntries",
    "dev.memo.core.WriteBehind",
    "dev.memo.core.PendingEntries$Publisher",
    "dev.memo.core.PendingEntries$Pending",
    "dev.memo.core.entry.EntryIntegrity",
    "dev.memo.core.entry.CorruptEntryException",
    "dev.memo.core.signer.Sha256Signer",
    "dev.memo.core.sign.TypeSigners",
    "dev.memo.core.sign.TypeSigners$1",
    "dev.memo.spi.TypeSigner",
    "dev.memo.SignatureSink",
    "dev.memo.core.sign.CanonicalEncoder",
    "dev.memo.core.ObjectTier",
    "dev.memo.core.Immutables$NotImmutable",
    "dev.memo.core.ObjectTier$Build",
    "dev.memo.MemoConfig$Found",
    "dev.memo.spi.Quote",
    "dev.memo.spi.support.StoreFolders",
    "dev.memo.core.store.DirectoryStore",
    "dev.memo.spi.support.RegularFiles$NotRegularFileException",
    "dev.memo.spi.Store$Capability",
    "dev.memo.core.store.DirectoryStore$Options",
    "dev.memo.core.store.DirectoryLayout",
    "dev.memo.spi.support.Quarantine",
    "dev.memo.core.store.EntryPublisher",
    "dev.memo.core.store.LazyBufferedOutputStream",
    "dev.memo.core.entry.CountingOutputStream",
    "dev.memo.core.store.RecentTouches",
    "dev.memo.core.store.DirectorySweeper",
    "dev.memo.core.code.CodeSigner",
    "dev.memo.core.code.CodeSigner$2",
    "dev.memo.core.code.CodeSigner$1",
    "dev.memo.core.code.Locations",
    "dev.memo.core.code.CodeCache",
    "dev.memo.core.MissRecords",
    "dev.memo.core.entry.EntryIntegrity$Signing",
    "dev.memo.core.entry.EntryReader",
    "dev.memo.core.entry.CountingInputStream",
    "dev.memo.core.entry.OutdatedEntryException",
    "dev.memo.core.Policies",
    "dev.memo.core.CallKeys",
    "dev.memo.core.Explainer",
    "dev.memo.core.Entries",
    "dev.memo.SerdeException",
    "dev.memo.core.entry.EntryFormat$PayloadInputStream",
    "dev.memo.core.PendingEntries$EntryBuffer",
    "dev.memo.core.entry.EntryFormat$PayloadOutputStream",
    "dev.memo.core.Computations",
    "dev.memo.core.Computations$ClaimOutcome",
    "dev.memo.core.Computations$Unclaimed",
    "dev.memo.core.ChangingFields",
    "dev.memo.core.CallEvents",
    // the first call: the function's code, the call's key, the store's read, the entry
    "dev.memo.core.code.FunctionRef",
    "dev.memo.core.code.CodeCache$Identity",
    "dev.memo.core.code.CodeHashes",
    "dev.memo.core.code.CodeCache$Input",
    "dev.memo.core.code.Locations$Location",
    "dev.memo.core.code.Locations$Kind",
    "dev.memo.core.code.CodeItem",
    "dev.memo.core.code.ReadFields",
    "dev.memo.core.code.ReadFields$ByName",
    "dev.memo.core.code.FunctionCode",
    "dev.memo.core.Route",
    "dev.memo.core.CallItems",
    "dev.memo.core.sign.EncodingFailure",
    "dev.memo.core.sign.CanonicalEncoder$Unsigned",
    "dev.memo.core.sign.Shape",
    "dev.memo.core.signer.Sha256Signer$Sha256Hasher",
    "dev.memo.core.sign.EncodingOutput",
    "dev.memo.Signature",
    "dev.memo.core.Handle",
    "dev.memo.core.NamedResults$Entry",
    "dev.memo.core.sign.EncodingOutput$DoubleView",
    "dev.memo.core.CallKey",
    "dev.memo.core.EntryAddress",
    "dev.memo.spi.support.Namespaces",
    "dev.memo.spi.support.RegularFiles",
    "dev.memo.core.store.WholeEntries",
    "dev.memo.core.store.WholeEntries$SmallEntry",
    "dev.memo.spi.support.RegularFiles$IoAction",
    "dev.memo.spi.support.RegularFiles$Pending",
    "dev.memo.core.store.DirectoryStore$NotAnEntry",
    "dev.memo.core.entry.EntryFormat",
    "dev.memo.core.entry.EntryFormat$Header",
    "dev.memo.core.entry.EntryReader$Reading",
    "dev.memo.core.Lookup$Hit",
    "dev.memo.core.Immutables",
    "dev.memo.core.Immutables$HoldsImmutable",
    "dev.memo.core.Immutables$Walk",
    "dev.memo.core.Immutables$RecordShape",
    "dev.memo.core.Immutables$Frozen",
  };

  /** Whether a memoizer of this JVM started (or tried to start) the preload. */
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  /** A preload thread, not started; tests run it on their own thread. */
  Preload() {
    super("memo-preload");
    setDaemon(true);
  }

  /**
   * Starts the preload if no memoizer of this JVM started it yet.
   *
   * @return whether this call started it
   */
  static boolean startOnce() {
    if (!STARTED.compareAndSet(false, true)) {
      return false;
    }
    try {
      new Preload().start();
      return true;
    } catch (RuntimeException | Error e) {
      return false; // no thread to be had: the caller loads everything itself, as without one
    }
  }

  @Override
  public void run() {
    // The JDK's parts first: the caller needs them late (the kept code's identity, then reading
    // the kept walk and the entry), and they are the longest; then memo's classes, in order.
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((byte) 1);
      sha.digest();
    } catch (Exception | Error e) {
      // the caller's own use reports what is wrong, if anything
    }
    try {
      readSome(Path.of(System.getProperty("java.home"), "release"));
    } catch (Exception | Error e) {
      // nothing to read there: the caller's first read loads these classes
    }
    ClassLoader loader = Preload.class.getClassLoader();
    for (String name : CLASSES) {
      try {
        Class.forName(name, false, loader);
      } catch (Exception | Error e) {
        // renamed or removed (PreloadTest says which), or not loadable: the caller reports it
      }
    }
    try {
      new CRC32C().update(new byte[] {1, 2, 3, 4}, 0, 4);
    } catch (Exception | Error e) {
      // the entry's reader reports what is wrong, if anything
    }
  }

  /** Reads a few bytes of a file as a stream and through a channel, as memo's readers do. */
  private static void readSome(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      in.readNBytes(16);
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.read(ByteBuffer.allocate((int) Math.min(16, channel.size())));
    }
  }
}
