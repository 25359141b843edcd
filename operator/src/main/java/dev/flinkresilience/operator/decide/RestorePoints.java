package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.RestoreFrom;
import dev.flinkresilience.operator.decide.Decision.DeployReason;

/**
 * Where a deployment restores from. The first deployment starts from {@code
 * job.initialSavepointPath} (or empty state); every later one from the newest restore point
 * recorded in status, per {@code recovery.restoreFrom}.
 *
 * <p>Hook for the observation work: the recorded points come from Flink's REST API, the HA store
 * and savepoints (issue 3), which also brings the age limit and the "never below the recorded id"
 * guard. Savepoints and checkpoints share Flink's id counter, so the higher id is the newer state.
 */
public final class RestorePoints {
  private RestorePoints() {}

  public static RestorePoint choose(
      DeployReason reason, FlinkResilientJobSpec spec, FlinkResilientJobStatus status) {
    if (reason == DeployReason.INITIAL) {
      String initial = spec.getJob().getInitialSavepointPath();
      return initial == null || initial.isBlank()
          ? RestorePoint.NONE
          : new RestorePoint(initial, null, "user");
    }
    RestoreFrom policy = spec.getRecovery().getRestoreFrom();
    CheckpointRef checkpoint = status == null ? null : status.getLatestCheckpoint();
    CheckpointRef savepoint = status == null ? null : status.getLatestSavepoint();
    CheckpointRef chosen =
        switch (policy) {
          case NONE -> null;
          case LATEST_SAVEPOINT -> savepoint;
          case LATEST_CHECKPOINT -> newer(checkpoint, savepoint);
        };
    return usable(chosen)
        ? new RestorePoint(chosen.getPath(), chosen.getId(), chosen.getSource())
        : RestorePoint.NONE;
  }

  private static CheckpointRef newer(CheckpointRef a, CheckpointRef b) {
    if (!usable(a)) {
      return usable(b) ? b : null;
    }
    if (!usable(b)) {
      return a;
    }
    long idA = a.getId() == null ? -1 : a.getId();
    long idB = b.getId() == null ? -1 : b.getId();
    return idB > idA ? b : a;
  }

  private static boolean usable(CheckpointRef ref) {
    return ref != null && ref.getPath() != null && !ref.getPath().isBlank();
  }
}
