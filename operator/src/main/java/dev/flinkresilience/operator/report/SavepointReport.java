package dev.flinkresilience.operator.report;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Operation;
import dev.flinkresilience.operator.api.v1alpha1.OperationType;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.decide.Decision;
import dev.flinkresilience.operator.decide.Decision.AwaitSavepoint;
import dev.flinkresilience.operator.decide.Decision.DeleteCluster;
import dev.flinkresilience.operator.decide.Decision.RecordSavepointTrigger;
import dev.flinkresilience.operator.decide.Decision.SavepointTaken;
import dev.flinkresilience.operator.decide.RestorePoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Status and events of a stop with a savepoint (DESIGN.md §5.5). The trigger id goes into the
 * operation before anything is sent; the completed savepoint goes into {@code finalSavepoint}
 * before the cluster is deleted; a fallback to last-state is a Warning and stays in the operation.
 */
final class SavepointReport {
  static final String FALLBACK = "SavepointFallback";

  private SavepointReport() {}

  /** What a savepoint decision does to {@code next}; empty for every other decision. */
  static Optional<RecoveryReport.Step> apply(
      FlinkResilientJobStatus next, Decision decision, String name, Instant now) {
    Operation op = next.getOperation();
    if (decision instanceof RecordSavepointTrigger record && op != null) {
      op.setSavepointTriggerId(record.triggerId());
      op.setSavepointTriggeredAt(now.toString());
      String message =
          record.type()
              + ": stopping the job with a savepoint (trigger "
              + record.triggerId()
              + ")";
      return step(
          record.type(), message, List.of(EventSpec.normal("StoppingWithSavepoint", message)));
    }
    if (decision instanceof AwaitSavepoint await) {
      return step(
          await.type(),
          await.type()
              + ": waiting for the savepoint of the stop (trigger "
              + await.triggerId()
              + ", into "
              + await.targetDirectory()
              + ")",
          List.of());
    }
    if (decision instanceof SavepointTaken taken && op != null) {
      op.setSavepointPath(taken.path());
      CheckpointRef ref = new CheckpointRef();
      ref.setPath(taken.path());
      ref.setCompletedAt(now.toString());
      ref.setSource(RestorePoint.STOP_WITH_SAVEPOINT);
      ref.setTriggerReason(op.getType() + ": " + op.getReason());
      next.setFinalSavepoint(ref);
      CheckpointRef latest = new CheckpointRef();
      latest.setPath(taken.path());
      latest.setCompletedAt(ref.getCompletedAt());
      latest.setSource(RestorePoint.STOP_WITH_SAVEPOINT);
      latest.setTriggerReason(ref.getTriggerReason());
      next.setLatestSavepoint(latest);
      SavepointHistoryReport.stopped(next, op, taken.path(), null, now);
      String message = taken.type() + ": the job stopped with savepoint " + taken.path();
      return step(taken.type(), message, List.of(EventSpec.normal("SavepointTaken", message)));
    }
    if (decision instanceof DeleteCluster delete && delete.fallback() != null && op != null) {
      op.setFallback(delete.fallback());
      if (op.getSavepointTriggerId() != null) {
        // The stop was sent and gave no savepoint: listed as a failed one.
        SavepointHistoryReport.stopped(next, op, null, delete.fallback(), now);
      }
      String message =
          delete.type()
              + " without a savepoint (last-state): "
              + delete.fallback()
              + "; deleting cluster "
              + name
              + (delete.type() == OperationType.SUSPEND
                  ? "; the resume restores the newest checkpoint that exists"
                  : ", then restoring the newest checkpoint that exists");
      List<EventSpec> events = new ArrayList<>();
      events.add(EventSpec.warning(FALLBACK, message));
      events.add(EventSpec.normal("DeletingCluster", "Deleting cluster " + name));
      return step(delete.type(), message, events);
    }
    return Optional.empty();
  }

  private static Optional<RecoveryReport.Step> step(
      OperationType type, String message, List<EventSpec> events) {
    Phase phase = type == OperationType.SUSPEND ? Phase.SUSPENDED : Phase.DEPLOYING;
    return Optional.of(new RecoveryReport.Step(phase, message, events));
  }
}
