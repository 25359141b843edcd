package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * The checkpoint a recovery must restore at least: the newest one the job had completed when it
 * failed. The operator's record of the newest checkpoint is that floor when an incident opens,
 * unless Flink already recovered on its own in between: a standby JobManager that took the lock
 * over before the operator saw the node die restores, runs on and checkpoints, and the record then
 * names the recovered job's own checkpoints. Taken as the floor, no restore could ever reach it, so
 * the job (healthy for a minute and a half) was redeployed when the verification timed out (chaos
 * run, the leader's node killed with a standby, a node watch that reconnected twice and detected at
 * 25 s).
 */
public final class IncidentTarget {
  private IncidentTarget() {}

  /**
   * The floor for an incident whose failure began at {@code failedAt}; null when no checkpoint is
   * recorded. If the job restored after {@code failedAt}, the record counts only if it completed
   * before that restore; otherwise the restore itself is the floor (the older record it replaced is
   * not kept; Flink restored from the newest its HA store named).
   */
  public static Long checkpointId(FlinkResilientJobStatus status, Instant failedAt) {
    CheckpointRef latest = status.getLatestCheckpoint();
    if (latest == null || latest.getId() == null) {
      return null;
    }
    CheckpointRef restored = status.getRestoredFrom();
    Optional<Instant> restoredAt =
        restored == null || restored.getId() == null
            ? Optional.empty()
            : StatusTime.of(restored.getRestoredAt());
    if (restoredAt.isEmpty() || failedAt == null || restoredAt.get().isBefore(failedAt)) {
      return latest.getId();
    }
    boolean before =
        StatusTime.of(latest.getCompletedAt()).map(t -> t.isBefore(restoredAt.get())).orElse(false);
    return before ? latest.getId() : Math.min(latest.getId(), restored.getId());
  }
}
