package dev.flinkresilience.operator.ops;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.decide.Signal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Detections and recoveries, counted from the incidents each pass's status shows: an incident seen
 * for the first time is a detection, one that reached history is a recovery with its outcome. So
 * the metrics say exactly what status says, and a pass repeated after a conflict counts nothing
 * twice. After an operator restart the incidents already in status are taken as counted (the
 * previous leader counted them).
 *
 * <p>The counters are per job (an alert must name the job); the histograms are by reason only, and
 * every known reason's is registered at 0 up front: a series born at its first observation would
 * hide that observation from {@code rate()}, and the slow-recovery alert would miss the first slow
 * recovery.
 */
public final class RecoveryMetrics {
  private static final double[] SLO_SECONDS = {0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600};

  private final MeterRegistry registry;

  /** Per job: the highest incident id counted as detected, and as ended. */
  private final Map<String, long[]> counted = new ConcurrentHashMap<>();

  public RecoveryMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Signal.Reason reason : Signal.Reason.values()) {
      detectionSeconds(reason.value());
      recoverySeconds(reason.value());
    }
  }

  public void update(FlinkResilientJob job, FlinkResilientJobStatus status) {
    if (status == null || status.getRecovery() == null) {
      return;
    }
    String key = job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
    List<Incident> seen = new ArrayList<>(status.getRecovery().getHistory());
    Incident current = status.getRecovery().getCurrent();
    if (current != null) {
      seen.add(current);
    }
    long newest = seen.stream().mapToLong(i -> id(i)).max().orElse(0);
    long[] marks = counted.computeIfAbsent(key, k -> new long[] {newest, newestEnded(status)});
    synchronized (marks) {
      for (Incident i : seen) {
        if (id(i) > marks[0]) {
          detected(job, i);
        }
      }
      for (Incident i : status.getRecovery().getHistory()) {
        if (id(i) > marks[1]) {
          ended(job, i);
        }
      }
      marks[0] = Math.max(marks[0], newest);
      marks[1] = Math.max(marks[1], newestEnded(status));
    }
  }

  /**
   * The job is gone; its marks and its counters go too (alerts over a window still see what they
   * counted until it ends). The histograms stay: they are totals of this process.
   */
  public void remove(String namespace, String name) {
    counted.remove(namespace + "/" + name);
    for (String counter : List.of(MetricNames.DETECTIONS, MetricNames.RECOVERIES)) {
      registry
          .find(MetricNames.counterBase(counter))
          .tags(MetricNames.NAMESPACE, namespace, MetricNames.NAME, name)
          .meters()
          .forEach(registry::remove);
    }
  }

  private void detected(FlinkResilientJob job, Incident i) {
    Counter.builder(MetricNames.counterBase(MetricNames.DETECTIONS))
        .description("Failures detected, per job and reason")
        .tags(jobTags(job))
        .tag(MetricNames.REASON, nonNull(i.getReason()))
        .register(registry)
        .increment();
    if (i.getDetectionSeconds() != null) {
      detectionSeconds(nonNull(i.getReason())).record(i.getDetectionSeconds());
    }
  }

  private void ended(FlinkResilientJob job, Incident i) {
    Counter.builder(MetricNames.counterBase(MetricNames.RECOVERIES))
        .description(
            "Incidents ended, per job, by reason and outcome (Recovered, GaveUp, Superseded)")
        .tags(jobTags(job))
        .tags(
            MetricNames.REASON,
            nonNull(i.getReason()),
            MetricNames.OUTCOME,
            nonNull(i.getOutcome()))
        .register(registry)
        .increment();
    if (i.getRecoverySeconds() != null) {
      recoverySeconds(nonNull(i.getReason())).record(i.getRecoverySeconds());
    }
  }

  private static Tags jobTags(FlinkResilientJob job) {
    return Tags.of(
        MetricNames.NAMESPACE,
        job.getMetadata().getNamespace(),
        MetricNames.NAME,
        job.getMetadata().getName());
  }

  private DistributionSummary detectionSeconds(String reason) {
    return summary(MetricNames.DETECTION_SECONDS, "From failure to detection", reason);
  }

  private DistributionSummary recoverySeconds(String reason) {
    return summary(MetricNames.RECOVERY_SECONDS, "From detection to the job RUNNING again", reason);
  }

  private DistributionSummary summary(String name, String description, String reason) {
    return DistributionSummary.builder(name)
        .description(description)
        .baseUnit("seconds")
        .tags(MetricNames.REASON, reason)
        .serviceLevelObjectives(SLO_SECONDS)
        .register(registry);
  }

  private static long newestEnded(FlinkResilientJobStatus status) {
    return status.getRecovery().getHistory().stream()
        .mapToLong(RecoveryMetrics::id)
        .max()
        .orElse(0);
  }

  private static long id(Incident i) {
    return i.getId() == null ? 0 : i.getId();
  }

  private static String nonNull(String s) {
    return s == null ? "Unknown" : s;
  }
}
