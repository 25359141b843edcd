package dev.flinkresilience.operator.ops;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Removes a job's series, and whatever else follows the job ({@link #alsoForget}), when JOSDK has
 * seen it deleted: after the finalizer's cleanup, and when the job left this operator's label
 * selector (relabelled to another shard: no cleanup runs then). Registered next to JOSDK's own
 * Micrometer metrics, the one hook JOSDK calls in both cases.
 */
public final class ForgetDeletedJobs implements Metrics {
  private final JobMetrics jobs;
  private final RecoveryMetrics recoveries;

  /** Set once the reconciler exists, which is after JOSDK's Operator (and its metrics) is built. */
  private volatile Consumer<ResourceID> also = id -> {};

  public ForgetDeletedJobs(JobMetrics jobs, RecoveryMetrics recoveries) {
    this.jobs = jobs;
    this.recoveries = recoveries;
  }

  /** Also calls {@code forget} for each job JOSDK saw deleted. */
  public void alsoForget(Consumer<ResourceID> forget) {
    this.also = forget;
  }

  @Override
  public void cleanupDoneFor(ResourceID id, Map<String, Object> metadata) {
    also.accept(id);
    id.getNamespace()
        .ifPresent(
            ns -> {
              jobs.remove(ns, id.getName());
              recoveries.remove(ns, id.getName());
            });
  }
}
