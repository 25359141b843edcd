package dev.flinkresilience.operator.ops;

import java.util.List;

/**
 * The names of the job metrics (and of the node watch's two gauges) as Prometheus sees them on
 * {@code /metrics}. The chart's alerts use these names and nothing else (ChartTest checks every
 * expression against {@link #ALL}). Tags: {@link #NAMESPACE} and {@link #NAME} of the
 * FlinkResilientJob, {@link #PHASE} where said.
 */
public final class MetricNames {
  /** Jobs this operator manages, by {@code phase} (every phase present, 0 when none). */
  public static final String JOBS = "flinkresilience_jobs";

  /** 1 for the job's current {@code phase}; one series per job. */
  public static final String JOB_PHASE = "flinkresilience_job_phase";

  /** Seconds since {@code status.latestCheckpoint.completedAt}; absent before the first one. */
  public static final String CHECKPOINT_AGE_SECONDS = "flinkresilience_checkpoint_age_seconds";

  /**
   * Seconds since {@code status.latestSavepoint.completedAt} (any savepoint: manual, periodic or a
   * planned stop's); absent before the first one.
   */
  public static final String SAVEPOINT_AGE_SECONDS = "flinkresilience_savepoint_age_seconds";

  /** {@code status.latestCheckpoint.id}; absent before the first checkpoint. */
  public static final String CHECKPOINT_ID = "flinkresilience_checkpoint_id";

  /**
   * {@code spec.checkpointing.interval} in seconds, so alerts can scale with each job's interval.
   */
  public static final String CHECKPOINT_INTERVAL_SECONDS =
      "flinkresilience_checkpoint_interval_seconds";

  /**
   * {@code status.flinkRestarts.total}: a counter (Flink's count only grows within a deployment; a
   * redeploy resets it, which {@code rate()} treats as a counter reset). Absent when unknown.
   */
  public static final String FLINK_RESTARTS_TOTAL = "flinkresilience_flink_restarts_total";

  /** {@code status.flinkRestarts.remaining}; absent when unknown or unlimited. */
  public static final String FLINK_RESTARTS_REMAINING = "flinkresilience_flink_restarts_remaining";

  /** 1 when {@code status.jobState} is RUNNING, else 0. */
  public static final String JOB_RUNNING = "flinkresilience_job_running";

  /**
   * The id of the job's open incident ({@code status.recovery.current.id}), by {@code reason};
   * absent while none is open. The id is the one its events, status and JSON logs carry.
   */
  public static final String OPEN_INCIDENT_ID = "flinkresilience_open_incident_id";

  /**
   * Failures detected, per job and {@code reason} (NodeLost, JobManagerLost, ...): a counter,
   * created at its first increment (alerts count a series born within their window from 0).
   */
  public static final String DETECTIONS = "flinkresilience_detections_total";

  /**
   * Incidents ended, per job, by {@code reason} and {@code outcome} (Recovered, GaveUp,
   * Superseded); created at its first increment, like {@link #DETECTIONS}.
   */
  public static final String RECOVERIES = "flinkresilience_recoveries_total";

  /**
   * Histogram of seconds from a failure to its detection, by {@code reason} (not per job, so the
   * series stay few); every reason's is there from the start at 0, so {@code rate()} sees the first
   * observation.
   */
  public static final String DETECTION_SECONDS = "flinkresilience_detection_seconds";

  /** Histogram of seconds from detection to the job RUNNING again, as the one above. */
  public static final String RECOVERY_SECONDS = "flinkresilience_recovery_seconds";

  /** 1 while the node watch is healthy (connected, Leases arriving), 0 while impaired. */
  public static final String NODE_WATCH_HEALTHY = "flinkresilience_node_watch_healthy";

  /** 1 while the mass-loss guard holds every node loss back, else 0. */
  public static final String MASS_LOSS_GUARD = "flinkresilience_mass_loss_guard";

  public static final List<String> ALL =
      List.of(
          DETECTIONS,
          RECOVERIES,
          DETECTION_SECONDS + "_bucket",
          DETECTION_SECONDS + "_count",
          DETECTION_SECONDS + "_sum",
          RECOVERY_SECONDS + "_bucket",
          RECOVERY_SECONDS + "_count",
          RECOVERY_SECONDS + "_sum",
          JOBS,
          JOB_PHASE,
          CHECKPOINT_AGE_SECONDS,
          CHECKPOINT_ID,
          CHECKPOINT_INTERVAL_SECONDS,
          FLINK_RESTARTS_TOTAL,
          FLINK_RESTARTS_REMAINING,
          JOB_RUNNING,
          OPEN_INCIDENT_ID,
          SAVEPOINT_AGE_SECONDS,
          NODE_WATCH_HEALTHY,
          MASS_LOSS_GUARD);

  public static final String NAMESPACE = "namespace";
  public static final String NAME = "name";
  public static final String PHASE = "phase";
  public static final String REASON = "reason";
  public static final String OUTCOME = "outcome";

  private MetricNames() {}

  /**
   * The name to register a counter under: Micrometer's Prometheus naming adds {@code _total} to
   * counters itself (and the Prometheus client refuses it on anything else).
   */
  static String counterBase(String exportedName) {
    if (!exportedName.endsWith("_total")) {
      throw new IllegalArgumentException("not a counter name: " + exportedName);
    }
    return exportedName.substring(0, exportedName.length() - "_total".length());
  }
}
