package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.api.v1alpha1.ReleasePodsPolicy;
import dev.flinkresilience.operator.decide.Decision.ReleasePods;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Pods that nothing will remove: terminating on a node judged lost, or, on a node the operator does
 * not see at all, still there long after their deletion was asked for (a kubelet ends a pod within
 * its grace period; a dead one never confirms). A teardown that waits for them waits for good: the
 * node-loss benchmark's baseline (node detection off) sat in {@code Recovering} behind the evicted
 * JobManager of a dead node. They are released where the fencing rules of DESIGN.md §5.3 allow, and
 * named in status where not. Pure.
 */
final class StuckPods {
  /**
   * Past this since its deletion was asked for, a pod counts as stuck even where the operator
   * cannot see its node: longer than the grace period of Flink's pods (30 s by default) with room
   * for a slow kubelet.
   */
  static final Duration STUCK_AFTER = Duration.ofMinutes(2);

  private StuckPods() {}

  /** Force-deletes the stuck pods the policy allows to, once each. */
  static Optional<Decision> release(PlanInput in, Incident current, boolean ha) {
    List<PodView> releasable =
        stuck(in).stream()
            .filter(p -> !current.getReleasedPods().contains(p.name()))
            .filter(p -> allowed(in, p, ha))
            .toList();
    if (releasable.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ReleasePods(
            releasable.get(0).node(),
            releasable.stream().map(PodView::name).sorted().toList(),
            false,
            "stuck terminating where nothing else will remove them"));
  }

  /** For status while a teardown waits: the stuck pods, and why they stay. Null when none. */
  static String describe(PlanInput in, Incident current) {
    List<PodView> stuck = stuck(in);
    if (stuck.isEmpty()) {
      return null;
    }
    boolean ha =
        in.desired().spec().getHighAvailability().getType()
            != dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType.NONE;
    String names = stuck.stream().map(p -> p.name() + " on " + p.node()).collect(joining());
    boolean kept = stuck.stream().anyMatch(p -> !allowed(in, p, ha));
    return names
        + (stuck.size() == 1 ? " is" : " are")
        + " stuck terminating: nothing but a force delete removes "
        + (stuck.size() == 1 ? "it" : "them")
        + (kept
            ? "; releasePodsOnLostNode does not allow it here (without HA only a fenced node:"
                + " delete the Node or taint it node.kubernetes.io/out-of-service)"
            : "; releasing");
  }

  private static List<PodView> stuck(PlanInput in) {
    NodeThresholds thresholds = NodeThresholds.of(in.desired().spec().getRecovery());
    Instant now = in.now();
    return in.cluster().pods().stream()
        .filter(p -> p.deletingSince() != null && p.node() != null)
        .filter(
            p -> {
              NodeView node = in.cluster().nodes().get(p.node());
              if (node == null) {
                // Not seen at all (node detection off, or the node is gone from the caches): only
                // the time since the deletion tells.
                return Duration.between(p.deletingSince(), now).compareTo(STUCK_AFTER) > 0;
              }
              // A node seen alive removes its pods itself; a held one may be alive.
              return in.cluster().verdict(node, thresholds, now) == NodeSight.Verdict.LOST;
            })
        .toList();
  }

  /** DESIGN.md §5.3: always; whenFenced with HA or on a fenced node; never. */
  private static boolean allowed(PlanInput in, PodView p, boolean ha) {
    ReleasePodsPolicy policy = in.desired().spec().getRecovery().getReleasePodsOnLostNode();
    if (policy == ReleasePodsPolicy.NEVER) {
      return false;
    }
    if (policy == ReleasePodsPolicy.ALWAYS || ha) {
      return true;
    }
    NodeView node = in.cluster().nodes().get(p.node());
    return node != null && node.isFenced();
  }

  private static java.util.stream.Collector<CharSequence, ?, String> joining() {
    return Collectors.joining(", ");
  }
}
