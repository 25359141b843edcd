package dev.flinkresilience.operator.ops;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.spec.Durations;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * What the job metrics show of one job, taken from its status after a reconcile pass. Null means
 * unknown: the metric is then absent rather than a made-up 0.
 */
record JobSnapshot(
    Phase phase,
    Instant checkpointCompletedAt,
    Long checkpointId,
    Double checkpointIntervalSeconds,
    Long flinkRestartsTotal,
    Long flinkRestartsRemaining,
    boolean running,
    Long openIncidentId,
    String openIncidentReason,
    Instant savepointCompletedAt) {

  /**
   * This snapshot, or when its checkpoint has no known time, with the time of the one before if
   * that was no newer. The HA store names checkpoints without a time (Kubernetes HA always), often
   * before REST reports them with one; a newer checkpoint cannot be older than the last timed one,
   * so that time bounds the age from above, and the age keeps showing (and keeps growing should
   * checkpoints stall) instead of vanishing whenever the HA store is ahead.
   */
  JobSnapshot keepingTimeOf(JobSnapshot before) {
    boolean untimed = checkpointCompletedAt == null && checkpointId != null;
    if (!untimed
        || before == null
        || before.checkpointCompletedAt() == null
        || before.checkpointId() == null
        || before.checkpointId() > checkpointId) {
      return this;
    }
    return withCheckpoint(checkpointId, before.checkpointCompletedAt());
  }

  /** This snapshot with a newer checkpoint. */
  JobSnapshot withCheckpoint(long id, Instant completedAt) {
    return new JobSnapshot(
        phase,
        completedAt,
        id,
        checkpointIntervalSeconds,
        flinkRestartsTotal,
        flinkRestartsRemaining,
        running,
        openIncidentId,
        openIncidentReason,
        savepointCompletedAt);
  }

  static JobSnapshot of(FlinkResilientJob job, FlinkResilientJobStatus status) {
    var checkpoint = status.getLatestCheckpoint();
    var restarts = status.getFlinkRestarts();
    var incident = status.getRecovery() == null ? null : status.getRecovery().getCurrent();
    return new JobSnapshot(
        status.getPhase(),
        checkpoint == null ? null : instant(checkpoint.getCompletedAt()),
        checkpoint == null ? null : checkpoint.getId(),
        intervalSeconds(job),
        restarts == null ? null : restarts.getTotal(),
        restarts == null ? null : restarts.getRemaining(),
        "RUNNING".equals(status.getJobState()),
        incident == null ? null : incident.getId(),
        incident == null || incident.getReason() == null ? "Unknown" : incident.getReason(),
        status.getLatestSavepoint() == null
            ? null
            : instant(status.getLatestSavepoint().getCompletedAt()));
  }

  private static Instant instant(String rfc3339) {
    if (rfc3339 == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(rfc3339).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The spec's interval; absent when the spec does not parse (the job is then InvalidSpec). */
  private static Double intervalSeconds(FlinkResilientJob job) {
    var spec = job.getSpec();
    if (spec == null || spec.getCheckpointing() == null) {
      return null;
    }
    try {
      return Durations.parse(spec.getCheckpointing().getInterval()).toMillis() / 1000.0;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
