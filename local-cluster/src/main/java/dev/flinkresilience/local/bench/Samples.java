package dev.flinkresilience.local.bench;

import java.util.ArrayList;
import java.util.List;

/** The operator process read from {@code /proc} once a second for the whole run. */
final class Samples {
  private final OperatorProcess operator;
  private final List<OperatorProcess.Sample> taken = new ArrayList<>();

  Samples(OperatorProcess operator) {
    this.operator = operator;
  }

  synchronized void take() {
    try {
      taken.add(operator.sample());
    } catch (RuntimeException gone) {
      // the process ended; the run will notice
    }
  }

  synchronized OperatorProcess.Sample latest() {
    return taken.get(taken.size() - 1);
  }

  synchronized int peakThreads() {
    return taken.stream().mapToInt(OperatorProcess.Sample::threads).max().orElse(0);
  }

  /** The samples taken since {@code nanos}. */
  synchronized List<OperatorProcess.Sample> since(long nanos) {
    return taken.stream().filter(s -> s.nanos() >= nanos).toList();
  }
}
