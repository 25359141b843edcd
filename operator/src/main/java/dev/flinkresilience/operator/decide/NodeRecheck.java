package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.decide.Decision.AwaitRecovery;
import dev.flinkresilience.operator.decide.Decision.CloseIncident;
import dev.flinkresilience.operator.decide.Decision.DismissIncident;
import dev.flinkresilience.operator.decide.Decision.RecoveryAction;
import dev.flinkresilience.operator.decide.ObservedCluster.JobManagerDeployment;
import java.time.Instant;
import java.util.Optional;

/**
 * Every step of a node-loss incident re-checks its cause first (DESIGN.md §5.6), since the next
 * step may force-delete pods or tear the cluster down:
 *
 * <ul>
 *   <li>the node is held (the node watch is impaired, or the mass-loss guard holds): wait, destroy
 *       nothing, and close only if Flink recovered by itself;
 *   <li>the node renews its Lease again after the loss was dated, seen by a healthy watch, and
 *       nothing was destroyed yet: the incident closes without action, as a false alarm.
 * </ul>
 *
 * Pure. A lost node that stays lost goes on to the usual steps.
 */
final class NodeRecheck {
  private NodeRecheck() {}

  static Optional<Decision> recheck(PlanInput in, Incident current) {
    if (!Signal.Reason.NODE_LOST.value().equals(current.getReason()) || current.getNode() == null) {
      return Optional.empty();
    }
    NodeView node = in.cluster().nodes().get(current.getNode());
    if (node == null) {
      return Optional.empty(); // no pod of the job there any more: nothing to re-check
    }
    NodeSight.Verdict verdict =
        in.cluster().verdict(node, NodeThresholds.of(in.desired().spec().getRecovery()), in.now());
    if (verdict == NodeSight.Verdict.HELD) {
      boolean verify = RecoveryAction.of(current.getAction()) == RecoveryAction.VERIFY;
      if (verify
          && RecoveryPlanner.recovered(in, current, RecoveryPlanner.involvesJobManager(current))) {
        return Optional.of(new CloseIncident("Flink recovered the job by itself"));
      }
      return Optional.of(
          new AwaitRecovery(
              "nothing is released or redeployed while the operator cannot tell whether node "
                  + node.name()
                  + " is lost ("
                  + in.cluster().sight().hold().message()
                  + ")",
              false));
    }
    if (verdict == NodeSight.Verdict.ALIVE
        && renewedSince(node, current)
        && nothingDestroyed(in, current)) {
      return Optional.of(
          new DismissIncident(
              "node "
                  + node.name()
                  + " renewed its Lease at "
                  + node.leaseRenewedAt()
                  + ", after the loss was dated ("
                  + current.getFailedAt()
                  + "), before anything was released or torn down"));
    }
    return Optional.empty();
  }

  private static boolean renewedSince(NodeView node, Incident current) {
    Instant failedAt = StatusTime.or(current.getFailedAt(), null);
    return node.leaseRenewedAt() != null
        && failedAt != null
        && node.leaseRenewedAt().isAfter(failedAt);
  }

  /** No pod released, and for a redeploy, the failed cluster not yet touched. */
  private static boolean nothingDestroyed(PlanInput in, Incident current) {
    if (!current.getReleasedPods().isEmpty()) {
      return false;
    }
    if (RecoveryAction.of(current.getAction()) == RecoveryAction.VERIFY) {
      return true;
    }
    Optional<JobManagerDeployment> jm = in.cluster().jobManager();
    return current.getRedeployedAt() == null
        && jm.isPresent()
        && !jm.get().terminating()
        && !RecoveryAttempts.of(current).equals(jm.get().recoveryAttempt());
  }
}
