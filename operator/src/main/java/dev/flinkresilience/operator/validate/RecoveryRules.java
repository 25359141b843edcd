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
    v.positiveDuration(PREFIX + "nodeLostAfter", r.getNodeLostAfter());
    v.requiredEnum(
        PREFIX + "releasePodsOnLostNode", r.getReleasePodsOnLostNode(), ReleasePodsPolicy.class);
    v.requiredEnum(PREFIX + "restoreFrom", r.getRestoreFrom(), RestoreFrom.class);
    v.duration(PREFIX + "maxCheckpointAge", r.getMaxCheckpointAge());
    v.positiveDuration(PREFIX + "haRecoveryTimeout", r.getHaRecoveryTimeout());
    v.positiveDuration(PREFIX + "stuckRestartingAfter", r.getStuckRestartingAfter());
    v.duration(PREFIX + "checkpointStallAfter", r.getCheckpointStallAfter());
    budget(r.getBudget(), v);
    avoidBadNodes(r.getAvoidBadNodes(), v);
  }

  private static void budget(BudgetSpec budget, Violations v) {
    if (v.required(PREFIX + "budget", budget, "maxRedeploys and window (omit for defaults)")) {
      v.atLeast(PREFIX + "budget.maxRedeploys", budget.getMaxRedeploys(), 0);
      v.positiveDuration(PREFIX + "budget.window", budget.getWindow());
    }
  }

  private static void avoidBadNodes(AvoidBadNodesSpec avoid, Violations v) {
    if (v.required(PREFIX + "avoidBadNodes", avoid, "failures and window (omit for defaults)")) {
      v.atLeast(PREFIX + "avoidBadNodes.failures", avoid.getFailures(), 1);
      v.positiveDuration(PREFIX + "avoidBadNodes.window", avoid.getWindow());
    }
  }
}
