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

  static Optional<NodeSight.Hold> of(PlanInput in, Instant now) {
    if (in.cluster().sight().hold() == null || in.cluster().nodes().isEmpty()) {
      return Optional.empty();
    }
    // An invalid spec keeps the running cluster, which is watched with the default threshold.
    String lostAfter =
        in.desired() != null
            ? in.desired().spec().getRecovery().getNodeLostAfter()
            : new RecoverySpec().getNodeLostAfter();
    Duration threshold = Durations.parse(lostAfter);
    return in.cluster().sight().holdingBack(in.cluster().nodes().values(), threshold, now);
  }
}
