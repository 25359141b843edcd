package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.act.ClusterActions;
import dev.flinkresilience.operator.act.LostNodeTaints;
import dev.flinkresilience.operator.act.ObjectNotOwned;
import dev.flinkresilience.operator.act.ObjectRefused;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.KubernetesHaSpec;
import dev.flinkresilience.operator.decide.Decision;
import dev.flinkresilience.operator.decide.Placement;
import dev.flinkresilience.operator.decide.PlanInput;
import dev.flinkresilience.operator.decide.RecoveryAttempts;
import dev.flinkresilience.operator.decide.SavepointView;
import dev.flinkresilience.operator.model.ClusterModel;
import dev.flinkresilience.operator.model.DeploymentStamp;
import dev.flinkresilience.operator.model.DesiredState;
import dev.flinkresilience.operator.observe.SavepointOperations;
import dev.flinkresilience.operator.observe.ha.KubernetesHaLayout;
import dev.flinkresilience.operator.spec.Durations;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acting step of a pass: what each decision does to the cluster, to Flink and to the operations
 * followed off the reconcile thread. Every destructive step's intent was written to status by an
 * earlier pass, so a crash here repeats the step, never a second one; the first step of a lost
 * node's incident to be verified is written with the opening ({@link
 * Decision.OpenIncident#writtenWithNextStep}), and a crash repeats it all.
 */
final class DecisionActions {
  private static final Logger LOG = LoggerFactory.getLogger(DecisionActions.class);

  private final ClusterActions actions;
  private final LostNodeTaints taints;
  private final Teardown teardown;
  private final FlinkWatch flink;
  private final SavepointOperations savepoints;

  DecisionActions(
      ClusterActions actions,
      LostNodeTaints taints,
      Teardown teardown,
      FlinkWatch flink,
      SavepointOperations savepoints) {
    this.actions = actions;
    this.taints = taints;
    this.teardown = teardown;
    this.flink = flink;
    this.savepoints = savepoints;
  }

  /**
   * Carries out the decision and returns what the pass did: the decision itself, or for a Deploy
   * that found one of the cluster's names taken by an object the job does not own, {@link
   * Decision.NameTaken}, and for one the API server refused, {@link Decision.ObjectRefused}: both
   * reported and retried. This is the one place an error of acting becomes status; every other
   * exception is transient (a conflict, the API server away) and goes to JOSDK's retry with
   * back-off.
   */
  Decision carryOut(
      FlinkResilientJob job, Context<FlinkResilientJob> ctx, PlanInput input, Decision decision) {
    var meta = job.getMetadata();
    if (decision instanceof Decision.DeleteCluster
        || decision instanceof Decision.TearDownForRecovery) {
      actions.deleteCluster(meta.getNamespace(), meta.getName(), meta.getName(), meta.getUid());
    } else if (decision instanceof Decision.TaintLostNode taint) {
      if (!taints.taint(taint.node())) {
        // Refused (RBAC), or failing for a while: the planner keeps the Deployment off instead.
        return new Decision.AwaitRecovery(
            "lost node "
                + taint.node()
                + " could not be tainted (refused, or failing; see the operator's log); keeping"
                + " the JobManager Deployment off it instead",
            false);
      }
    } else if (decision instanceof Decision.ReleasePods release) {
      // What the release rests on, for whoever has to explain it afterwards.
      var node = input.cluster().nodes().get(release.node());
      LOG.warn(
          "{}/{}: releasing {} from node {} (Lease renewed at {}, seen as {}; JobManager's last"
              + " answer: {}; its silence: {})",
          meta.getNamespace(),
          meta.getName(),
          release.pods(),
          release.node(),
          node == null ? null : node.leaseRenewedAt(),
          node,
          input.cluster().answer(),
          input.cluster().silence());
      if (release.keepsJobManagerOff()) {
        // Only then: changing the JobManager Deployment's template rolls its pod, which would
        // restart a JobManager that runs fine elsewhere when only a TaskManager was lost (and
        // not on a node the operator tainted, where nothing can land).
        actions.keepJobManagerOff(
            meta.getNamespace(),
            meta.getName(),
            meta.getUid(),
            release.node(),
            cached(
                ctx, job, Deployment.class, ClusterModel.jobManagerDeploymentName(meta.getName())));
      }
      String leaderIp = podIp(ctx, job, release.handOverFrom());
      actions.forceDeletePods(meta.getNamespace(), release.pods());
      if (leaderIp != null) {
        actions.handOverLeadership(
            meta.getNamespace(),
            meta.getName(),
            leaderIp,
            leaderRetryPeriod(input),
            cached(ctx, job, ConfigMap.class, KubernetesHaLayout.clusterConfigMap(meta.getName())));
      }
    } else if (decision instanceof Decision.AwaitSavepoint await) {
      // Without an address nothing is sent; savepointTimeout then falls back to last-state.
      flink
          .restBase(job)
          .ifPresent(
              rest ->
                  savepoints.follow(
                      ResourceID.fromResource(job),
                      rest,
                      await.jobId(),
                      await.triggerId(),
                      await.targetDirectory()));
    } else if (decision instanceof Decision.FollowSavepoint follow) {
      flink
          .restBase(job)
          .ifPresent(
              rest ->
                  savepoints.followSavepoint(
                      ResourceID.fromResource(job),
                      rest,
                      follow.jobId(),
                      follow.triggerId(),
                      follow.targetDirectory()));
    } else if (decision instanceof Decision.SavepointEnded ended) {
      savepoints.forget(ResourceID.fromResource(job), ended.triggerId());
    } else if (decision instanceof Decision.DisposeSavepoints dispose) {
      ResourceID id = ResourceID.fromResource(job);
      dispose.ended().forEach(d -> savepoints.forget(id, SavepointView.disposalKey(d.path())));
      // Without an address nothing is sent; retention tries again on a later pass.
      flink
          .restBase(job)
          .ifPresent(rest -> dispose.send().forEach(path -> savepoints.dispose(id, rest, path)));
    } else if (decision instanceof Decision.Deploy deploy) {
      try {
        deploy(job, input, deploy);
      } catch (ObjectNotOwned e) {
        return new Decision.NameTaken(
            deploy.reason(), e.taken().stream().map(Object::toString).toList());
      } catch (ObjectRefused e) {
        LOG.warn("{}/{}: {}", meta.getNamespace(), meta.getName(), e.getMessage());
        return new Decision.ObjectRefused(deploy.reason(), e.object(), e.code(), e.answer());
      }
    }
    // Every other decision changes status only; the intent of each destructive step above was
    // written to status by an earlier pass (or, for a lost node's first step, is written with it).
    return decision;
  }

  /** The job's object of that kind and name as the informer holds it; null when it holds none. */
  private static <R extends HasMetadata> R cached(
      Context<FlinkResilientJob> ctx, FlinkResilientJob job, Class<R> type, String name) {
    return JobObjects.of(ctx, type, job).stream()
        .filter(o -> name.equals(o.getMetadata().getName()))
        .findFirst()
        .orElse(null);
  }

  private static String podIp(Context<FlinkResilientJob> ctx, FlinkResilientJob job, String pod) {
    Pod cached = pod == null ? null : cached(ctx, job, Pod.class, pod);
    // A pod not started yet has no IP: no handover then (seen: a chaos scenario's releases failed
    // for two minutes when a null IP went further).
    return cached == null || cached.getStatus() == null ? null : cached.getStatus().getPodIP();
  }

  /**
   * Flink renews its leader lock every retry period: the spec's (validated before any deploy), or
   * Flink's default.
   */
  private static java.time.Duration leaderRetryPeriod(PlanInput input) {
    var ha = input.desired().spec().getHighAvailability();
    var election = ha == null ? null : ha.getKubernetes();
    String period =
        election == null || election.getRetryPeriod() == null
            ? KubernetesHaSpec.DEFAULT_RETRY_PERIOD
            : election.getRetryPeriod();
    try {
      return Durations.parse(period);
    } catch (IllegalArgumentException e) {
      return Durations.parse(KubernetesHaSpec.DEFAULT_RETRY_PERIOD);
    }
  }

  private void deploy(FlinkResilientJob job, PlanInput input, Decision.Deploy deploy) {
    var desired = input.desired();
    var incident = input.status().getRecovery().getCurrent();
    String attempt =
        deploy.reason() == Decision.DeployReason.RECOVERY && incident != null
            ? RecoveryAttempts.of(incident)
            : null;
    var stamp =
        new DeploymentStamp(
            desired.generation(), desired.specHash(), deploy.serial(), deploy.jobId(), attempt);
    List<String> avoided = Placement.avoided(input);
    var previous = input.status().getDeployment();
    if (previous != null
        && previous.getJobId() != null
        && !previous.getJobId().equals(deploy.jobId())) {
      try {
        teardown.clearHaBeforeNewJob(job, previous.getJobId());
      } catch (Exception e) {
        // Nothing deployed yet: JOSDK retries the pass, which decides the same Deploy again.
        throw new IllegalStateException("old HA data not cleared before a new job: " + e, e);
      }
    }
    actions.apply(DesiredState.objects(job, desired.spec(), stamp, deploy.restoreFrom(), avoided));
  }
}
