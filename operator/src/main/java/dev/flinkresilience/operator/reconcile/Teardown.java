package dev.flinkresilience.operator.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkresilience.operator.act.ClusterActions;
import dev.flinkresilience.operator.act.EventEmitter;
import dev.flinkresilience.operator.act.HaMetadataCleaner;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilitySpec;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.decide.HaCleanupDeadline;
import dev.flinkresilience.operator.decide.ObservedCluster;
import dev.flinkresilience.operator.model.DesiredState;
import dev.flinkresilience.operator.observe.ha.KubernetesHaLayout;
import dev.flinkresilience.operator.observe.ha.ZooKeeperHaLayout;
import dev.flinkresilience.operator.render.ClusterIdentity;
import dev.flinkresilience.operator.report.EventSpec;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletion of a FlinkResilientJob (behind its finalizer): delete the cluster, wait until none of
 * its pods is left, then remove Flink's HA metadata. Checkpoints and savepoints are kept. Removing
 * the HA metadata is retried for a bounded time ({@link HaCleanupDeadline}); then the finalizer
 * goes anyway and a Warning event names what was left.
 */
public final class Teardown {
  private static final Logger LOG = LoggerFactory.getLogger(Teardown.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ClusterActions actions;
  private final HaMetadataCleaner ha;
  private final EventEmitter events;
  private final StatusWriter status;
  private final Clock clock;

  public Teardown(
      ClusterActions actions,
      HaMetadataCleaner ha,
      EventEmitter events,
      StatusWriter status,
      Clock clock) {
    this.actions = actions;
    this.ha = ha;
    this.events = events;
    this.status = status;
    this.clock = clock;
  }

  DeleteControl onDelete(
      FlinkResilientJob job, ObservedCluster observed, Context<FlinkResilientJob> ctx) {
    var meta = job.getMetadata();
    if (observed.jobManager().isPresent() || observed.podsRemaining() > 0) {
      if (observed.jobManager().map(jm -> !jm.terminating()).orElse(true)) {
        actions.deleteCluster(meta.getNamespace(), meta.getName(), meta.getName(), meta.getUid());
      }
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(1000);
    }
    HighAvailabilitySpec haSpec = haSpec(job);
    String left = haSpec == null ? null : haData(job, haSpec);
    if (left != null) {
      try {
        deleteHa(job, haSpec);
      } catch (Exception e) {
        return afterFailure(job, left, e, ctx);
      }
    }
    events.emit(
        job,
        EventSpec.normal(
            "ClusterDeleted", "Cluster and HA metadata of " + meta.getName() + " deleted"));
    return DeleteControl.defaultDelete();
  }

  /**
   * Before a cluster with a new job id (an upgrade, a resume, a new restartNonce) starts where the
   * old one ran: its HA data would make Flink recover the old job and fail the new one (found by
   * LifecycleScenariosTest: with Kubernetes HA the first deployment failed and was redeployed, with
   * ZooKeeper the JobManager crash-looped). The restore point is already chosen, as a path; the
   * stopped job's checkpoint pointers are kept. A ZooKeeper tree the operator may not touch is
   * left, with a warning: Flink then fails as before, visibly.
   */
  void clearHaBeforeNewJob(FlinkResilientJob job, String stoppedJobId) throws Exception {
    HighAvailabilitySpec haSpec = haSpec(job);
    if (haSpec == null || haData(job, haSpec) == null || stoppedJobId == null) {
      return;
    }
    var meta = job.getMetadata();
    try {
      if (haSpec.getType() == HighAvailabilityType.KUBERNETES) {
        ha.clearKubernetesHaForNewJob(meta.getNamespace(), meta.getName(), stoppedJobId);
      } else {
        ha.clearZooKeeperHaForNewJob(
            haSpec.getZookeeper().getQuorum(),
            haSpec.getZookeeper().getRootPath(),
            haClusterId(job),
            stoppedJobId);
      }
    } catch (HaMetadataCleaner.NotPermitted e) {
      LOG.warn(
          "{}/{}: old HA data left before a new job: {}",
          meta.getNamespace(),
          meta.getName(),
          e.getMessage());
    }
  }

  private void deleteHa(FlinkResilientJob job, HighAvailabilitySpec haSpec) throws Exception {
    var meta = job.getMetadata();
    if (haSpec.getType() == HighAvailabilityType.KUBERNETES) {
      ha.deleteKubernetesHa(meta.getNamespace(), meta.getName());
    } else {
      ha.deleteZooKeeperHa(
          haSpec.getZookeeper().getQuorum(), haSpec.getZookeeper().getRootPath(), haClusterId(job));
    }
  }

  private DeleteControl afterFailure(
      FlinkResilientJob job, String left, Exception error, Context<FlinkResilientJob> ctx) {
    Instant now = clock.instant();
    String cause =
        error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    var next =
        HaCleanupDeadline.afterFailure(
            deletionRequested(job), now, error instanceof HaMetadataCleaner.NotPermitted);
    if (next instanceof HaCleanupDeadline.Retry retry) {
      LOG.warn("removing {} failed ({}); retrying until {}", left, cause, retry.giveUpAt());
      report(
          job,
          "Deleting: removing "
              + left
              + " failed ("
              + cause
              + "); retrying until "
              + retry.giveUpAt()
              + ", then leaving it",
          ctx);
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(retry.after());
    }
    String why =
        error instanceof HaMetadataCleaner.NotPermitted
            ? " (not permitted: " + cause + ")"
            : " after "
                + HaCleanupDeadline.GIVE_UP_AFTER.toMinutes()
                + " minutes of failed attempts (last: "
                + cause
                + ")";
    String message =
        "Gave up removing "
            + left
            + why
            + "; it is left for an administrator to remove. The cluster is deleted; checkpoints"
            + " are kept.";
    LOG.warn("{}/{}: {}", job.getMetadata().getNamespace(), job.getMetadata().getName(), message);
    events.emit(job, EventSpec.warning("HaCleanupAbandoned", message));
    return DeleteControl.defaultDelete();
  }

  /**
   * Says in status why the resource is still there, while it is. A failed write only costs the
   * message: the finalizer's progress does not depend on it.
   */
  private void report(FlinkResilientJob job, String message, Context<FlinkResilientJob> ctx) {
    FlinkResilientJobStatus next =
        job.getStatus() == null
            ? new FlinkResilientJobStatus()
            : JSON.convertValue(job.getStatus(), FlinkResilientJobStatus.class);
    next.setMessage(message);
    try {
      status.write(job, next, ctx);
    } catch (RuntimeException e) {
      LOG.debug("status of a job being deleted not written", e);
    }
  }

  /** Where the HA data lives, for messages; null when there is none to remove. */
  private static String haData(FlinkResilientJob job, HighAvailabilitySpec haSpec) {
    var meta = job.getMetadata();
    if (haSpec.getType() == HighAvailabilityType.KUBERNETES) {
      return "Flink's Kubernetes HA ConfigMaps of cluster "
          + meta.getName()
          + " in namespace "
          + meta.getNamespace()
          + " (labels "
          + KubernetesHaLayout.labels(meta.getName())
          + ")";
    }
    if (haSpec.getType() == HighAvailabilityType.ZOOKEEPER && haSpec.getZookeeper() != null) {
      return "Flink's ZooKeeper HA data at "
          + ZooKeeperHaLayout.clusterPath(haSpec.getZookeeper().getRootPath(), haClusterId(job))
          + " on "
          + haSpec.getZookeeper().getQuorum();
    }
    return null;
  }

  private static String haClusterId(FlinkResilientJob job) {
    var meta = job.getMetadata();
    return new ClusterIdentity(meta.getNamespace(), meta.getName()).haClusterId();
  }

  private static Instant deletionRequested(FlinkResilientJob job) {
    String at = job.getMetadata().getDeletionTimestamp();
    try {
      return at == null ? null : Instant.parse(at);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The spec the cluster was deployed with decides where its HA data lives. */
  private static HighAvailabilitySpec haSpec(FlinkResilientJob job) {
    FlinkResilientJobSpec spec;
    if (job.getStatus() != null && job.getStatus().getDeployedSpec() != null) {
      spec = job.getStatus().getDeployedSpec();
    } else {
      spec = DesiredState.check(job).valid() ? job.getSpec() : null;
    }
    return spec == null ? null : spec.getHighAvailability();
  }
}
