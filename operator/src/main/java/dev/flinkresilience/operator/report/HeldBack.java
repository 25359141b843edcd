package dev.flinkresilience.operator.report;

import dev.flinkresilience.operator.api.v1alpha1.RecoverySpec;
import dev.flinkresilience.operator.decide.NodeSight;
import dev.flinkresilience.operator.decide.PlanInput;
import dev.flinkresilience.operator.spec.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether this job is held back by what the operator cannot see: one of its nodes looks lost, but
 * the node watch is impaired or the mass-loss guard holds (DESIGN.md §5.6). Shown as the Degraded
 * reason, with one Warning event when it starts. Pure.
 */
final class HeldBack {
  private HeldBack() {}

  /** Degraded reason of a node whose Lease looks stale while its JobManager answers. */
  static final String LEASE_CONTRADICTED = "NodeLeaseStale";

  static Optional<NodeSight.Hold> of(PlanInput in, Instant now) {
    if (in.cluster().nodes().isEmpty()) {
      return Optional.empty();
    }
    // An invalid spec keeps the running cluster, which is watched with the default threshold.
    String lostAfter =
        in.desired() != null
            ? in.desired().spec().getRecovery().getNodeLostAfter()
            : new RecoverySpec().getNodeLostAfter();
    Duration threshold = Durations.parse(lostAfter);
    if (in.cluster().sight().hold() != null) {
      Optional<NodeSight.Hold> held =
          in.cluster().sight().holdingBack(in.cluster().nodes().values(), threshold, now);
      if (held.isPresent()) {
        return held;
      }
    }
    return contradicted(in, threshold, now);
  }

  /** The anomaly of DESIGN.md §5.6: a stale Lease that the JobManager's REST API contradicts. */
  private static Optional<NodeSight.Hold> contradicted(
      PlanInput in, Duration threshold, Instant now) {
    var nodes = in.cluster().contradictedNodes(threshold, now);
    if (nodes.isEmpty()) {
      return Optional.empty();
    }
    var answer = in.cluster().answer();
    var node = in.cluster().nodes().get(nodes.get(0));
    String stale =
        node.leaseRenewedAt() == null
            ? "reads lost"
            : "has not renewed its Lease for "
                + Duration.between(node.leaseRenewedAt(), now).toSeconds()
                + " s";
    return Optional.of(
        new NodeSight.Hold(
            LEASE_CONTRADICTED,
            "node "
                + node.name()
                + " "
                + stale
                + " but the JobManager on it answered "
                + Math.max(0, Duration.between(answer.at(), now).toSeconds())
                + " s ago, so it is not treated as lost (a kubelet renewing late, or cut off from"
                + " the API server)"));
  }
}
