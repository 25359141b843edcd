package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.decide.CheckpointNews;
import dev.flinkresilience.operator.decide.FlinkObservation;
import dev.flinkresilience.operator.decide.HaStoreView;
import dev.flinkresilience.operator.decide.IncidentTimes;
import dev.flinkresilience.operator.decide.JobManagerAnswer;
import dev.flinkresilience.operator.decide.JobManagerSilence;
import dev.flinkresilience.operator.observe.FlinkPoller;
import dev.flinkresilience.operator.observe.JobManagerAddress;
import dev.flinkresilience.operator.observe.PollTarget;
import dev.flinkresilience.operator.observe.Polled;
import dev.flinkresilience.operator.render.ClusterIdentity;
import dev.flinkresilience.operator.report.ObservationLedger;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.net.URI;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The reconciler's side of observing Flink: hands the newest poll and the HA store to the ledger,
 * and tells the poller what to poll next (address, job id, pace). All reads here are from caches.
 */
public final class FlinkWatch {

  /** Reads Flink's Kubernetes HA ConfigMaps, from the informer cache. */
  @FunctionalInterface
  public interface KubernetesHaReader {
    HaStoreView read(
        Collection<ConfigMap> configMaps,
        ClusterIdentity cluster,
        String jobId,
        String checkpointDir);
  }

  /**
   * This pass's view of Flink: the status with the newest poll merged in, and the HA store.
   *
   * @param answer the JobManager's latest REST answer and the node of the pod that gave it, or null
   * @param silence the JobManager's REST calls failing to connect and the node of the pod called,
   *     or null
   */
  record Seen(
      ObservationLedger.Merged merged,
      HaStoreView ha,
      JobManagerAnswer answer,
      JobManagerSilence silence) {
    Seen(ObservationLedger.Merged merged, HaStoreView ha) {
      this(merged, ha, null, null);
    }
  }

  private final FlinkPoller poller;
  private final SilenceMemory silences = new SilenceMemory();
  private final PollPacing pacing;
  private final JobManagerAddress.Rule addressRule;
  private final KubernetesHaReader kubernetesHa;

  public FlinkWatch(
      FlinkPoller poller,
      PollPacing pacing,
      JobManagerAddress.Rule addressRule,
      KubernetesHaReader kubernetesHa) {
    this.poller = poller;
    this.pacing = pacing;
    this.addressRule = addressRule;
    this.kubernetesHa = kubernetesHa;
  }

  FlinkPoller poller() {
    return poller;
  }

  Seen seen(FlinkResilientJob job, Context<FlinkResilientJob> ctx) {
    FlinkResilientJobStatus status =
        job.getStatus() == null ? new FlinkResilientJobStatus() : job.getStatus();
    FlinkResilientJobSpec running = runningSpec(job, status);
    if (status.getJobId() == null || running == null) {
      return new Seen(new ObservationLedger.Merged(status, List.of()), HaStoreView.noHa());
    }
    Polled polled =
        poller
            .latest(ResourceID.fromResource(job))
            .filter(p -> p.isOf(status.getJobId()))
            .orElse(null);
    HaStoreView ha = ha(job, running, status, polled, ctx).restoredAs(status.getRestoredFrom());
    FlinkObservation observation = polled == null ? null : current(polled.rest(), status);
    var merged = ObservationLedger.merge(status, observation, ha, running.getRestartStrategy());
    var pods = JobObjects.of(ctx, Pod.class, job);
    ResourceID id = ResourceID.fromResource(job);
    JobManagerAnswer answer = answer(polled, pods);
    return new Seen(merged, ha, answer, silences.update(id, silence(polled, pods), answer));
  }

  /**
   * The poll's answer, attributed to the node of the pod whose IP was called. Any answer counts
   * (the job known or not): a process that answers is alive, and so is its node. Calls through a
   * Service or a URL template cannot be attributed to a node and give none.
   */
  static JobManagerAnswer answer(Polled polled, java.util.Collection<Pod> pods) {
    if (polled == null || polled.rest() == null) {
      return null;
    }
    var outcome = polled.rest().outcome();
    if (outcome != FlinkObservation.Outcome.OK
        && outcome != FlinkObservation.Outcome.JOB_NOT_FOUND) {
      return null;
    }
    String node = calledNode(polled, pods);
    return node == null ? null : new JobManagerAnswer(node, polled.rest().observedAt());
  }

  /**
   * The run of calls that failed to connect, attributed the same way: the silence of the JobManager
   * pod whose IP was called speaks for its node only.
   */
  static JobManagerSilence silence(Polled polled, java.util.Collection<Pod> pods) {
    if (polled == null || polled.rest() == null || polled.unreachableCalls() == 0) {
      return null;
    }
    String node = calledNode(polled, pods);
    return node == null
        ? null
        : new JobManagerSilence(
            node, polled.unreachableSince(), polled.rest().observedAt(), polled.unreachableCalls());
  }

  /** The node of the one JobManager pod with the IP the poll called, or null. */
  private static String calledNode(Polled polled, java.util.Collection<Pod> pods) {
    if (polled.target().restBase() == null) {
      return null;
    }
    String host = polled.target().restBase().getHost();
    String ip = host == null ? null : host.replace("[", "").replace("]", "");
    // Among the pods with that IP, the JobManager is the one called; when that is still not one
    // pod (host networking, say), the call speaks for no node.
    List<Pod> jobManagers =
        pods.stream()
            .filter(p -> p.getStatus() != null && p.getSpec() != null)
            .filter(p -> ip != null && ip.equals(p.getStatus().getPodIP()))
            .filter(p -> p.getMetadata().getLabels() != null)
            .filter(p -> "jobmanager".equals(p.getMetadata().getLabels().get("component")))
            .toList();
    return jobManagers.size() == 1 ? jobManagers.get(0).getSpec().getNodeName() : null;
  }

  /**
   * Points the poller at the job as this pass left it, or stops polling it. A JobManager on a node
   * in {@code nodesNotSeenAlive} is skipped: it may read Ready long after its node died.
   */
  void follow(
      FlinkResilientJob job,
      FlinkResilientJobStatus status,
      Context<FlinkResilientJob> ctx,
      HaStoreView ha,
      java.util.Set<String> nodesNotSeenAlive) {
    ResourceID id = ResourceID.fromResource(job);
    FlinkResilientJobSpec running = runningSpec(job, status);
    // A suspend in progress still needs Flink: its stop with a savepoint is asked of a job that
    // answers, and the stop's address is the poll's.
    boolean suspended = status.getPhase() == Phase.SUSPENDED && status.getOperation() == null;
    if (status.getJobId() == null || running == null || suspended) {
      poller.forget(id);
      return;
    }
    URI rest =
        JobManagerAddress.resolve(
                addressRule,
                job.getMetadata().getNamespace(),
                job.getMetadata().getName(),
                JobObjects.of(ctx, Pod.class, job),
                ha.leaderRestAddress(),
                nodesNotSeenAlive)
            .orElse(null);
    poller.track(
        id,
        new PollTarget(
            rest,
            status.getJobId(),
            pacing.intervalFor(status),
            zooKeeper(job, running),
            CheckpointNews.awaited(status),
            !pacing.moving(status)));
  }

  /**
   * When the JobManager last answered a poll knowing the job of this status: whether Flink can be
   * asked for a savepoint now. Null when it never did.
   */
  Instant answeredAt(FlinkResilientJob job) {
    String jobId = job.getStatus() == null ? null : job.getStatus().getJobId();
    return poller
        .latest(ResourceID.fromResource(job))
        .filter(p -> p.isOf(jobId) && p.rest() != null)
        .filter(p -> p.rest().outcome() == FlinkObservation.Outcome.OK)
        .map(p -> p.rest().observedAt())
        .orElse(null);
  }

  /** The REST address the job is polled at, if one is known. */
  java.util.Optional<URI> restBase(FlinkResilientJob job) {
    return poller
        .latest(ResourceID.fromResource(job))
        .map(p -> p.target().restBase())
        .filter(java.util.Objects::nonNull);
  }

  void forget(ResourceID job) {
    poller.forget(job);
    silences.forget(job);
  }

  private HaStoreView ha(
      FlinkResilientJob job,
      FlinkResilientJobSpec running,
      FlinkResilientJobStatus status,
      Polled polled,
      Context<FlinkResilientJob> ctx) {
    HighAvailabilityType type = running.getHighAvailability().getType();
    if (type == HighAvailabilityType.KUBERNETES && status.getJobId() != null) {
      return kubernetesHa.read(
          JobObjects.of(ctx, ConfigMap.class, job),
          new ClusterIdentity(job.getMetadata().getNamespace(), job.getMetadata().getName()),
          status.getJobId(),
          running.getCheckpointing().getDirectory());
    }
    if (type == HighAvailabilityType.ZOOKEEPER) {
      return polled == null || polled.zooKeeper() == null
          ? HaStoreView.unavailable("ZooKeeper not read yet")
          : polled.zooKeeper();
    }
    return HaStoreView.noHa();
  }

  private static PollTarget.ZooKeeperHa zooKeeper(
      FlinkResilientJob job, FlinkResilientJobSpec running) {
    var ha = running.getHighAvailability();
    if (ha.getType() != HighAvailabilityType.ZOOKEEPER || ha.getZookeeper() == null) {
      return null;
    }
    var identity =
        new ClusterIdentity(job.getMetadata().getNamespace(), job.getMetadata().getName());
    return new PollTarget.ZooKeeperHa(
        ha.getZookeeper().getQuorum(),
        ha.getZookeeper().getRootPath(),
        identity.haClusterId(),
        running.getCheckpointing().getDirectory());
  }

  /**
   * A poll taken before the current deployment was made describes the one before it; one taken
   * before an incident was detected says nothing of the recovery.
   */
  static FlinkObservation current(FlinkObservation o, FlinkResilientJobStatus status) {
    if (o == null) {
      return null;
    }
    Instant notBefore = Instant.MIN;
    if (status.getDeployment() != null) {
      notBefore = later(notBefore, status.getDeployment().getDeployedAt());
    }
    var incident = status.getRecovery().getCurrent();
    if (incident != null) {
      // Opened, not detected: a poll between the two predates the pass that acted on it.
      Instant opened = IncidentTimes.opened(incident, Instant.MIN);
      notBefore = opened.isAfter(notBefore) ? opened : notBefore;
    }
    return o.observedAt().isAfter(notBefore) ? o : null;
  }

  private static Instant later(Instant a, String b) {
    try {
      Instant t = b == null ? Instant.MIN : Instant.parse(b);
      return t.isAfter(a) ? t : a;
    } catch (RuntimeException e) {
      return a;
    }
  }

  /**
   * The spec the cluster was made from (the desired one may be newer, or invalid); null when there
   * is none to go by. Only a validated spec is ever recorded as deployed.
   */
  private static FlinkResilientJobSpec runningSpec(
      FlinkResilientJob job, FlinkResilientJobStatus status) {
    FlinkResilientJobSpec spec =
        status.getDeployedSpec() != null ? status.getDeployedSpec() : job.getSpec();
    boolean usable =
        spec != null
            && spec.getHighAvailability() != null
            && spec.getHighAvailability().getType() != null
            && spec.getCheckpointing() != null
            && spec.getRestartStrategy() != null;
    return usable ? spec : null;
  }
}
