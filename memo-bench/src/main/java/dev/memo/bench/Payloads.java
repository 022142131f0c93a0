package dev.memo.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic payloads of a kind and an approximate size in bytes, and the raw bytes of the same
 * content for baselines. Realistic rather than random where compression matters: smooth doubles,
 * words from a small vocabulary.
 */
final class Payloads {
  private Payloads() {}

  /** A point of a shape. */
  record Point(double x, double y) implements java.io.Serializable {}

  /** A nested record: a name and points. */
  record Shape(String name, List<Point> points) implements java.io.Serializable {}

  /** A row of a table. */
  record Row(int id, String name, double value) implements java.io.Serializable {}

  private static final String[] WORDS =
      ("the of and to in is was that for on as with by at from his an were are which this be has"
              + " had it not or have one their but they all been who more its also new first two time"
              + " would other after into there about can year than only over some most may when these"
              + " memo signature store entry value result function cache hash record")
          .split(" ");

  static Object of(String kind, int size) {
    SplittableRandom r = new SplittableRandom(size * 31L + kind.hashCode());
    switch (kind) {
      case "bytes":
        {
          byte[] b = new byte[size];
          for (int i = 0; i < size; i++) {
            b[i] = (byte) r.nextInt(256);
          }
          return b;
        }
      case "doubles":
        {
          double[] d = new double[Math.max(1, size / 8)];
          for (int i = 0; i < d.length; i++) {
            d[i] = Math.sin(i * 0.001) * 100 + r.nextDouble();
          }
          return d;
        }
      case "strings":
        {
          List<String> l = new ArrayList<>();
          for (int bytes = 0; bytes < size; ) {
            String w = WORDS[r.nextInt(WORDS.length)] + "-" + r.nextInt(1000);
            l.add(w);
            bytes += w.length();
          }
          return l;
        }
      case "record":
        {
          List<Point> points = new ArrayList<>();
          for (int i = 0; i < Math.max(1, size / 16); i++) {
            points.add(new Point(i * 0.5, r.nextDouble()));
          }
          return new Shape("shape", points);
        }
      case "mapOfRecords":
        {
          Map<String, Row> m = new LinkedHashMap<>();
          for (int i = 0, bytes = 0; bytes < size; i++) {
            String name = WORDS[r.nextInt(WORDS.length)];
            m.put("row-" + i, new Row(i, name, r.nextDouble() * 1000));
            bytes += 16 + name.length() + 8;
          }
          return m;
        }
      case "text":
        {
          StringBuilder sb = new StringBuilder(size + 16);
          while (sb.length() < size) {
            sb.append(WORDS[r.nextInt(WORDS.length)]).append(r.nextInt(12) == 0 ? ".\n" : " ");
          }
          return sb.substring(0, Math.max(1, size)).getBytes(StandardCharsets.UTF_8);
        }
      default:
        throw new IllegalArgumentException("unknown payload kind " + kind);
    }
  }

  /** The content of a payload as plain bytes: what a hand-written digest would hash. */
  static byte[] rawBytes(Object payload) {
    if (payload instanceof byte[]) {
      return (byte[]) payload;
    }
    if (payload instanceof double[]) {
      double[] d = (double[]) payload;
      ByteBuffer b = ByteBuffer.allocate(d.length * 8).order(ByteOrder.LITTLE_ENDIAN);
      b.asDoubleBuffer().put(d);
      return b.array();
    }
    if (payload instanceof List) {
      StringBuilder sb = new StringBuilder();
      for (Object o : (List<?>) payload) {
        sb.append(o);
      }
      return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
    if (payload instanceof Shape) {
      Shape s = (Shape) payload;
      ByteBuffer b = ByteBuffer.allocate(s.points().size() * 16).order(ByteOrder.LITTLE_ENDIAN);
      for (Point p : s.points()) {
        b.putDouble(p.x()).putDouble(p.y());
      }
      return b.array();
    }
    throw new IllegalArgumentException("no raw form for " + payload.getClass());
  }
}
