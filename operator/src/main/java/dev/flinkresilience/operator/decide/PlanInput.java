package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import java.time.Instant;
import java.util.List;

/**
 * Everything the planner looks at.
 *
 * @param desired the valid spec, or null when it is invalid
 * @param violations why the spec is invalid (empty when valid)
 * @param status the status with this pass's observations already merged in (never null)
 * @param cluster what exists in the cluster
 * @param ha what Flink's HA store holds for the job ({@link HaStoreView#noHa()} without HA)
 * @param now the time of this pass
 * @param storage what the checkpoint storage holds, read once the old cluster was gone ({@link
 *     CheckpointStorageView#notRead()} until then)
 * @param savepoint the REST API's freshness and the progress of a stop with a savepoint ({@link
 *     SavepointView#none()} when nothing is known)
 */
public record PlanInput(
    DesiredJob desired,
    List<String> violations,
    FlinkResilientJobStatus status,
    ObservedCluster cluster,
    HaStoreView ha,
    Instant now,
    CheckpointStorageView storage,
    SavepointView savepoint) {

  public PlanInput {
    storage = storage == null ? CheckpointStorageView.notRead() : storage;
    savepoint = savepoint == null ? SavepointView.none() : savepoint;
  }

  /** Knowing nothing of a stop with a savepoint. */
  public PlanInput(
      DesiredJob desired,
      List<String> violations,
      FlinkResilientJobStatus status,
      ObservedCluster cluster,
      HaStoreView ha,
      Instant now,
      CheckpointStorageView storage) {
    this(desired, violations, status, cluster, ha, now, storage, SavepointView.none());
  }

  /** Before the checkpoint storage was read. */
  public PlanInput(
      DesiredJob desired,
      List<String> violations,
      FlinkResilientJobStatus status,
      ObservedCluster cluster,
      HaStoreView ha,
      Instant now) {
    this(desired, violations, status, cluster, ha, now, CheckpointStorageView.notRead());
  }

  public PlanInput withStorage(CheckpointStorageView read) {
    return new PlanInput(desired, violations, status, cluster, ha, now, read, savepoint);
  }

  public PlanInput withSavepoint(SavepointView view) {
    return new PlanInput(desired, violations, status, cluster, ha, now, storage, view);
  }
}
