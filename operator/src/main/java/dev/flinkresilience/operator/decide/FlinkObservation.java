package dev.flinkresilience.operator.decide;

import java.time.Instant;

/**
 * One poll of the job through Flink's REST API. Never partial in a misleading way: a field is null
 * when this poll did not learn it (the checkpoint endpoint answers 500 until the job runs, say).
 *
 * @param observedAt when the poll finished
 * @param outcome whether the JobManager answered, and how
 * @param problem human-readable cause when the outcome is not {@code OK}; null otherwise
 * @param jobState Flink's job status name (RUNNING, RESTARTING, FAILED, ...), null when unknown
 * @param restarts Flink's {@code numRestarts} of the job, null when unknown
 * @param latestCompleted the latest completed checkpoint (savepoints included), null when none
 * @param latestSavepoint the latest completed savepoint, null when none
 * @param restored what the running job restored from, null when it started empty or unknown
 * @param restoredAt when it restored (Flink's {@code restore_timestamp}), null when unknown: tells
 *     Flink's own recovery from a failure apart from an older start
 * @param pace when the next periodic checkpoint is due, null when unknown: the reader's own
 *     bookkeeping (it spares the checkpoint call until then), not for decisions
 */
public record FlinkObservation(
    Instant observedAt,
    Outcome outcome,
    String problem,
    String jobState,
    Long restarts,
    FlinkCheckpoint latestCompleted,
    FlinkCheckpoint latestSavepoint,
    FlinkCheckpoint restored,
    Instant restoredAt,
    CheckpointPace pace) {

  public FlinkObservation(
      Instant observedAt,
      Outcome outcome,
      String problem,
      String jobState,
      Long restarts,
      FlinkCheckpoint latestCompleted,
      FlinkCheckpoint latestSavepoint,
      FlinkCheckpoint restored,
      Instant restoredAt) {
    this(
        observedAt,
        outcome,
        problem,
        jobState,
        restarts,
        latestCompleted,
        latestSavepoint,
        restored,
        restoredAt,
        null);
  }

  /**
   * The job's periodic checkpoint interval and when its latest completed checkpoint (not a
   * savepoint) was triggered, both as the JobManager tells them (its clock). Flink's timer triggers
   * periodic checkpoints an interval apart, at a fixed rate: the next is due at {@link #nextDue},
   * earlier only by as much as the latest one's trigger itself came late.
   *
   * @param interval the job's own interval (its code may override the configuration), null when not
   *     asked yet, zero when there is none to go by (not periodic, or the call failed)
   * @param lastTriggeredAt trigger time of the latest completed checkpoint, null when none
   */
  public record CheckpointPace(java.time.Duration interval, Instant lastTriggeredAt) {
    /** When the next periodic checkpoint is due, null when it cannot be told. */
    public Instant nextDue() {
      return interval == null || interval.isZero() || lastTriggeredAt == null
          ? null
          : lastTriggeredAt.plus(interval);
    }
  }

  public enum Outcome {
    /** The JobManager answered and knows the job. */
    OK,
    /** The JobManager answered but has no such job (404, or absent from the job list). */
    JOB_NOT_FOUND,
    /** No answer: connection refused, timeout, no address to call. */
    UNREACHABLE,
    /** An answer that makes no sense: garbage JSON, an unexpected status code. */
    BAD_ANSWER
  }

  public static FlinkObservation failed(Instant at, Outcome outcome, String problem) {
    return new FlinkObservation(at, outcome, problem, null, null, null, null, null, null, null);
  }
}
