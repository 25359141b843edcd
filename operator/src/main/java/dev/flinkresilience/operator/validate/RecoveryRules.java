package dev.flinkresilience.operator.validate;

import dev.flinkresilience.operator.api.v1alpha1.AvoidBadNodesSpec;
import dev.flinkresilience.operator.api.v1alpha1.BudgetSpec;
import dev.flinkresilience.operator.api.v1alpha1.RecoverySpec;
import dev.flinkresilience.operator.api.v1alpha1.ReleasePodsPolicy;
import dev.flinkresilience.operator.api.v1alpha1.RestoreFrom;
import dev.flinkresilience.operator.spec.Durations;
import java.time.Duration;
import java.util.Optional;

/**
 * Rules for {@code spec.recovery}. Thresholds that trigger an action must be greater than 0 (a zero
 * threshold would fire on every observation); those where 0 means "off" or "any age" may be 0.
 */
final class RecoveryRules {
  private static final String PREFIX = "spec.recovery.";

  private RecoveryRules() {}

  static void check(RecoverySpec r, Violations v, Duration leaseRenewal) {
    if (!v.required("spec.recovery", r, "recovery settings (omit the field for defaults)")) {
      return;
    }
    nodeThresholds(r, v, leaseRenewal);
    v.requiredEnum(
        PREFIX + "releasePodsOnLostNode", r.getReleasePodsOnLostNode(), ReleasePodsPolicy.class);
    v.requiredEnum(PREFIX + "restoreFrom", r.getRestoreFrom(), RestoreFrom.class);
    v.duration(PREFIX + "maxCheckpointAge", r.getMaxCheckpointAge(), Limits.YEAR);
    v.positiveDuration(PREFIX + "haRecoveryTimeout", r.getHaRecoveryTimeout(), Limits.DAY);
    v.positiveDuration(PREFIX + "stuckRestartingAfter", r.getStuckRestartingAfter(), Limits.DAY);
    v.duration(PREFIX + "checkpointStallAfter", r.getCheckpointStallAfter(), Limits.YEAR);
    budget(r.getBudget(), v);
    avoidBadNodes(r.getAvoidBadNodes(), v);
  }

  /**
   * A node must be able to miss a renewal before it is judged: nodeLostAfter at least 1.5 renewals
   * (15 s for kubelets renewing every 10 s), nodeSuspectAfter (0 is off) past one renewal (11 s)
   * and below nodeLostAfter, or it would never be the faster path.
   */
  private static void nodeThresholds(RecoverySpec r, Violations v, Duration renewal) {
    String why =
        " (kubelets renew their Leases every " + Durations.toFlink(renewal).replace(" ", "") + ")";
    Optional<Duration> lost =
        v.durationBetween(
            PREFIX + "nodeLostAfter",
            r.getNodeLostAfter(),
            renewal.multipliedBy(3).dividedBy(2),
            why,
            Limits.DAY);
    Optional<Duration> suspect =
        v.duration(PREFIX + "nodeSuspectAfter", r.getNodeSuspectAfter(), Limits.DAY);
    if (suspect.isEmpty() || suspect.get().isZero()) {
      return;
    }
    Duration min = renewal.multipliedBy(11).dividedBy(10);
    if (suspect.get().compareTo(min) < 0) {
      v.add(
          PREFIX + "nodeSuspectAfter",
          "must be 0 (off) or at least "
              + Durations.toFlink(min).replace(" ", "")
              + why
              + "; got "
              + Violations.echo(r.getNodeSuspectAfter()));
    } else if (lost.isPresent() && suspect.get().compareTo(lost.get()) >= 0) {
      v.add(
          PREFIX + "nodeSuspectAfter",
          "must be below nodeLostAfter ("
              + r.getNodeLostAfter()
              + "), or 0 to turn the faster detection off; got "
              + Violations.echo(r.getNodeSuspectAfter()));
    }
  }

  private static void budget(BudgetSpec budget, Violations v) {
    if (v.required(PREFIX + "budget", budget, "maxRedeploys and window (omit for defaults)")) {
      v.between(
          PREFIX + "budget.maxRedeploys",
          budget.getMaxRedeploys(),
          0,
          Limits.STATUS_COUNTS,
          " (status keeps each redeploy in the window)");
      v.positiveDuration(PREFIX + "budget.window", budget.getWindow(), Limits.YEAR);
    }
  }

  private static void avoidBadNodes(AvoidBadNodesSpec avoid, Violations v) {
    if (v.required(PREFIX + "avoidBadNodes", avoid, "failures and window (omit for defaults)")) {
      v.between(
          PREFIX + "avoidBadNodes.failures",
          avoid.getFailures(),
          1,
          Limits.STATUS_COUNTS,
          " (status keeps each failure in the window)");
      v.positiveDuration(PREFIX + "avoidBadNodes.window", avoid.getWindow(), Limits.YEAR);
    }
  }
}
