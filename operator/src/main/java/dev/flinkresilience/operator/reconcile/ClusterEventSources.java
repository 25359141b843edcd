package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.model.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Set;

/**
 * Informers on the objects of the operator's jobs only: label-selected on {@link Labels#JOB}, never
 * all pods of the cluster, and mapped back to their FlinkResilientJob by that label.
 */
final class ClusterEventSources {
  private ClusterEventSources() {}

  static <R extends HasMetadata> InformerEventSource<R, FlinkResilientJob> labelled(
      Class<R> type, String name, EventSourceContext<FlinkResilientJob> context) {
    var config =
        InformerEventSourceConfiguration.from(type, FlinkResilientJob.class)
            .withName(name)
            .withLabelSelector(Labels.JOB)
            .withSecondaryToPrimaryMapper(
                (R r) -> {
                  var labels = r.getMetadata().getLabels();
                  String job = labels == null ? null : labels.get(Labels.JOB);
                  return job == null
                      ? Set.of()
                      : Set.of(new ResourceID(job, r.getMetadata().getNamespace()));
                })
            .build();
    return new InformerEventSource<>(config, context);
  }
}
