package dev.flinkresilience.operator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.testing.Jobs;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** Detections and recoveries on /metrics follow the incidents in status, each counted once. */
class RecoveryMetricsTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final RecoveryMetrics metrics = new RecoveryMetrics(registry);
  private final FlinkResilientJob job = Jobs.job("streaming", "orders");
  private static final String JOB = "name=\"orders\",namespace=\"streaming\"";

  @Test
  void anIncidentIsADetectionThenARecoveryEachCountedOnce() {
    var status = new FlinkResilientJobStatus();
    metrics.update(job, status); // the job, before any incident

    Incident nodeLost = incident(1, "NodeLost", 21.4);
    status.getRecovery().setCurrent(nodeLost);
    metrics.update(job, status);
    metrics.update(job, status); // the same status again: nothing new

    nodeLost.setOutcome("Recovered");
    nodeLost.setRecoverySeconds(38.0);
    status.getRecovery().setCurrent(null);
    status.getRecovery().getHistory().add(nodeLost);
    metrics.update(job, status);
    metrics.update(job, status);

    String scrape = registry.scrape();
    assertThat(scrape)
        .contains(MetricNames.DETECTIONS + "{" + JOB + ",reason=\"NodeLost\"} 1.0")
        .contains(
            MetricNames.RECOVERIES + "{" + JOB + ",outcome=\"Recovered\",reason=\"NodeLost\"} 1.0")
        .contains(MetricNames.DETECTION_SECONDS + "_count{reason=\"NodeLost\"} 1")
        .contains(MetricNames.DETECTION_SECONDS + "_sum{reason=\"NodeLost\"} 21.4")
        .contains(MetricNames.RECOVERY_SECONDS + "_bucket{reason=\"NodeLost\",le=\"60.0\"} 1")
        .contains(MetricNames.RECOVERY_SECONDS + "_sum{reason=\"NodeLost\"} 38.0");
  }

  @Test
  void anIncidentThatEndedAtOnceIsStillADetection() {
    var status = new FlinkResilientJobStatus();
    metrics.update(job, status);
    Incident gaveUp = incident(1, "JobFailed", 2.0);
    gaveUp.setOutcome("GaveUp");
    status.getRecovery().getHistory().add(gaveUp);
    metrics.update(job, status);
    assertThat(registry.scrape())
        .contains(MetricNames.DETECTIONS + "{" + JOB + ",reason=\"JobFailed\"} 1.0")
        .contains(
            MetricNames.RECOVERIES + "{" + JOB + ",outcome=\"GaveUp\",reason=\"JobFailed\"} 1.0");
  }

  @Test
  void aNewLeaderDoesNotCountTheIncidentsAlreadyInStatus() {
    var status = new FlinkResilientJobStatus();
    Incident old = incident(4, "TaskManagerLost", 1.0);
    old.setOutcome("Recovered");
    status.getRecovery().getHistory().add(old);
    metrics.update(job, status);
    assertThat(registry.scrape()).doesNotContain(MetricNames.DETECTIONS + "{");
  }

  @Test
  void everyReasonsHistogramIsThereAtZeroBeforeItsFirstObservation() {
    // Born at its first observation, a bucket series would hide that observation from rate().
    assertThat(registry.scrape())
        .contains(MetricNames.RECOVERY_SECONDS + "_count{reason=\"NodeLost\"} 0")
        .contains(MetricNames.RECOVERY_SECONDS + "_bucket{reason=\"JobFailed\",le=\"300.0\"} 0")
        .contains(MetricNames.DETECTION_SECONDS + "_count{reason=\"HaMetadataMissing\"} 0");
  }

  @Test
  void aDeletedJobsCountersGoTheOthersStay() {
    var other = Jobs.job("streaming", "payments");
    for (FlinkResilientJob j : new FlinkResilientJob[] {job, other}) {
      var status = new FlinkResilientJobStatus();
      metrics.update(j, status);
      Incident lost = incident(1, "NodeLost", 3.0);
      lost.setOutcome("Recovered");
      lost.setRecoverySeconds(10.0);
      status.getRecovery().getHistory().add(lost);
      metrics.update(j, status);
    }
    metrics.remove("streaming", "orders");
    String scrape = registry.scrape();
    assertThat(scrape)
        .doesNotContain("name=\"orders\"")
        .contains(MetricNames.DETECTIONS + "{name=\"payments\",namespace=\"streaming\"")
        .contains(MetricNames.RECOVERY_SECONDS + "_count{reason=\"NodeLost\"} 2");
  }

  private static Incident incident(long id, String reason, double detectionSeconds) {
    Incident i = new Incident();
    i.setId(id);
    i.setReason(reason);
    i.setDetectionSeconds(detectionSeconds);
    return i;
  }
}
