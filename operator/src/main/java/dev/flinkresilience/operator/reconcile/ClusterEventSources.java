package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.model.Labels;
import dev.flinkresilience.operator.observe.LeanStore;
import dev.flinkresilience.operator.observe.ha.HaConfigMapChange;
import dev.flinkresilience.operator.observe.ha.KubernetesHaLayout;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

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
            .withItemStore(new LeanStore<>())
            .withInformerListLimit(LeanStore.LIST_PAGE)
            .withSecondaryToPrimaryMapper(
                (R r) -> {
                  var labels = r.getMetadata().getLabels();
                  String job = labels == null ? null : labels.get(Labels.JOB);
                  return job == null
                      ? Set.of()
                      : Set.of(new ResourceID(job, r.getMetadata().getNamespace()));
                })
            .build();
    var source = new InformerEventSource<>(config, context);
    source.addIndexers(
        Map.of(
            JobObjects.INDEX,
            (R r) -> {
              var labels = r.getMetadata().getLabels();
              String job = labels == null ? null : labels.get(Labels.JOB);
              return job == null
                  ? List.of()
                  : List.of(JobObjects.key(r.getMetadata().getNamespace(), job));
            }));
    return source;
  }

  /**
   * Flink's Kubernetes HA ConfigMaps, which Flink (not the operator) creates: selected by the label
   * all Flink versions put on them and mapped to the job whose name is their {@code app} label (the
   * operator sets {@code kubernetes.cluster-id} to the resource name). Flink clusters of other
   * tools carry the same label; their ConfigMaps map to no FlinkResilientJob and are ignored.
   *
   * <p>An update wakes the job only when it is news ({@link HaConfigMapChange}): not a lock
   * renewal, and not a checkpoint unless {@code checkpointWakes} says the job waits on one. The
   * cache is updated either way: a pass always reads the newest.
   */
  static InformerEventSource<ConfigMap, FlinkResilientJob> flinkHaConfigMaps(
      EventSourceContext<FlinkResilientJob> context, Predicate<ResourceID> checkpointWakes) {
    var config =
        InformerEventSourceConfiguration.from(ConfigMap.class, FlinkResilientJob.class)
            .withName("flink-ha-configmaps")
            .withLabelSelector(KubernetesHaLayout.TYPE_LABEL + "=" + KubernetesHaLayout.TYPE_VALUE)
            .withItemStore(new LeanStore<>())
            .withInformerListLimit(LeanStore.LIST_PAGE)
            .withSecondaryToPrimaryMapper((ConfigMap cm) -> jobOf(cm).map(Set::of).orElse(Set.of()))
            .withOnUpdateFilter(
                (ConfigMap now, ConfigMap before) ->
                    HaConfigMapChange.worthAPass(
                        before, now, jobOf(now).map(checkpointWakes::test).orElse(true)))
            .build();
    var source = new InformerEventSource<>(config, context);
    source.addIndexers(
        Map.of(
            JobObjects.INDEX,
            (ConfigMap cm) ->
                jobOf(cm)
                    .map(id -> List.of(JobObjects.key(id.getNamespace().orElse(""), id.getName())))
                    .orElse(List.of())));
    return source;
  }

  /** The job whose cluster id is the ConfigMap's {@code app} label. */
  private static Optional<ResourceID> jobOf(ConfigMap cm) {
    var labels = cm.getMetadata().getLabels();
    String app = labels == null ? null : labels.get(KubernetesHaLayout.APP_LABEL);
    return app == null
        ? Optional.empty()
        : Optional.of(new ResourceID(app, cm.getMetadata().getNamespace()));
  }
}
