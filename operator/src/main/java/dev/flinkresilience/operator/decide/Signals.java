package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.ObservationStatus;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.decide.Signal.Reason;
import dev.flinkresilience.operator.spec.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Detection (DESIGN.md §5.1): the most serious failure visible in one pass, or none. Pure; the
 * informers, the node watch and the poller have already turned events into the input.
 *
 * <p>Order matters: a lost node explains its pods' failures, and a lost JobManager explains the
 * job's state, so the cause is named rather than its symptoms.
 */
public final class Signals {
  /** Failed REST polls in a row before the JobManager counts as unreachable. */
  public static final int LASTING_PROBLEM_POLLS = 3;

  private Signals() {}

  public static Optional<Signal> detect(PlanInput in) {
    FlinkResilientJobSpec spec = in.desired().spec();
    FlinkResilientJobStatus status = in.status();
    boolean ha = spec.getHighAvailability().getType() != HighAvailabilityType.NONE;
    Instant now = in.now();
    List<PodView> pods =
        in.cluster().pods().stream()
            .sorted(Comparator.comparing(PodView::isJobManager).reversed())
            .toList();

    NodeThresholds thresholds = NodeThresholds.of(spec.getRecovery());
    for (PodView pod : pods) {
      NodeView node = pod.node() == null ? null : in.cluster().nodes().get(pod.node());
      if (node != null
          && in.cluster().verdict(node, thresholds, now) == NodeSight.Verdict.LOST
          && !lossHandled(node, pods, status)) {
        Optional<PodView> jobManagerThere =
            pods.stream().filter(p -> p.isJobManager() && node.name().equals(p.node())).findFirst();
        return Optional.of(
            new Signal(
                Reason.NODE_LOST,
                "node "
                    + node.name()
                    + " lost ("
                    + why(node, in.cluster(), thresholds, now)
                    + "); its pods: "
                    + podsOn(node, pods),
                node.name(),
                // The pod is named only when it is the JobManager: then it restarts elsewhere.
                jobManagerThere.map(PodView::name).orElse(null),
                node.lastSeen() == null ? now : node.lastSeen(),
                jobManagerThere.isPresent() && (!ha || haMetadataMissing(in)),
                detectedAt(node, status)));
      }
    }
    Instant handled = handledUntil(status);
    Optional<PodView> failingJm =
        pods.stream()
            .filter(p -> p.isJobManager() && isNewFailure(p, handled))
            .filter(p -> !supersededJobManager(p, status))
            .findFirst();
    if (failingJm.isPresent()) {
      PodView jm = failingJm.get();
      return Optional.of(
          jobManagerLost(in, ha, jm.name(), jm.node(), describe(jm), failedAt(jm, now)));
    }
    String recorded =
        status.getDeployment() == null ? null : status.getDeployment().getJobManagerPod();
    if (clusterVanished(in)) {
      // Nothing is left to recover the job by itself, HA or not: Flink removes its own cluster
      // once the job has ended for good (a FAILED job in application mode), or someone deleted it.
      // A redeploy, counted in the budget: recreating it silently let a job that fails on every
      // record be restarted without end whenever the cluster was gone before FAILED was polled.
      return Optional.of(
          new Signal(
              Reason.JOB_MANAGER_LOST,
              "the JobManager Deployment is gone with all its pods (Flink removes it once the job"
                  + " has ended for good, or it was deleted)",
              null,
              recorded,
              now,
              true));
    }
    if (recorded != null && pods.stream().noneMatch(p -> recorded.equals(p.name()))) {
      return Optional.of(
          jobManagerLost(in, ha, recorded, null, "JobManager pod " + recorded + " is gone", now));
    }
    Optional<PodView> failingTm =
        pods.stream()
            // A TaskManager restarted in place keeps its last failure too (JobManager above).
            .filter(p -> p.role() == PodView.Role.TASK_MANAGER && isNewFailure(p, handled))
            .findFirst();
    if (failingTm.isPresent()) {
      PodView tm = failingTm.get();
      return Optional.of(
          new Signal(
              Reason.TASK_MANAGER_LOST,
              describe(tm),
              tm.node(),
              tm.name(),
              failedAt(tm, now),
              false));
    }
    return jobSignal(in, now);
  }

  /** The job's own state, through Flink's REST API. */
  private static Optional<Signal> jobSignal(PlanInput in, Instant now) {
    FlinkResilientJobStatus status = in.status();
    Duration stuckAfter =
        Durations.parse(in.desired().spec().getRecovery().getStuckRestartingAfter());
    String state = status.getJobState();
    if ("FAILED".equals(state)) {
      return Optional.of(
          new Signal(
              Reason.JOB_FAILED,
              "Flink reports the job FAILED: its restart strategy gave up",
              null,
              null,
              StatusTime.or(status.getJobStateSince(), now),
              true));
    }
    if ("RESTARTING".equals(state) || "FAILING".equals(state)) {
      Instant since = StatusTime.or(status.getJobStateSince(), now);
      if (Duration.between(since, now).compareTo(stuckAfter) > 0) {
        return Optional.of(
            new Signal(
                Reason.JOB_STUCK,
                "job " + state + " since " + since + ", longer than stuckRestartingAfter",
                null,
                null,
                since,
                true));
      }
    }
    ObservationStatus o = status.getObservation();
    boolean jobManagerRuns =
        in.cluster().pods().stream().anyMatch(p -> p.isJobManager() && p.ready());
    if (o != null
        && jobManagerRuns
        && o.getFailedPolls() != null
        && o.getFailedPolls() >= LASTING_PROBLEM_POLLS) {
      Instant since = StatusTime.or(o.getProblemSince(), now);
      if (Duration.between(since, now).compareTo(stuckAfter) > 0) {
        return Optional.of(
            new Signal(
                Reason.JOB_MANAGER_UNREACHABLE,
                "JobManager pod runs but its REST API has not answered since "
                    + since
                    + ": "
                    + o.getProblem(),
                null,
                null,
                since,
                true));
      }
    }
    return Optional.empty();
  }

  private static Signal jobManagerLost(
      PlanInput in, boolean ha, String pod, String node, String detail, Instant failedAt) {
    if (ha && haMetadataMissing(in)) {
      return new Signal(
          Reason.HA_METADATA_MISSING,
          detail
              + "; the HA store holds no checkpoint of the job, so a new JobManager cannot"
              + " recover it",
          node,
          pod,
          failedAt,
          true);
    }
    return new Signal(Reason.JOB_MANAGER_LOST, detail, node, pod, failedAt, !ha);
  }

  /**
   * The cluster of a deployment that was seen serving (a JobManager pod recorded) is gone, pods and
   * all. A deployment not yet seen serving may simply not be in the informer cache yet.
   */
  static boolean clusterVanished(PlanInput in) {
    var deployed = in.status().getDeployment();
    return in.cluster().jobManager().isEmpty()
        && in.cluster().podsRemaining() == 0
        && in.status().getPhase() != Phase.SUSPENDED
        && deployed != null
        && deployed.getJobManagerPod() != null;
  }

  /**
   * A pod keeps showing a container's last failure after it restarted in place; a failure dated
   * before the last incident was detected has been dealt with and is not a new one.
   */
  private static boolean isNewFailure(PodView p, Instant handledUntil) {
    if (!p.isFailing()) {
      return false;
    }
    Instant at = p.failedAt() != null ? p.failedAt() : p.deletingSince();
    return at == null || handledUntil == null || at.isAfter(handledUntil);
  }

  /**
   * A JobManager pod that had already failed when the last incident closed as recovered, and that
   * incident named another pod as the serving JobManager: its failure was in view while that
   * incident was verified and the job was seen running without it. Such a pod can linger for good
   * (Terminating on a dead node, which alone could confirm the deletion), and counted as a new loss
   * after the close it opened a JobManagerLost recorded against the checkpoints its replacement had
   * completed since, which no restore could ever reach: the incident escalated after {@code
   * haRecoveryTimeout} and tore the recovered cluster down (the node-loss benchmark's baseline,
   * where the TaskManagers gave up on their frozen JobManager just before its eviction).
   */
  private static boolean supersededJobManager(PodView p, FlinkResilientJobStatus status) {
    String serving =
        status.getDeployment() == null ? null : status.getDeployment().getJobManagerPod();
    var history = status.getRecovery().getHistory();
    if (serving == null || serving.equals(p.name()) || history.isEmpty()) {
      return false;
    }
    Instant closed = StatusTime.or(history.get(history.size() - 1).getRecoveredAt(), null);
    Instant at = p.failedAt() != null ? p.failedAt() : p.deletingSince();
    return closed != null && at != null && at.isBefore(closed);
  }

  /**
   * This loss of the node had its incident already: a NodeLost of this node detected after the node
   * was last seen alive, and none of the job's pods bound to it since. Without this a node that
   * stays lost with a pod left on it (a TaskManager not released under whenFenced, one Flink
   * deleted but the dead kubelet never confirms) opened a new incident on every pass after the last
   * one closed. A pod bound to the node later (scheduled there before Kubernetes marked it
   * NotReady) is a new failure, and opens a new incident so that it is released too.
   */
  private static boolean lossHandled(
      NodeView node, List<PodView> pods, FlinkResilientJobStatus status) {
    Optional<Instant> handled = handledLoss(node, status);
    return handled.isPresent()
        && pods.stream()
            .filter(p -> node.name().equals(p.node()))
            .noneMatch(p -> p.createdAt() != null && p.createdAt().isAfter(handled.get()));
  }

  /** When the newest NodeLost incident of this loss of the node was opened, if there was one. */
  private static Optional<Instant> handledLoss(NodeView node, FlinkResilientJobStatus status) {
    Instant lastSeen = node.lastSeen();
    return status.getRecovery().getHistory().stream()
        .filter(i -> Reason.NODE_LOST.value().equals(i.getReason()))
        .filter(i -> node.name().equals(i.getNode()))
        .map(i -> IncidentTimes.opened(i, null))
        .filter(at -> at != null && (lastSeen == null || at.isAfter(lastSeen)))
        .max(Comparator.naturalOrder());
  }

  /**
   * When the node watch judged the node lost, unless an incident of this loss was opened since: a
   * pod bound to the node after that one is a new failure, detected by this pass.
   */
  private static Instant detectedAt(NodeView node, FlinkResilientJobStatus status) {
    Instant judged = node.judgedLostAt();
    if (judged == null) {
      return null;
    }
    Optional<Instant> handled = handledLoss(node, status);
    return handled.isPresent() && !handled.get().isBefore(judged) ? null : judged;
  }

  /** When the newest incident so far was opened; null before the first. */
  private static Instant handledUntil(FlinkResilientJobStatus status) {
    var history = status.getRecovery().getHistory();
    if (history.isEmpty()) {
      return null;
    }
    return IncidentTimes.opened(history.get(history.size() - 1), null);
  }

  /**
   * The HA store was read and holds nothing for a job that has checkpointed: a replacement
   * JobManager would start it empty (or not at all), so only a redeploy from status helps.
   */
  static boolean haMetadataMissing(PlanInput in) {
    return in.ha().state() == HaStoreView.State.READ
        && in.ha().checkpoints().isEmpty()
        && in.status().getLatestCheckpoint() != null;
  }

  private static String describe(PodView p) {
    String what = p.role() == PodView.Role.JOB_MANAGER ? "JobManager" : "TaskManager";
    String cause =
        p.failure() != null
            ? p.failure()
            : p.deletingSince() != null ? "deleted" : "phase " + p.phase();
    return what + " pod " + p.name() + (p.node() == null ? "" : " on " + p.node()) + ": " + cause;
  }

  private static Instant failedAt(PodView p, Instant now) {
    if (p.failedAt() != null) {
      return p.failedAt();
    }
    return p.deletingSince() != null ? p.deletingSince() : now;
  }

  private static String why(
      NodeView node, ObservedCluster cluster, NodeThresholds thresholds, Instant now) {
    if (node.deleted()) {
      return "Node deleted";
    }
    if (node.outOfService()) {
      return "tainted out-of-service";
    }
    if ("False".equals(node.ready()) || "Unknown".equals(node.ready())) {
      return "Ready " + node.ready();
    }
    String lease =
        "Lease not renewed for " + Duration.between(node.leaseRenewedAt(), now).toSeconds() + "s";
    if (thresholds.corroborates() && cluster.silenced(node, now)) {
      var silence = cluster.silence();
      return lease
          + " and its JobManager unreachable for "
          + Duration.between(silence.since(), now).toSeconds()
          + "s ("
          + silence.calls()
          + " calls in a row)";
    }
    return lease;
  }

  private static String podsOn(NodeView node, List<PodView> pods) {
    return pods.stream()
        .filter(p -> node.name().equals(p.node()))
        .map(PodView::name)
        .collect(Collectors.joining(", "));
  }
}
