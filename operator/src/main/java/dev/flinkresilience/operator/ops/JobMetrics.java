package dev.flinkresilience.operator.ops;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Gauges of every job this operator reconciles, from the status each reconcile pass ends with
 * ({@link #update}), removed when the job is deleted ({@link #remove}). Only the replica that
 * reconciles (the leader) has them. Values are read at scrape time: the checkpoint age keeps
 * growing between passes.
 */
public final class JobMetrics {
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<JobKey, Tracked> jobs = new ConcurrentHashMap<>();

  record JobKey(String namespace, String name) {}

  /**
   * One series of one job: a metric name, the phase for {@link MetricNames#JOB_PHASE}, the reason
   * for {@link MetricNames#OPEN_INCIDENT_ID}.
   */
  private record Series(String name, Phase phase, String reason) {
    Series(String name) {
      this(name, null, null);
    }
  }

  /** A job's latest snapshot and the meters showing it; the gauges hold it strongly via jobs. */
  private static final class Tracked {
    volatile JobSnapshot snapshot;
    final Map<Series, Meter> meters = new HashMap<>();
  }

  public JobMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    for (Phase phase : Phase.values()) {
      // Every phase, 0 included: "no Failed job" is a value, not a missing series.
      Gauge.builder(MetricNames.JOBS, jobs, m -> count(m, phase))
          .description("FlinkResilientJobs by phase")
          .tags(MetricNames.PHASE, phase.value())
          .register(registry);
    }
  }

  /** The status a reconcile pass ended with. */
  public synchronized void update(FlinkResilientJob job, FlinkResilientJobStatus status) {
    if (status == null) {
      return;
    }
    JobKey key = key(job.getMetadata().getNamespace(), job.getMetadata().getName());
    Tracked tracked = jobs.computeIfAbsent(key, k -> new Tracked());
    JobSnapshot snapshot = JobSnapshot.of(job, status).keepingTimeOf(tracked.snapshot);
    tracked.snapshot = snapshot;
    Map<Series, ToDoubleFunction<JobSnapshot>> wanted = series(snapshot);
    tracked.meters.entrySet().removeIf(e -> gone(e.getKey(), e.getValue(), wanted));
    wanted.forEach(
        (series, value) ->
            tracked.meters.computeIfAbsent(series, s -> register(key, s, tracked, value)));
  }

  /**
   * A newer checkpoint the poller saw between passes (a steady job's checkpoint wakes no pass): the
   * age and id follow it, so the age does not grow by the time to the next pass. Only a job whose
   * series already show a checkpoint; the rest of the snapshot is the last pass's.
   */
  public synchronized void checkpointed(
      String namespace, String name, long id, Instant completedAt) {
    Tracked tracked = jobs.get(key(namespace, name));
    JobSnapshot s = tracked == null ? null : tracked.snapshot;
    if (s == null
        || s.checkpointCompletedAt() == null
        || s.checkpointId() == null
        || id <= s.checkpointId()) {
      return;
    }
    // Under the same lock as update(): read-then-replace on the poller's thread must not put back
    // a snapshot older than the one a pass just wrote (its phase, its incident).
    tracked.snapshot = s.withCheckpoint(id, completedAt);
  }

  /** The job is gone: its series go too. */
  public synchronized void remove(String namespace, String name) {
    Tracked tracked = jobs.remove(key(namespace, name));
    if (tracked != null) {
      tracked.meters.values().forEach(registry::remove);
    }
  }

  private boolean gone(Series series, Meter meter, Map<Series, ?> wanted) {
    if (wanted.containsKey(series)) {
      return false;
    }
    registry.remove(meter);
    return true;
  }

  /** The series a snapshot shows, each with how to read its value from the latest snapshot. */
  private Map<Series, ToDoubleFunction<JobSnapshot>> series(JobSnapshot s) {
    Map<Series, ToDoubleFunction<JobSnapshot>> out = new LinkedHashMap<>();
    if (s.phase() != null) {
      out.put(new Series(MetricNames.JOB_PHASE, s.phase(), null), x -> 1);
    }
    out.put(new Series(MetricNames.JOB_RUNNING), x -> x.running() ? 1 : 0);
    if (s.checkpointCompletedAt() != null) {
      out.put(new Series(MetricNames.CHECKPOINT_AGE_SECONDS), x -> age(x.checkpointCompletedAt()));
    }
    if (s.savepointCompletedAt() != null) {
      out.put(new Series(MetricNames.SAVEPOINT_AGE_SECONDS), x -> age(x.savepointCompletedAt()));
    }
    if (s.checkpointId() != null) {
      out.put(new Series(MetricNames.CHECKPOINT_ID), x -> orNaN(x.checkpointId()));
    }
    if (s.checkpointIntervalSeconds() != null) {
      out.put(
          new Series(MetricNames.CHECKPOINT_INTERVAL_SECONDS),
          x -> orNaN(x.checkpointIntervalSeconds()));
    }
    if (s.flinkRestartsTotal() != null) {
      out.put(new Series(MetricNames.FLINK_RESTARTS_TOTAL), x -> orNaN(x.flinkRestartsTotal()));
    }
    if (s.openIncidentId() != null) {
      out.put(
          new Series(MetricNames.OPEN_INCIDENT_ID, null, s.openIncidentReason()),
          x -> orNaN(x.openIncidentId()));
    }
    if (s.flinkRestartsRemaining() != null) {
      out.put(
          new Series(MetricNames.FLINK_RESTARTS_REMAINING), x -> orNaN(x.flinkRestartsRemaining()));
    }
    return out;
  }

  private Meter register(
      JobKey key, Series series, Tracked tracked, ToDoubleFunction<JobSnapshot> value) {
    Tags tags = Tags.of(MetricNames.NAMESPACE, key.namespace(), MetricNames.NAME, key.name());
    if (series.phase() != null) {
      tags = tags.and(MetricNames.PHASE, series.phase().value());
    }
    if (series.reason() != null) {
      tags = tags.and(MetricNames.REASON, series.reason());
    }
    ToDoubleFunction<Tracked> read = t -> value.applyAsDouble(t.snapshot);
    if (series.name().equals(MetricNames.FLINK_RESTARTS_TOTAL)) {
      return FunctionCounter.builder(MetricNames.counterBase(series.name()), tracked, read)
          .tags(tags)
          .register(registry);
    }
    return Gauge.builder(series.name(), tracked, read).tags(tags).register(registry);
  }

  private double age(Instant completedAt) {
    if (completedAt == null) {
      return Double.NaN;
    }
    Duration age = Duration.between(completedAt, clock.instant());
    // A JobManager clock ahead of ours is not a negative age.
    return Math.max(0, age.toMillis() / 1000.0);
  }

  private static double count(Map<JobKey, Tracked> jobs, Phase phase) {
    return jobs.values().stream()
        .filter(t -> t.snapshot != null && t.snapshot.phase() == phase)
        .count();
  }

  private static double orNaN(Number n) {
    return n == null ? Double.NaN : n.doubleValue();
  }

  private static JobKey key(String namespace, String name) {
    return new JobKey(Objects.requireNonNull(namespace), Objects.requireNonNull(name));
  }
}
