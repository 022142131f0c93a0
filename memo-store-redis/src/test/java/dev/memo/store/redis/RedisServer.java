package dev.memo.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real redis-server for the tests: started on a free port on 127.0.0.1 only, with persistence off
 * ({@code --save "" --appendonly no}) in a temporary folder, and stopped when closed (or when the
 * test JVM exits). {@link #shared()} is one server per test JVM. A missing {@code redis-server}
 * fails the test with how to install it; tests never skip for want of it.
 */
public final class RedisServer implements AutoCloseable {
  private static RedisServer shared;

  private final Path dir;
  private final int port;
  private Process process;

  private RedisServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Returns the server shared by the tests of this JVM, starting it on first use. */
  public static synchronized RedisServer shared() {
    if (shared == null) {
      shared = start();
      RedisServer s = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(s::close));
    }
    return shared;
  }

  /** Starts a server of its own, on a free port. */
  public static RedisServer start() {
    String binary = binary();
    try {
      Path dir = Files.createTempDirectory("memo-redis-test");
      for (int attempt = 0; ; attempt++) {
        RedisServer server = new RedisServer(dir, freePort());
        try {
          server.launch(binary);
          return server;
        } catch (IOException e) {
          server.kill();
          if (attempt == 4) {
            throw e;
          }
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot start redis-server: " + e.getMessage(), e);
    }
  }

  private static String binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new AssertionError(
        "redis-server is not on the PATH; the redis store's tests run a real"
            + " Redis: install it with `apt-get install redis-server` (or your system's package of"
            + " Redis 6 or later)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void launch(String binary) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                binary,
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--protected-mode",
                "yes",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no",
                "--loglevel",
                "warning"));
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "redis-server exited: " + Files.readString(dir.resolve("redis-" + port + ".log")));
      }
      if (pong()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    throw new IOException("redis-server did not answer on port " + port + " within 10 s");
  }

  /** Sends PING over a plain socket, so that readiness does not depend on the code under test. */
  private boolean pong() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] reply = new byte[7];
      int n = in.readNBytes(reply, 0, 7);
      return new String(reply, 0, n, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  /** Returns {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Kills the server with SIGKILL, as a crash would; its data is lost (persistence is off). */
  synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts the server again on the same port, empty. */
  synchronized void restart() {
    kill();
    try {
      launch(binary());
    } catch (IOException e) {
      throw new AssertionError("cannot restart redis-server: " + e.getMessage(), e);
    }
  }

  /** Stops the server and deletes its folder. */
  @Override
  public synchronized void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder
    }
  }
}
