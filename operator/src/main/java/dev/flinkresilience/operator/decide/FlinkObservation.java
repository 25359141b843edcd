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
    Instant restoredAt) {

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
    return new FlinkObservation(at, outcome, problem, null, null, null, null, null, null);
  }
}
