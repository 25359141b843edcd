package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.BudgetSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.api.v1alpha1.ReleasePodsPolicy;
import dev.flinkresilience.operator.decide.Decision.AwaitRecovery;
import dev.flinkresilience.operator.decide.Decision.AwaitTeardown;
import dev.flinkresilience.operator.decide.Decision.CloseIncident;
import dev.flinkresilience.operator.decide.Decision.Escalate;
import dev.flinkresilience.operator.decide.Decision.GiveUp;
import dev.flinkresilience.operator.decide.Decision.OpenIncident;
import dev.flinkresilience.operator.decide.Decision.RecoveryAction;
import dev.flinkresilience.operator.decide.Decision.ReleasePods;
import dev.flinkresilience.operator.decide.Decision.TaintLostNode;
import dev.flinkresilience.operator.decide.Decision.TearDownForRecovery;
import dev.flinkresilience.operator.decide.ObservedCluster.JobManagerDeployment;
import dev.flinkresilience.operator.spec.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Recovery (DESIGN.md §5.2–5.4) as a state machine over {@code status.recovery.current}: each pass
 * reads the incident, the cluster and the clock, and takes the one next step. Every destructive
 * step comes after a pass that wrote its intent, so an operator that dies anywhere resumes the same
 * attempt: a redeploy is recognised by the attempt stamped on the JobManager Deployment, and the
 * budget is counted when the intent is written, once. One exception, argued where it is decided
 * ({@link OpenIncident#writtenWithNextStep}): a lost node's incident to be verified is written with
 * its first step, which a next operator would repeat, never take twice.
 *
 * <p>Nothing destructive happens on what the operator cannot see ({@link NodeRecheck}): while the
 * node watch is impaired or the mass-loss guard holds, a node-loss incident waits; one whose node
 * renews again before anything was destroyed is dismissed as a false alarm.
 *
 * <pre>
 *   (signal) → OpenIncident ─ Verify ──→ [release pods] → AwaitRecovery → CloseIncident
 *                  │                              │ timeout or worse signal
 *                  └ Redeploy ← Escalate ←────────┘
 *                      → TearDownForRecovery → AwaitTeardown → Deploy(RECOVERY)
 *                      → AwaitRecovery → CloseIncident   (or a new attempt, or GiveUp)
 *
 *   before any step of a NodeLost incident (NodeRecheck):
 *     its node held (watch impaired, mass-loss guard)  → AwaitRecovery: nothing destroyed
 *     its node renews again, nothing destroyed yet     → DismissIncident (a false alarm)
 *   before a teardown: a fresh poll shows the job RUNNING from ≥ the recorded checkpoint
 *                                                      → CloseIncident: nothing torn down
 *   pods stuck terminating where nothing removes them → ReleasePods where §5.3 allows (StuckPods)
 * </pre>
 */
public final class RecoveryPlanner {
  private RecoveryPlanner() {}

  /** The next recovery step, or empty when there is nothing to recover. */
  public static Optional<Decision> decide(PlanInput in) {
    Incident current = in.status().getRecovery().getCurrent();
    if (current == null) {
      return Signals.detect(in).map(s -> open(in, s));
    }
    Optional<Decision> sight = NodeRecheck.recheck(in, current);
    if (sight.isPresent()) {
      return sight;
    }
    Optional<Decision> release = release(in, current);
    if (release.isPresent()) {
      return release;
    }
    return Optional.of(
        RecoveryAction.of(current.getAction()) == RecoveryAction.VERIFY
            ? verify(in, current)
            : redeploy(in, current));
  }

  /** Whether the budget ran out for the spec as it is: no automatic redeploys until it changes. */
  public static boolean exhausted(PlanInput in) {
    String at = in.status().getRecovery().getBudgetExhaustedAt();
    return at != null && in.desired() != null && at.equals(in.desired().specHash());
  }

  /** Redeploys decided within the budget window, as of now. */
  public static long redeploysInWindow(
      FlinkResilientJobStatus status, BudgetSpec budget, Instant now) {
    Duration window = Durations.parse(budget.getWindow());
    return status.getRecovery().getRedeploys().stream()
        .map(t -> StatusTime.or(t, Instant.MIN))
        .filter(t -> !t.isBefore(now.minus(window)))
        .count();
  }

  private static Decision open(PlanInput in, Signal signal) {
    if (!signal.needsRedeploy()) {
      return new OpenIncident(signal, RecoveryAction.VERIFY);
    }
    return budgetLeft(in)
        ? new OpenIncident(signal, RecoveryAction.REDEPLOY)
        : new GiveUp(signal, budgetMessage(in));
  }

  /**
   * Pods on a lost node are never replaced by Kubernetes until deleted (§5.3). Released when the
   * policy allows: {@code always}; {@code whenFenced} if HA is on (a JobManager that lost its
   * leadership stops acting) or the node is confirmed gone; {@code never} leaves it to Kubernetes.
   *
   * <p>Where the operator may taint nodes, a node with a JobManager to release is first tainted
   * ({@link NodeView#LOST_TAINT}, NoSchedule; one write for all the jobs there): Kubernetes then
   * places nothing on it, so every pod there is released at once, with no rollout of the
   * Deployment. Without the taint, a JobManager is released once its Deployment is kept off the
   * node (so the replacement lands elsewhere). A TaskManager only once Kubernetes itself stops
   * scheduling onto the node (NotReady, about 40 s after the node died): Flink replaces a lost
   * TaskManager by itself, and a dead node emptied of its pods is the scheduler's favourite while
   * it still reads Ready, so the replacements landed there, never started, and the job waited
   * minutes for them (found by the node-loss benchmark: 336 s with the operator against 29 s
   * without).
   *
   * <p>With standby JobManagers the same holds for a JobManager pod that never started on the node
   * (Pending): the Deployment is not kept off the node (that would roll the standby, see
   * NodeAvoidance#keepOff), so the leader's replacement lands on the dead node, and releasing it at
   * once only sent the next one there (the node-loss benchmark: 12 replacements force-deleted in 2
   * s). It holds no process that could act, and the standby leads meanwhile.
   */
  private static Optional<Decision> release(PlanInput in, Incident current) {
    FlinkResilientJobSpec spec = in.desired().spec();
    ReleasePodsPolicy policy = spec.getRecovery().getReleasePodsOnLostNode();
    if (policy == ReleasePodsPolicy.NEVER) {
      return Optional.empty();
    }
    boolean redeploy = RecoveryAction.of(current.getAction()) == RecoveryAction.REDEPLOY;
    Optional<JobManagerDeployment> jm = in.cluster().jobManager();
    if (redeploy
        && jm.isPresent()
        && !jm.get().terminating()
        && !RecoveryAttempts.of(current).equals(jm.get().recoveryAttempt())) {
      // The failed cluster goes first: a JobManager released while its Deployment stands is
      // replaced by its ReplicaSet at once, and without HA the replacement submits the job again
      // from the old restore point before the teardown reaches it (chaos scenario 6 without HA:
      // it ran for a second).
      return Optional.empty();
    }
    NodeThresholds thresholds = NodeThresholds.of(spec.getRecovery());
    boolean ha = spec.getHighAvailability().getType() != HighAvailabilityType.NONE;
    boolean standbys = spec.getJobManager() != null && spec.getJobManager().getReplicas() > 1;
    for (NodeView node : in.cluster().nodes().values()) {
      if (in.cluster().verdict(node, thresholds, in.now()) != NodeSight.Verdict.LOST) {
        continue;
      }
      if (policy == ReleasePodsPolicy.WHEN_FENCED && !ha && !node.isFenced()) {
        continue;
      }
      List<PodView> pods =
          in.cluster().pods().stream()
              .filter(p -> node.name().equals(p.node()))
              .filter(p -> !current.getReleasedPods().contains(p.name()))
              .filter(
                  p ->
                      p.isJobManager() && !(standbys && p.neverStarted()) || node.isUnschedulable())
              .toList();
      // Not for a redeploy: its new cluster keeps off the node by its templates (Placement).
      if (in.cluster().mayTaintNodes()
          && !redeploy
          && !node.isUnschedulable()
          && pods.stream().anyMatch(PodView::isJobManager)) {
        return Optional.of(new TaintLostNode(node.name()));
      }
      // Tainted by the operator, the node takes no replacement: nothing to keep the Deployment off.
      if (!pods.isEmpty() && !redeploy && !standbys && jm.isPresent() && !node.lostTaint()) {
        Optional<Decision> first = keepOffFirst(node, pods, jm.get());
        if (first.isPresent()) {
          return first;
        }
        pods =
            pods.stream()
                .filter(p -> !p.isJobManager() || releasableJobManager(in, current, jm.get(), p))
                .toList();
      }
      if (!pods.isEmpty()) {
        // A Deployment that is being deleted needs no keeping off the node.
        // With Kubernetes HA, the released JobManager's leadership is handed over at once: the
        // next JobManager need not wait out a dead leader's lock (LeadershipHandover).
        String handOverFrom =
            redeploy || spec.getHighAvailability().getType() != HighAvailabilityType.KUBERNETES
                ? null
                : pods.stream()
                    .filter(PodView::isJobManager)
                    .map(PodView::name)
                    .findFirst()
                    .orElse(null);
        return Optional.of(
            new ReleasePods(
                node.name(),
                pods.stream().map(PodView::name).sorted().toList(),
                !redeploy && pods.stream().anyMatch(PodView::isJobManager),
                null,
                handOverFrom,
                false,
                node.lostTaint()));
      }
    }
    return StuckPods.release(in, current, ha);
  }

  /**
   * The JobManager Deployment is kept off the lost node before its pod there is released, and the
   * pod goes only once the Deployment controller has taken that (its observed generation; under
   * Recreate the old ReplicaSet is then at zero), or after {@link #KEEP_OFF_WAIT}. Released in the
   * same step, the pod was replaced by the old ReplicaSet too, anywhere, and the rollout then
   * removed that JobManager after it had taken the job over: a second restart for 98 of 340 jobs in
   * the 1,000-job benchmark. First step: keep the Deployment off the node, releasing only the other
   * pods it may (the event says why the JobManager's pod stays).
   */
  private static Optional<Decision> keepOffFirst(
      NodeView node, List<PodView> pods, JobManagerDeployment jm) {
    if (jm.avoidedNodes().contains(node.name()) || pods.stream().noneMatch(PodView::isJobManager)) {
      return Optional.empty();
    }
    return Optional.of(
        ReleasePods.keepingOffFirst(
            node.name(),
            pods.stream().filter(p -> !p.isJobManager()).map(PodView::name).sorted().toList(),
            KEEP_OFF_FIRST));
  }

  /** Why a release leaves the JobManager's pod for a later step (status and the event say it). */
  public static final String KEEP_OFF_FIRST =
      "its pod there goes once the Deployment controller has taken that";

  /**
   * How long the JobManager's pod waits for the Deployment controller at most, from the incident's
   * opening (the keep-off follows at once). Released before the controller has taken the keep-off,
   * the pod is replaced by the old ReplicaSet, anywhere (the dead node too, until Kubernetes marks
   * it NotReady), and the rollout then removes that JobManager again: a second restart. With 10 s,
   * 109 of 339 jobs of the 1,000-job benchmark had one, with 30 s 27 of 340 (the controller, on the
   * same 2 cores, took 13 to 31 s). Releasing sooner gains nothing whatever the controller does: a
   * slow one is slow to roll out too, and a stopped one (the whole controller-manager) replaces
   * nothing either. A controller that has taken the keep-off is seen at once (observed generation,
   * or the pod deleting); the bound is only for a sign of that which never comes (a stale
   * informer), and {@code haRecoveryTimeout} (2 minutes by default) escalates behind it.
   */
  static final Duration KEEP_OFF_WAIT = Duration.ofSeconds(60);

  private static boolean releasableJobManager(
      PlanInput in, Incident current, JobManagerDeployment jm, PodView pod) {
    Instant opened = IncidentTimes.opened(current, in.now());
    // Being deleted: its ReplicaSet has let it go, so it is at zero already.
    return jm.rolledOut()
        || pod.deletingSince() != null
        || !in.now().isBefore(opened.plus(KEEP_OFF_WAIT));
  }

  private static Decision verify(PlanInput in, Incident current) {
    if (recovered(in, current, involvesJobManager(current))) {
      return new CloseIncident("Flink recovered the job by itself");
    }
    Optional<Signal> worse = Signals.detect(in).filter(Signal::needsRedeploy);
    Duration timeout = verifyTimeout(in, current);
    Instant deadline = verifyingSince(in, current).plus(timeout);
    if (worse.isPresent() || in.now().isAfter(deadline)) {
      String why =
          worse
              .map(s -> s.reason().value() + ": " + s.detail())
              .orElse("the job was not RUNNING again within " + Durations.toFlink(timeout));
      return budgetLeft(in) ? new Escalate(why) : new GiveUp(null, why + "; " + budgetMessage(in));
    }
    return new AwaitRecovery(
        "waiting for Flink to recover the job (until " + deadline + ")", false);
  }

  private static Decision redeploy(PlanInput in, Incident current) {
    String attempt = RecoveryAttempts.of(current);
    Optional<JobManagerDeployment> jm = in.cluster().jobManager();
    boolean ours = jm.isPresent() && attempt.equals(jm.get().recoveryAttempt());
    // Our redeploy exists (perhaps made just before a crash that lost its status write).
    boolean mark = ours && current.getRedeployedAt() == null;
    if (ours && !mark && recovered(in, current, true)) {
      return new CloseIncident("redeployed from the latest checkpoint");
    }
    // The attempt's time runs from its first deploy, whether its cluster is still there or not.
    // A redeployed cluster can vanish without us (Flink deletes its own JobManager Deployment
    // when the application fails): the attempt is then deployed again below, but only until this
    // runs out. Checked only while the stamped Deployment existed, a cluster that kept vanishing
    // was redeployed under the same attempt every few seconds, without end and without charging
    // the budget (the loop seen once in chaos scenario 9).
    Duration timeout = Durations.parse(in.desired().spec().getRecovery().getHaRecoveryTimeout());
    String deployedAt = current.getRedeployedAt();
    Optional<PodView> failedAgain =
        ours && !mark && deployedAt != null
            ? redeployedJobManagerFailed(in, StatusTime.or(deployedAt, in.now()))
            : Optional.empty();
    if (failedAgain.isPresent()) {
      String why =
          "the redeployed JobManager "
              + failedAgain.get().name()
              + " failed too ("
              + failedAgain.get().failure()
              + "); without HA only a new attempt brings the job back";
      return budgetLeft(in) ? new Escalate(why) : new GiveUp(null, why + "; " + budgetMessage(in));
    }
    if (!mark
        && deployedAt != null
        && in.now().isAfter(StatusTime.or(deployedAt, in.now()).plus(timeout))) {
      String why =
          "attempt "
              + attempt
              + " did not bring the job back within "
              + Durations.toFlink(timeout)
              + (ours ? "" : " (its JobManager Deployment is no longer there)");
      return budgetLeft(in) ? new Escalate(why) : new GiveUp(null, why + "; " + budgetMessage(in));
    }
    if (ours) {
      return new AwaitRecovery("waiting for the redeployed job to run", mark);
    }
    if (jm.isPresent() && !jm.get().terminating()) {
      if (recovered(in, current, true)) {
        // A poll since the incident (or its escalation) shows the job RUNNING from a checkpoint no
        // older than the recorded one: tearing it down could only lose time. Found by the
        // node-loss benchmark's baseline, which tore down a job Flink had already recovered.
        return new CloseIncident(
            "the job runs again from a checkpoint no older than the recorded one; nothing torn"
                + " down");
      }
      return new TearDownForRecovery();
    }
    if (jm.isPresent() || in.cluster().podsRemaining() > 0) {
      // Fencing: nothing new starts while a pod of the old cluster may still run.
      return new AwaitTeardown(in.cluster().podsRemaining(), StuckPods.describe(in, current));
    }
    return LifecyclePlanner.deploy(Decision.DeployReason.RECOVERY, in.desired(), in);
  }

  /**
   * Without HA, a JobManager of the redeployed cluster that failed after the redeploy. Its
   * container restarted in place waits and runs nothing ({@code model/RunOnce}: it would resubmit
   * the job from the redeploy's restore point, older than what the job may have committed since),
   * so waiting out {@code haRecoveryTimeout} would only lose time (chaos scenario 6 without HA: 90
   * s). With HA a restart in place recovers from the HA store, and is Flink's to do.
   */
  private static Optional<PodView> redeployedJobManagerFailed(PlanInput in, Instant deployedAt) {
    if (in.desired().spec().getHighAvailability().getType() != HighAvailabilityType.NONE) {
      return Optional.empty();
    }
    return in.cluster().pods().stream()
        .filter(p -> p.isJobManager() && p.isFailing())
        .filter(p -> p.failedAt() != null && p.failedAt().isAfter(deployedAt))
        .findFirst();
  }

  /**
   * RUNNING again, as seen after the incident began (the reporter forgets the job state when it
   * opens one, and older polls are not merged), and, when a JobManager restarted, from a checkpoint
   * no older than the one recorded at detection.
   */
  static boolean recovered(PlanInput in, Incident current, boolean checkRestore) {
    FlinkResilientJobStatus s = in.status();
    // RUNNING as seen by a poll since the incident began: the job state in status may predate it.
    if (!"RUNNING".equals(current.getObservedState()) || !"RUNNING".equals(s.getJobState())) {
      return false;
    }
    Long target = current.getTargetCheckpointId();
    if (target == null) {
      return true;
    }
    if (!checkRestore) {
      // A lost TaskManager or node without the JobManager: the job may read RUNNING before Flink
      // has even noticed (a TaskManager on a dead node is missed until its heartbeat times out,
      // and region failover keeps the job RUNNING throughout). A checkpoint completed since the
      // incident proves every task runs again: each one acknowledged it.
      return s.getLatestCheckpoint() != null
          && s.getLatestCheckpoint().getId() != null
          && s.getLatestCheckpoint().getId() > target;
    }
    return s.getRestoredFrom() != null
        && s.getRestoredFrom().getId() != null
        && s.getRestoredFrom().getId() >= target;
  }

  /** A JobManager was lost (alone or with its node): it restarts and must restore state. */
  static boolean involvesJobManager(Incident current) {
    return Signal.Reason.JOB_MANAGER_LOST.value().equals(current.getReason())
        || Signal.Reason.NODE_LOST.value().equals(current.getReason()) && current.getPod() != null;
  }

  /**
   * The verification's window opens with the incident ({@link IncidentTimes#opened}), or once the
   * operator released the JobManager's pod from a lost node if that came later: its replacement
   * cannot start before, and the two steps of that release wait for the Deployment controller (up
   * to {@link #KEEP_OFF_WAIT}). Counted from the detection, that wait came off Flink's time: in the
   * 1,000-job benchmark the 135 of 337 jobs redeployed at the timeout had their JobManager released
   * 18 to 32 s after the detection, so their new JobManagers had 90 to 106 s of the 2 minutes.
   */
  private static Instant verifyingSince(PlanInput in, Incident current) {
    Instant opened = IncidentTimes.opened(current, in.now());
    Instant released = StatusTime.or(current.getJobManagerReleasedAt(), null);
    return released != null && released.isAfter(opened) ? released : opened;
  }

  private static Duration verifyTimeout(PlanInput in, Incident current) {
    var recovery = in.desired().spec().getRecovery();
    return involvesJobManager(current)
        ? Durations.parse(recovery.getHaRecoveryTimeout())
        : Durations.parse(recovery.getStuckRestartingAfter());
  }

  private static boolean budgetLeft(PlanInput in) {
    BudgetSpec budget = in.desired().spec().getRecovery().getBudget();
    return redeploysInWindow(in.status(), budget, in.now()) < budget.getMaxRedeploys();
  }

  private static String budgetMessage(PlanInput in) {
    BudgetSpec budget = in.desired().spec().getRecovery().getBudget();
    return "the redeploy budget is spent ("
        + budget.getMaxRedeploys()
        + " in "
        + budget.getWindow()
        + "); change the spec or restartNonce to try again";
  }
}
