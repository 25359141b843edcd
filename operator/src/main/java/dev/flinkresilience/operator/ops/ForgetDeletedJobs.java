package dev.flinkresilience.operator.ops;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;

/**
 * Removes a job's series when JOSDK has seen it deleted (after the finalizer's cleanup), so the
 * reconciler needs no extra call for it. Registered next to JOSDK's own Micrometer metrics.
 */
public final class ForgetDeletedJobs implements Metrics {
  private final JobMetrics jobs;
  private final RecoveryMetrics recoveries;

  public ForgetDeletedJobs(JobMetrics jobs, RecoveryMetrics recoveries) {
    this.jobs = jobs;
    this.recoveries = recoveries;
  }

  @Override
  public void cleanupDoneFor(ResourceID id, Map<String, Object> metadata) {
    id.getNamespace()
        .ifPresent(
            ns -> {
              jobs.remove(ns, id.getName());
              recoveries.remove(ns, id.getName());
            });
  }
}
