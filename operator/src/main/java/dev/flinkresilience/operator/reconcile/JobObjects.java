package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource;
import java.util.List;

/**
 * A job's Pods, Deployments and Flink HA ConfigMaps, read from the informers' job index. JOSDK's
 * {@code getSecondaryResources} collects them into a set, so every read hashed each whole object (a
 * Pod's spec, a ConfigMap's data) twice, and a pass read them five times: 4% of the operator's
 * steady CPU at 1,000 jobs (JFR of the scale benchmark). The index lists them without hashing.
 */
final class JobObjects {
  /** The index every job-scoped informer keeps: {@code namespace/job name}. */
  static final String INDEX = "job";

  private JobObjects() {}

  static String key(String namespace, String job) {
    return namespace + "/" + job;
  }

  static <R extends HasMetadata> List<R> of(
      Context<FlinkResilientJob> ctx, Class<R> type, FlinkResilientJob job) {
    var source =
        (ManagedInformerEventSource<R, FlinkResilientJob, ?>)
            ctx.eventSourceRetriever().getEventSourceFor(type);
    return source.byIndex(
        INDEX, key(job.getMetadata().getNamespace(), job.getMetadata().getName()));
  }
}
