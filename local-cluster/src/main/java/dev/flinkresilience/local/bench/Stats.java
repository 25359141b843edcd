package dev.flinkresilience.local.bench;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * p50, p99 and max of a set of durations in seconds (nearest rank); an infinite value is one that
 * never happened.
 */
record Stats(int count, double p50, double p99, double max) {
  static final Stats NONE = new Stats(0, Double.NaN, Double.NaN, Double.NaN);

  static Stats of(Collection<Double> values) {
    if (values.isEmpty()) {
      return NONE;
    }
    List<Double> sorted = values.stream().sorted().toList();
    return new Stats(
        sorted.size(), rank(sorted, 0.50), rank(sorted, 0.99), sorted.get(sorted.size() - 1));
  }

  private static double rank(List<Double> sorted, double q) {
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  String json() {
    return String.format(
        Locale.ROOT,
        "{\"count\":%d,\"p50\":%s,\"p99\":%s,\"max\":%s}",
        count,
        Result.num(p50),
        Result.num(p99),
        Result.num(max));
  }
}
