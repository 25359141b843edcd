package dev.flinkresilience.operator.validate;

import dev.flinkresilience.operator.api.v1alpha1.AvoidBadNodesSpec;
import dev.flinkresilience.operator.api.v1alpha1.BudgetSpec;
import dev.flinkresilience.operator.api.v1alpha1.RecoverySpec;
import dev.flinkresilience.operator.api.v1alpha1.ReleasePodsPolicy;
import dev.flinkresilience.operator.api.v1alpha1.RestoreFrom;

/**
 * Rules for {@code spec.recovery}. Thresholds that trigger an action must be greater than 0 (a zero
 * threshold would fire on every observation); those where 0 means "off" or "any age" may be 0.
 */
final class RecoveryRules {
  private static final String PREFIX = "spec.recovery.";

  private RecoveryRules() {}

  static void check(RecoverySpec r, Violations v) {
    if (!v.required("spec.recovery", r, "recovery settings (omit the field for defaults)")) {
      return;
    }
    v.positiveDuration(PREFIX + "nodeLostAfter", r.getNodeLostAfter(), Limits.DAY);
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
