package dev.flinkresilience.operator.decide;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The job's cluster as the informer caches show it.
 *
 * @param jobManager the JobManager Deployment, when it exists
 * @param podsRemaining pods of the job (JobManager and TaskManagers) that still exist
 * @param pods those pods, as detection sees them
 * @param nodes the nodes hosting them, by name (absent when the node informer knows nothing)
 * @param sight how far the node views can be trusted now (see {@link NodeSight})
 * @param answer the JobManager's latest REST answer and the node it came from, or null
 * @param silence the JobManager's REST calls failing to connect, and its node, or null
 * @param mayTaintNodes whether the operator may taint a lost node ({@link NodeView#LOST_TAINT}):
 *     enabled, and not refused by the API server (RBAC) so far
 */
public record ObservedCluster(
    Optional<JobManagerDeployment> jobManager,
    int podsRemaining,
    List<PodView> pods,
    Map<String, NodeView> nodes,
    NodeSight sight,
    JobManagerAnswer answer,
    JobManagerSilence silence,
    boolean mayTaintNodes) {

  public ObservedCluster {
    pods = List.copyOf(pods);
    nodes = Map.copyOf(nodes);
    sight = sight == null ? NodeSight.CLEAR : sight;
  }

  public ObservedCluster(
      Optional<JobManagerDeployment> jobManager,
      int podsRemaining,
      List<PodView> pods,
      Map<String, NodeView> nodes,
      NodeSight sight) {
    this(jobManager, podsRemaining, pods, nodes, sight, null, null, false);
  }

  public ObservedCluster(
      Optional<JobManagerDeployment> jobManager,
      int podsRemaining,
      List<PodView> pods,
      Map<String, NodeView> nodes,
      NodeSight sight,
      JobManagerAnswer answer,
      JobManagerSilence silence) {
    this(jobManager, podsRemaining, pods, nodes, sight, answer, silence, false);
  }

  /** The same, with the JobManager's latest REST answer as a second signal about its node. */
  public ObservedCluster withAnswer(JobManagerAnswer answer) {
    return new ObservedCluster(
        jobManager, podsRemaining, pods, nodes, sight, answer, silence, mayTaintNodes);
  }

  /** The same, with the JobManager's REST silence as a second signal about its node. */
  public ObservedCluster withSilence(JobManagerSilence silence) {
    return new ObservedCluster(
        jobManager, podsRemaining, pods, nodes, sight, answer, silence, mayTaintNodes);
  }

  /** The same, with whether the operator may taint a lost node. */
  public ObservedCluster withNodeTaints(boolean may) {
    return new ObservedCluster(jobManager, podsRemaining, pods, nodes, sight, answer, silence, may);
  }

  /** A cluster whose node views are trusted as they are. */
  public ObservedCluster(
      Optional<JobManagerDeployment> jobManager,
      int podsRemaining,
      List<PodView> pods,
      Map<String, NodeView> nodes) {
    this(jobManager, podsRemaining, pods, nodes, NodeSight.CLEAR);
  }

  /**
   * What the sight concludes about a node (see {@link NodeSight#judge}), with the REST API as a
   * second signal both ways. A node whose JobManager answered within {@link JobManagerAnswer#FRESH}
   * is alive, whatever its Lease says (an administrator's fencing is not overruled). A node whose
   * Lease is older than {@code suspectAfter} while its JobManager has been silent over the same
   * time ({@link JobManagerSilence}) is lost without waiting for {@code lostAfter}: two independent
   * signals agree. The sight's hold (an impaired watch, the mass-loss guard) still holds it back.
   */
  public NodeSight.Verdict verdict(NodeView node, NodeThresholds t, java.time.Instant now) {
    NodeSight.Verdict verdict = sight.judge(node, t.lostAfter(), now);
    if (verdict != NodeSight.Verdict.ALIVE) {
      return contradicted(node, now) ? NodeSight.Verdict.ALIVE : verdict;
    }
    if (t.corroborates() && silenced(node, now)) {
      return sight.judge(node, t.suspectAfter(), now);
    }
    return verdict;
  }

  /** Its JobManager has been silent long enough to speak for the node being dead. */
  public boolean silenced(NodeView node, java.time.Instant now) {
    return silence != null
        && !contradicted(node, now)
        && silence.corroboratesLossOf(node.name(), node.leaseRenewedAt(), now);
  }

  /** Its Lease or Ready condition says lost, but its JobManager just answered: an anomaly. */
  public boolean contradicted(NodeView node, java.time.Instant now) {
    return answer != null && !node.isFenced() && answer.vouchesFor(node.name(), now);
  }

  /** Nodes whose Lease looks stale while their JobManager answers, for status and events. */
  public List<String> contradictedNodes(java.time.Duration lostAfter, java.time.Instant now) {
    return nodes.values().stream()
        .filter(n -> sight.looksLost(n, lostAfter, now) && contradicted(n, now))
        .map(NodeView::name)
        .sorted()
        .toList();
  }

  /** Nodes judged lost now: pods there are not to be trusted, nor polled. */
  public java.util.Set<String> lostNodes(NodeThresholds t, java.time.Instant now) {
    return nodes.values().stream()
        .filter(n -> verdict(n, t, now) == NodeSight.Verdict.LOST)
        .map(NodeView::name)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /** A cluster seen without pod or node details (the lifecycle alone needs none). */
  public ObservedCluster(Optional<JobManagerDeployment> jobManager, int podsRemaining) {
    this(jobManager, podsRemaining, List.of(), Map.of());
  }

  public static ObservedCluster none() {
    return new ObservedCluster(Optional.empty(), 0);
  }

  /**
   * The JobManager Deployment with the stamp of the deployment that made it ({@code
   * recoveryAttempt} is null unless a recovery made it).
   *
   * @param avoidedNodes the nodes its pod template keeps its pods off (a required anti-affinity)
   * @param rolledOut whether its controller has taken its current template (observed generation);
   *     true when nothing says otherwise (no status yet, or one without an observed generation)
   */
  public record JobManagerDeployment(
      String specHash,
      Long serial,
      String jobId,
      int readyReplicas,
      boolean terminating,
      String recoveryAttempt,
      Set<String> avoidedNodes,
      boolean rolledOut) {

    public JobManagerDeployment {
      avoidedNodes = avoidedNodes == null ? Set.of() : Set.copyOf(avoidedNodes);
    }

    public JobManagerDeployment(
        String specHash,
        Long serial,
        String jobId,
        int readyReplicas,
        boolean terminating,
        String recoveryAttempt) {
      this(specHash, serial, jobId, readyReplicas, terminating, recoveryAttempt, Set.of(), true);
    }

    public JobManagerDeployment(
        String specHash, Long serial, String jobId, int readyReplicas, boolean terminating) {
      this(specHash, serial, jobId, readyReplicas, terminating, null);
    }
  }
}
