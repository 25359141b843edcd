package dev.flinkresilience.operator.report;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.decide.PlanInput;
import dev.flinkresilience.operator.spec.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Checkpoints stalled (DESIGN.md §5.1, {@code recovery.checkpointStallAfter}): the job RUNNING but
 * no checkpoint completed for that long, counted from the last one, or from the deployment when
 * there is none yet. It degrades the job rather than redeploying it: a redeploy would restore the
 * same old checkpoint and lose more, while a human fixes the sink or the storage.
 */
final class CheckpointStall {
  private CheckpointStall() {}

  static Optional<String> check(PlanInput in, FlinkResilientJobStatus status, Instant now) {
    if (in.desired() == null || !"RUNNING".equals(status.getJobState())) {
      return Optional.empty();
    }
    String limit = in.desired().spec().getRecovery().getCheckpointStallAfter();
    Duration after = Durations.parse(limit);
    if (after.isZero()) {
      return Optional.empty();
    }
    Instant since = since(status);
    if (since == null || Duration.between(since, now).compareTo(after) <= 0) {
      return Optional.empty();
    }
    return Optional.of(
        "no checkpoint completed since "
            + since
            + " (recovery.checkpointStallAfter "
            + limit
            + "); a recovery now would replay everything since");
  }

  private static Instant since(FlinkResilientJobStatus status) {
    String t =
        status.getLatestCheckpoint() != null
                && status.getLatestCheckpoint().getCompletedAt() != null
            ? status.getLatestCheckpoint().getCompletedAt()
            : status.getDeployment() == null ? null : status.getDeployment().getDeployedAt();
    try {
      return t == null ? null : Instant.parse(t);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
