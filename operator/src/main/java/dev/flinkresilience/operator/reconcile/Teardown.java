package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.act.ClusterActions;
import dev.flinkresilience.operator.act.EventEmitter;
import dev.flinkresilience.operator.act.HaMetadataCleaner;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.decide.ObservedCluster;
import dev.flinkresilience.operator.model.DesiredState;
import dev.flinkresilience.operator.render.ClusterIdentity;
import dev.flinkresilience.operator.report.EventSpec;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;

/**
 * Deletion of a FlinkResilientJob (behind its finalizer): delete the cluster, wait until none of
 * its pods is left, then remove Flink's HA metadata. Checkpoints and savepoints are kept.
 */
public final class Teardown {
  private final ClusterActions actions;
  private final HaMetadataCleaner ha;
  private final EventEmitter events;

  public Teardown(ClusterActions actions, HaMetadataCleaner ha, EventEmitter events) {
    this.actions = actions;
    this.ha = ha;
    this.events = events;
  }

  DeleteControl onDelete(FlinkResilientJob job, ObservedCluster observed) throws Exception {
    var meta = job.getMetadata();
    if (observed.jobManager().isPresent() || observed.podsRemaining() > 0) {
      if (observed.jobManager().map(jm -> !jm.terminating()).orElse(true)) {
        actions.deleteCluster(meta.getNamespace(), meta.getName(), meta.getName(), meta.getUid());
      }
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(1000);
    }
    FlinkResilientJobSpec spec = haSpec(job);
    if (spec != null && spec.getHighAvailability() != null) {
      var haSpec = spec.getHighAvailability();
      if (haSpec.getType() == HighAvailabilityType.KUBERNETES) {
        ha.deleteKubernetesHa(meta.getNamespace(), meta.getName());
      } else if (haSpec.getType() == HighAvailabilityType.ZOOKEEPER) {
        String clusterIdPath =
            new ClusterIdentity(meta.getNamespace(), meta.getName()).haClusterId();
        ha.deleteZooKeeperHa(
            haSpec.getZookeeper().getQuorum(), haSpec.getZookeeper().getRootPath(), clusterIdPath);
      }
    }
    events.emit(
        job,
        EventSpec.normal(
            "ClusterDeleted", "Cluster and HA metadata of " + meta.getName() + " deleted"));
    return DeleteControl.defaultDelete();
  }

  /** The spec the cluster was deployed with decides where its HA data lives. */
  private static FlinkResilientJobSpec haSpec(FlinkResilientJob job) {
    if (job.getStatus() != null && job.getStatus().getDeployedSpec() != null) {
      return job.getStatus().getDeployedSpec();
    }
    return DesiredState.check(job).valid() ? job.getSpec() : null;
  }
}
