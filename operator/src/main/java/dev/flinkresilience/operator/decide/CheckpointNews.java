package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Phase;

/**
 * Whether a new checkpoint, and nothing else, is news for a job's next decision: whether it is
 * worth waking a reconcile pass for (issue 14). At 1,000 jobs checkpointing every 10 s, one pass
 * per checkpoint was 100 passes a second and most of the operator's CPU, for jobs where the planner
 * had nothing to decide.
 *
 * <p>It is news while the operator waits on a checkpoint: a deployment or a recovery is verified by
 * its first one, an operation (upgrade, savepoint, suspend) follows the job's progress, a job not
 * RUNNING or degraded (checkpoints stalled, say) is being watched for it to come back. For a steady
 * running job it is not: the checkpoint is folded into status at the job's next pass (the steady
 * resync, at most 30 s away), and nothing the operator does depends on having it sooner: a restore
 * point is chosen from the HA store and from the checkpoint storage read after a teardown, never
 * from status alone, and the checkpoint-age metric follows the poll directly. Pure.
 */
public final class CheckpointNews {
  private CheckpointNews() {}

  /** Whether a checkpoint alone should wake a pass of the job in this status. */
  public static boolean awaited(FlinkResilientJobStatus status) {
    if (status == null) {
      return true;
    }
    boolean steady =
        status.getPhase() == Phase.RUNNING
            && "RUNNING".equals(status.getJobState())
            && status.getOperation() == null
            && (status.getRecovery() == null || status.getRecovery().getCurrent() == null)
            && status.getObservation() == null
            && !degraded(status)
            && DeploymentCheckpoint.recordedSinceDeployed(status);
    return !steady;
  }

  private static boolean degraded(FlinkResilientJobStatus status) {
    return status.getConditions().stream()
        .anyMatch(c -> "Degraded".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
