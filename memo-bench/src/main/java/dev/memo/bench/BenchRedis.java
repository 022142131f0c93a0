package dev.memo.bench;

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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A redis-server of the benchmark's own, as memo-store-redis's tests start one: a free port on
 * 127.0.0.1 only, persistence off, a temporary folder, {@code maxmemory 1gb} with {@code
 * allkeys-lru} (as the README advises), stopped when closed. Without {@code redis-server} on the
 * PATH it fails saying how to install it.
 */
final class BenchRedis implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final Process process;

  private BenchRedis(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  static BenchRedis start() throws IOException, InterruptedException {
    String binary = null;
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(d.isEmpty() ? "." : d, "redis-server");
      if (Files.isExecutable(p)) {
        binary = p.toString();
        break;
      }
    }
    if (binary == null) {
      throw new IllegalStateException(
          "RedisBench needs redis-server on the PATH: install it with"
              + " `apt-get install redis-server`");
    }
    Path dir = Files.createTempDirectory("memo-bench-redis");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process p =
        new ProcessBuilder(
                List.of(
                    binary,
                    "--port",
                    Integer.toString(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    dir.toString(),
                    "--maxmemory",
                    "1gb",
                    "--maxmemory-policy",
                    "allkeys-lru",
                    "--loglevel",
                    "warning"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    BenchRedis server = new BenchRedis(dir, port, p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!server.pong()) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        server.close();
        throw new IllegalStateException("redis-server did not start on port " + port);
      }
      Thread.sleep(20);
    }
    return server;
  }

  private boolean pong() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      byte[] reply = in.readNBytes(7);
      return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary folder
    }
  }
}
