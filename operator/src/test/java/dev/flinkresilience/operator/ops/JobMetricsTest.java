package dev.flinkresilience.operator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.FlinkRestartsStatus;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.testing.Jobs;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The job metrics as Prometheus scrapes them, from statuses a reconcile pass could end with. */
class JobMetricsTest {
  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JobMetrics metrics = new JobMetrics(registry, Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void aRunningJobShowsItsCheckpointRestartsAndPhase() {
    var job = Jobs.job("streaming", "orders");
    job.getSpec().getCheckpointing().setInterval("10s");
    metrics.update(job, running(job, 42L, "2026-11-21T09:59:30Z", 3L, 7L));

    String tags = "name=\"orders\",namespace=\"streaming\"";
    assertThat(samples())
        .contains(
            MetricNames.JOBS + "{phase=\"Running\"} 1.0",
            MetricNames.JOBS + "{phase=\"Failed\"} 0.0",
            MetricNames.JOB_PHASE + "{" + tags + ",phase=\"Running\"} 1.0",
            MetricNames.CHECKPOINT_AGE_SECONDS + "{" + tags + "} 30.0",
            MetricNames.CHECKPOINT_ID + "{" + tags + "} 42.0",
            MetricNames.CHECKPOINT_INTERVAL_SECONDS + "{" + tags + "} 10.0",
            MetricNames.FLINK_RESTARTS_TOTAL + "{" + tags + "} 3.0",
            MetricNames.FLINK_RESTARTS_REMAINING + "{" + tags + "} 7.0",
            MetricNames.JOB_RUNNING + "{" + tags + "} 1.0");
    assertThat(registry.scrape())
        .as("restarts_total is a counter, so rate() applies")
        .contains("# TYPE " + MetricNames.FLINK_RESTARTS_TOTAL + " counter");
  }

  @Test
  void unknownValuesAreAbsentNotZero() {
    var job = Jobs.job("streaming", "orders");
    var status = new FlinkResilientJobStatus();
    status.setPhase(Phase.DEPLOYING);
    metrics.update(job, status);

    assertThat(names())
        .contains(MetricNames.JOB_PHASE, MetricNames.JOB_RUNNING)
        .doesNotContain(
            MetricNames.CHECKPOINT_AGE_SECONDS,
            MetricNames.SAVEPOINT_AGE_SECONDS,
            MetricNames.CHECKPOINT_ID,
            MetricNames.FLINK_RESTARTS_TOTAL,
            MetricNames.FLINK_RESTARTS_REMAINING);
    assertThat(samples())
        .anyMatch(l -> l.startsWith(MetricNames.JOB_RUNNING) && l.endsWith(" 0.0"));
  }

  @Test
  void aPhaseChangeMovesTheJobAndAValueGoingUnknownRemovesItsSeries() {
    var job = Jobs.job("streaming", "orders");
    metrics.update(job, running(job, 1L, "2026-11-21T09:59:00Z", 0L, 1L));
    var failed = running(job, 1L, "2026-11-21T09:59:00Z", null, null);
    failed.setPhase(Phase.FAILED);
    failed.setJobState("FAILED");
    metrics.update(job, failed);

    assertThat(samples())
        .contains(MetricNames.JOBS + "{phase=\"Failed\"} 1.0")
        .contains(MetricNames.JOBS + "{phase=\"Running\"} 0.0")
        .noneMatch(l -> l.startsWith(MetricNames.JOB_PHASE) && l.contains("Running"));
    assertThat(names()).doesNotContain(MetricNames.FLINK_RESTARTS_REMAINING);
  }

  @Test
  void anOpenIncidentShowsItsIdAndReasonUntilItCloses() {
    var job = Jobs.job("streaming", "orders");
    var status = running(job, 1L, "2026-11-21T09:59:00Z", 0L, 1L);
    metrics.update(job, status);
    assertThat(names()).doesNotContain(MetricNames.OPEN_INCIDENT_ID);

    var incident = new Incident();
    incident.setId(7L);
    incident.setReason("NodeLost");
    status.getRecovery().setCurrent(incident);
    status.setPhase(Phase.RECOVERING);
    metrics.update(job, status);
    assertThat(samples())
        .contains(
            MetricNames.OPEN_INCIDENT_ID
                + "{name=\"orders\",namespace=\"streaming\",reason=\"NodeLost\"} 7.0");

    status.getRecovery().setCurrent(null);
    status.getRecovery().getHistory().add(incident);
    status.setPhase(Phase.RUNNING);
    metrics.update(job, status);
    assertThat(names()).doesNotContain(MetricNames.OPEN_INCIDENT_ID);
  }

  @Test
  void theLatestSavepointShowsItsAge() {
    var job = Jobs.job("streaming", "orders");
    var status = running(job, 42L, "2026-11-21T09:59:30Z", 3L, 7L);
    var savepoint = new dev.flinkresilience.operator.api.v1alpha1.CheckpointRef();
    savepoint.setPath("file:///savepoints/savepoint-1");
    savepoint.setCompletedAt("2026-11-21T09:00:00Z");
    status.setLatestSavepoint(savepoint);
    metrics.update(job, status);

    assertThat(samples())
        .contains(
            MetricNames.SAVEPOINT_AGE_SECONDS + "{name=\"orders\",namespace=\"streaming\"} 3600.0");
  }

  @Test
  void aNewerCheckpointWithoutATimeKeepsTheAgeOfTheLastTimedOne() {
    var job = Jobs.job("streaming", "orders");
    String tags = "{name=\"orders\",namespace=\"streaming\"}";
    metrics.update(job, running(job, 41L, "2026-11-21T09:59:30Z", 0L, 1L));
    // The HA store names checkpoint 42 before REST reports its time.
    metrics.update(job, running(job, 42L, null, 0L, 1L));
    assertThat(samples())
        .contains(
            MetricNames.CHECKPOINT_AGE_SECONDS + tags + " 30.0",
            MetricNames.CHECKPOINT_ID + tags + " 42.0");

    // A restore from a user's savepoint starts the record over, lower: nothing to carry.
    metrics.update(job, running(job, 3L, null, 0L, 1L));
    assertThat(names()).doesNotContain(MetricNames.CHECKPOINT_AGE_SECONDS);
  }

  @Test
  void aCheckpointSeenBetweenPassesMovesTheAgeOnlyForward() {
    var job = Jobs.job("streaming", "orders");
    String tags = "{name=\"orders\",namespace=\"streaming\"}";
    metrics.update(job, running(job, 41L, "2026-11-21T09:59:00Z", 0L, 1L));

    metrics.checkpointed("streaming", "orders", 43L, Instant.parse("2026-11-21T09:59:50Z"));
    assertThat(samples())
        .contains(
            MetricNames.CHECKPOINT_AGE_SECONDS + tags + " 10.0",
            MetricNames.CHECKPOINT_ID + tags + " 43.0");

    metrics.checkpointed("streaming", "orders", 42L, Instant.parse("2026-11-21T09:59:40Z"));
    metrics.checkpointed("streaming", "unknown", 50L, Instant.parse("2026-11-21T09:59:59Z"));
    assertThat(samples())
        .contains(MetricNames.CHECKPOINT_AGE_SECONDS + tags + " 10.0")
        .noneMatch(l -> l.contains("unknown"));
  }

  @Test
  void aDeletedJobLeavesNoSeries() {
    var a = Jobs.job("streaming", "orders");
    var b = Jobs.job("streaming", "payments");
    metrics.update(a, running(a, 1L, "2026-11-21T09:59:00Z", 0L, 1L));
    metrics.update(b, running(b, 1L, "2026-11-21T09:59:00Z", 0L, 1L));
    metrics.remove("streaming", "orders");

    assertThat(samples())
        .noneMatch(l -> l.contains("name=\"orders\""))
        .anyMatch(l -> l.contains("name=\"payments\""))
        .contains(MetricNames.JOBS + "{phase=\"Running\"} 1.0");
  }

  private static FlinkResilientJobStatus running(
      FlinkResilientJob job, Long checkpointId, String completedAt, Long total, Long remaining) {
    var status = new FlinkResilientJobStatus();
    status.setPhase(Phase.RUNNING);
    status.setJobState("RUNNING");
    var cp = new CheckpointRef();
    cp.setId(checkpointId);
    cp.setCompletedAt(completedAt);
    status.setLatestCheckpoint(cp);
    if (total != null) {
      var restarts = new FlinkRestartsStatus();
      restarts.setTotal(total);
      restarts.setRemaining(remaining);
      status.setFlinkRestarts(restarts);
    }
    return status;
  }

  private List<String> samples() {
    return Arrays.stream(registry.scrape().split("\n")).filter(l -> !l.startsWith("#")).toList();
  }

  private List<String> names() {
    return samples().stream().map(l -> l.replaceAll("[{ ].*", "")).distinct().toList();
  }
}
