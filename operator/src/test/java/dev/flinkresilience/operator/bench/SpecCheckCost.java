package dev.flinkresilience.operator.bench;

import dev.flinkresilience.operator.model.DesiredState;
import dev.flinkresilience.operator.model.FlinkVerdicts;
import dev.flinkresilience.operator.testing.Jobs;
import dev.flinkresilience.operator.validate.TenantPolicy;

/**
 * What checking a spec costs a reconcile pass: rendering the cluster through Flink's factory every
 * pass (as before issue 14), or only when the spec changed ({@link FlinkVerdicts}). Prints the mean
 * per pass over {@code passes} passes of one job, after a warm-up.
 */
public final class SpecCheckCost {
  public static void main(String[] args) {
    int passes = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    System.out.println(run(passes));
  }

  static String run(int passes) {
    var job = Jobs.job("streaming", "orders");
    var memo = new FlinkVerdicts();
    measure(passes / 5, () -> DesiredState.check(job, TenantPolicy.DEFAULT));
    measure(passes / 5, () -> DesiredState.check(job, TenantPolicy.DEFAULT, memo));
    double everyPass = measure(passes, () -> DesiredState.check(job, TenantPolicy.DEFAULT));
    double onChange = measure(passes, () -> DesiredState.check(job, TenantPolicy.DEFAULT, memo));
    return String.format(
        "spec check per pass (mean of %d): rendered every pass %.3f ms, rendered on change %.3f ms"
            + " (%.0fx)",
        passes, everyPass, onChange, everyPass / onChange);
  }

  private static double measure(int passes, Runnable check) {
    long start = System.nanoTime();
    for (int i = 0; i < passes; i++) {
      check.run();
    }
    return (System.nanoTime() - start) / 1e6 / passes;
  }
}
