package dev.memo.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The functions of {@code shared/peers/joblib_bench.py}, written as a Java user would write them:
 * plain static methods that memo wraps by method reference. Each returns what its Python
 * counterpart returns. Stateless; thread-safe.
 */
final class Workloads {
  /** Elements of the large list result: {@code list(range(125_000))}, about 1 MB pickled. */
  static final int BIG = 125_000;

  /** Elements of the 1 MiB {@code double[]}: 131 072 float64. */
  static final int DOUBLES = 131_072;

  private Workloads() {}

  /** {@code small(x, s, v)}: {@code [x * i for i in range(10)]}. */
  static List<Integer> small(Integer x, String s, double[] v) {
    List<Integer> out = new ArrayList<>(10);
    for (int i = 0; i < 10; i++) {
      out.add(x * i);
    }
    return out;
  }

  /** {@code big(n)}: the first {@code n} of {@code 0, 1, 2, …}. */
  static List<Integer> big(Integer n) {
    List<Integer> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(i);
    }
    return out;
  }

  /** {@code arr_result(n)}: the first {@code n} of a fixed array of uniform random doubles. */
  static double[] arrResult(Integer n) {
    double[] out = new double[n];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < n; i++) {
      out[i] = random.nextDouble();
    }
    return out;
  }

  /** The argument of {@code arr_arg}: 1 MiB of uniform random doubles. */
  static double[] array() {
    return arrResult(DOUBLES);
  }

  /** {@code arr_arg(a)}: {@code float(a[0])}. */
  static Double arrArg(double[] a) {
    return a[0];
  }

  /** The small call's double[8] argument, {@code [1.0] * 8}. */
  static double[] ones() {
    double[] v = new double[8];
    java.util.Arrays.fill(v, 1.0);
    return v;
  }
}
