package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.RecoverySpec;
import dev.flinkresilience.operator.spec.Durations;
import java.time.Duration;

/**
 * When a node whose Lease went silent counts as lost (DESIGN.md §5.6).
 *
 * @param lostAfter a Lease older than this is lost on its own ({@code recovery.nodeLostAfter})
 * @param suspectAfter a Lease older than this is lost when the JobManager on the node has stopped
 *     answering too ({@link JobManagerSilence}); zero turns the corroborated path off ({@code
 *     recovery.nodeSuspectAfter})
 */
public record NodeThresholds(Duration lostAfter, Duration suspectAfter) {

  public static NodeThresholds of(RecoverySpec recovery) {
    String suspect = recovery.getNodeSuspectAfter();
    return new NodeThresholds(
        Durations.parse(recovery.getNodeLostAfter()),
        suspect == null ? Duration.ZERO : Durations.parse(suspect));
  }

  /** Lease staleness alone, without the corroborated path. */
  public static NodeThresholds leaseOnly(Duration lostAfter) {
    return new NodeThresholds(lostAfter, Duration.ZERO);
  }

  /** Whether a silent JobManager can shorten the wait: on, and below {@code lostAfter}. */
  public boolean corroborates() {
    return !suspectAfter.isZero() && suspectAfter.compareTo(lostAfter) < 0;
  }
}
