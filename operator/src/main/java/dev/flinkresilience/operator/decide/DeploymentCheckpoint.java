package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether status records a checkpoint that the running deployment completed itself (pure). By time
 * where the checkpoint has one (Flink's REST API gives it); the HA store's pointer has none, and
 * with HA it is often the one recorded, so then by id: above the deployment's restore point.
 */
public final class DeploymentCheckpoint {
  private DeploymentCheckpoint() {}

  public static boolean recordedSinceDeployed(FlinkResilientJobStatus s) {
    CheckpointRef checkpoint = s.getLatestCheckpoint();
    if (checkpoint == null || checkpoint.getId() == null) {
      return false;
    }
    if (s.getDeployment() == null || s.getDeployment().getDeployedAt() == null) {
      return true; // written before deployments were recorded
    }
    Optional<Instant> deployed = StatusTime.of(s.getDeployment().getDeployedAt());
    if (deployed.isEmpty()) {
      return false;
    }
    Optional<Instant> completed = StatusTime.of(checkpoint.getCompletedAt());
    if (completed.isPresent()) {
      return completed.get().isAfter(deployed.get());
    }
    // Without a time: a chk-N of the running job, above the restore point. Flink registers the
    // savepoint it restored as the new job's first completed checkpoint (the HA store then points
    // at the savepoint, whose id the operator may not know), so the path must be a chk-N too.
    CheckpointRef from = s.getRestoredFrom();
    boolean ownCheckpoint =
        s.getJobId() != null
            && checkpoint.getPath() != null
            && checkpoint.getPath().contains("/" + s.getJobId() + "/chk-");
    return ownCheckpoint
        && (from == null || from.getId() == null || checkpoint.getId() > from.getId());
  }
}
