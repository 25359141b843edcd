package dev.flinkresilience.operator.report;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.api.v1alpha1.RecoveryStatus;
import dev.flinkresilience.operator.decide.BadNodes;
import dev.flinkresilience.operator.decide.Decision;
import dev.flinkresilience.operator.decide.Decision.AwaitRecovery;
import dev.flinkresilience.operator.decide.Decision.AwaitTeardown;
import dev.flinkresilience.operator.decide.Decision.BeginOperation;
import dev.flinkresilience.operator.decide.Decision.CloseIncident;
import dev.flinkresilience.operator.decide.Decision.Deploy;
import dev.flinkresilience.operator.decide.Decision.DeployReason;
import dev.flinkresilience.operator.decide.Decision.DismissIncident;
import dev.flinkresilience.operator.decide.Decision.Escalate;
import dev.flinkresilience.operator.decide.Decision.GiveUp;
import dev.flinkresilience.operator.decide.Decision.OpenIncident;
import dev.flinkresilience.operator.decide.Decision.RecoveryAction;
import dev.flinkresilience.operator.decide.Decision.ReleasePods;
import dev.flinkresilience.operator.decide.Decision.TaintLostNode;
import dev.flinkresilience.operator.decide.Decision.TearDownForRecovery;
import dev.flinkresilience.operator.decide.IncidentTarget;
import dev.flinkresilience.operator.decide.PlanInput;
import dev.flinkresilience.operator.decide.PodView;
import dev.flinkresilience.operator.decide.RecoveryAttempts;
import dev.flinkresilience.operator.decide.RecoveryPlanner;
import dev.flinkresilience.operator.decide.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What recovery decisions write to status: the incident (opened before anything destructive), its
 * steps, its close into history, the budget. Pure; called by {@link StatusReporter}.
 */
final class RecoveryReport {
  static final int HISTORY = 10;

  /** The outcome of an incident whose cause vanished before anything was destroyed. */
  static final String FALSE_ALARM = "FalseAlarm";

  /** Phase, message and events of a recovery step. */
  record Step(Phase phase, String message, List<EventSpec> events) {}

  private RecoveryReport() {}

  /** The step for a recovery decision; empty for the lifecycle's own decisions. */
  static Optional<Step> apply(
      FlinkResilientJobStatus next, PlanInput in, Decision decision, Instant now) {
    RecoveryStatus r = next.getRecovery();
    Incident current = r.getCurrent();
    if (decision instanceof OpenIncident open) {
      markNode(next, in, open.signal(), now);
      Incident incident = incident(r, open.signal(), open.action(), in, now);
      r.setCurrent(incident);
      if (open.action() == RecoveryAction.REDEPLOY) {
        countRedeploy(r, now);
      }
      String message =
          open.signal().reason().value()
              + ": "
              + open.signal().detail()
              + "; "
              + plan(open.action());
      return step(message, EventSpec.warning(open.signal().reason().value(), message));
    }
    if (decision instanceof GiveUp giveUp) {
      if (giveUp.signal() != null) {
        markNode(next, in, giveUp.signal(), now);
      }
      Incident incident =
          current != null
              ? current
              : incident(r, giveUp.signal(), RecoveryAction.REDEPLOY, in, now);
      incident.setOutcome("GaveUp");
      toHistory(r, incident);
      r.setBudgetExhaustedAt(in.desired().specHash());
      String message = "Recovery stopped: " + giveUp.why();
      return Optional.of(
          new Step(
              Phase.FAILED,
              message,
              List.of(EventSpec.warning("RecoveryBudgetExhausted", message))));
    }
    if (current == null) {
      return Optional.empty();
    }
    if (decision instanceof TaintLostNode taint) {
      String message =
          "Tainted lost node "
              + taint.node()
              + " "
              + dev.flinkresilience.operator.decide.NodeView.LOST_TAINT
              + ":NoSchedule, so that Kubernetes places nothing there; its pods go next";
      return step(message, EventSpec.warning("NodeTainted", message));
    }
    if (decision instanceof ReleasePods release) {
      current.getReleasedPods().addAll(release.pods());
      if (release.jobManagerLater()) {
        String message =
            (release.pods().isEmpty()
                    ? ""
                    : "Force-deleted pod(s) " + String.join(", ", release.pods()) + "; ")
                + "kept the JobManager Deployment off lost node "
                + release.node()
                + " first; "
                + release.why();
        return step(
            message,
            EventSpec.warning(release.pods().isEmpty() ? "KeptOffNode" : "PodsReleased", message));
      }
      if (release.jobManager() && current.getJobManagerReleasedAt() == null) {
        // Flink's recovery can begin only now: the verification's window starts here.
        current.setJobManagerReleasedAt(now.toString());
      }
      String message =
          "Force-deleted pod(s) "
              + String.join(", ", release.pods())
              + (release.why() == null
                  ? " from lost node " + release.node()
                  : " on " + release.node() + ", " + release.why());
      return step(message, EventSpec.warning("PodsReleased", message));
    }
    if (decision instanceof AwaitRecovery await) {
      if (await.markRedeployed()) {
        current.setRedeployedAt(now.toString());
      }
      return step(current.getReason() + ": " + await.why());
    }
    if (decision instanceof Escalate escalate) {
      current.setAction(RecoveryAction.REDEPLOY.value());
      current.setAttempts((current.getAttempts() == null ? 0 : current.getAttempts()) + 1);
      current.setRedeployedAt(null);
      current.setObservedState(null);
      countRedeploy(r, now);
      String message =
          current.getReason() + ": redeploying from the latest checkpoint, as " + escalate.why();
      return step(message, EventSpec.warning("RecoveryEscalated", message));
    }
    if (decision instanceof TearDownForRecovery) {
      String message = current.getReason() + ": deleting the failed cluster before redeploying";
      return step(message, EventSpec.normal("TearingDown", message));
    }
    if (decision instanceof AwaitTeardown wait) {
      return step(
          current.getReason()
              + ": waiting for "
              + wait.podsRemaining()
              + " pod(s) of the failed cluster to go"
              + (wait.stuck() == null ? "" : "; " + wait.stuck()));
    }
    if (decision instanceof DismissIncident dismiss) {
      current.setOutcome(FALSE_ALARM);
      toHistory(r, current);
      String message =
          current.getReason() + " was a false alarm, closed without action: " + dismiss.why();
      return Optional.of(
          new Step(Phase.RUNNING, message, List.of(EventSpec.normal(FALSE_ALARM, message))));
    }
    if (decision instanceof Deploy deploy && deploy.reason() == DeployReason.RECOVERY) {
      StatusReporter.recordDeployment(next, in, deploy, now);
      next.getDeployment().setRecoveryAttempt(RecoveryAttempts.of(current));
      if (current.getRedeployedAt() == null) {
        // The attempt's first deploy starts its clock (see RecoveryPlanner#redeploy); deploying
        // it again, after its cluster vanished or before the cache showed it, does not restart it.
        current.setRedeployedAt(now.toString());
      }
      current.setObservedState(null);
      String message =
          current.getReason() + ": " + StatusReporter.deployMessage(next.getClusterId(), deploy);
      return step(message, EventSpec.normal("Redeploying", message));
    }
    if (decision instanceof CloseIncident close) {
      Long restored = next.getRestoredFrom() == null ? null : next.getRestoredFrom().getId();
      current.setRestoredCheckpointId(restored);
      current.setRecoveredAt(now.toString());
      current.setRecoverySeconds(seconds(current.getDetectedAt(), now));
      current.setOutcome("Recovered");
      toHistory(r, current);
      // The JobManager that serves the job now is the one whose loss counts next.
      next.getDeployment().setJobManagerPod(readyJobManager(in).orElse(null));
      String message =
          current.getReason()
              + " recovered in "
              + current.getRecoverySeconds()
              + "s ("
              + close.how()
              + (restored == null ? "" : ", from checkpoint " + restored)
              + ")";
      return Optional.of(
          new Step(Phase.RUNNING, message, List.of(EventSpec.normal("Recovered", message))));
    }
    if (decision instanceof BeginOperation) {
      current.setOutcome("Superseded");
      toHistory(r, current);
    }
    return Optional.empty();
  }

  /** A failure on a node counts toward avoiding it (see BadNodes). */
  private static void markNode(
      FlinkResilientJobStatus next, PlanInput in, Signal signal, Instant now) {
    if (signal.node() == null || in.desired() == null) {
      return;
    }
    var marks =
        BadNodes.record(
            next.getRecovery().getNodeFailures(),
            next.getAvoidedNodes(),
            signal.node(),
            signal.failedAt(),
            in.desired().spec().getRecovery().getAvoidBadNodes(),
            now);
    next.getRecovery().setNodeFailures(marks.failures());
    next.setAvoidedNodes(marks.avoided());
  }

  /**
   * Every pass: the budget window slides, bad-node marks expire, and the serving JobManager is
   * remembered.
   */
  static void maintain(FlinkResilientJobStatus next, PlanInput in, Instant now) {
    RecoveryStatus r = next.getRecovery();
    if (in.desired() != null) {
      var marks =
          BadNodes.expire(
              r.getNodeFailures(),
              next.getAvoidedNodes(),
              in.desired().spec().getRecovery().getAvoidBadNodes(),
              now);
      r.setNodeFailures(marks.failures());
      next.setAvoidedNodes(marks.avoided());
      var budget = in.desired().spec().getRecovery().getBudget();
      Duration window = dev.flinkresilience.operator.spec.Durations.parse(budget.getWindow());
      r.getRedeploys().removeIf(t -> parse(t).isBefore(now.minus(window)));
      r.setRedeploysInWindow((int) RecoveryPlanner.redeploysInWindow(next, budget, now));
    }
    if (r.getCurrent() == null
        && next.getDeployment() != null
        && next.getDeployment().getJobManagerPod() == null) {
      readyJobManager(in).ifPresent(next.getDeployment()::setJobManagerPod);
    }
  }

  private static Incident incident(
      RecoveryStatus r, Signal signal, RecoveryAction action, PlanInput in, Instant now) {
    r.setTotal(r.getTotal() + 1);
    Incident i = new Incident();
    i.setId((long) r.getTotal());
    i.setReason(signal.reason().value());
    i.setDetail(signal.detail());
    i.setNode(signal.node());
    i.setPod(signal.pod());
    i.setFailedAt(signal.failedAt().toString());
    Instant detected = signal.detectedBy(now);
    i.setDetectedAt(detected.toString());
    i.setOpenedAt(now.toString());
    i.setDetectionSeconds(seconds(signal.failedAt().toString(), detected));
    i.setAction(action.value());
    i.setAttempts(action == RecoveryAction.REDEPLOY ? 1 : 0);
    i.setTargetCheckpointId(IncidentTarget.checkpointId(in.status(), signal.failedAt()));
    return i;
  }

  private static void countRedeploy(RecoveryStatus r, Instant now) {
    r.getRedeploys().add(now.toString());
  }

  private static void toHistory(RecoveryStatus r, Incident incident) {
    List<Incident> history = new ArrayList<>(r.getHistory());
    history.add(incident);
    while (history.size() > HISTORY) {
      history.remove(0);
    }
    r.setHistory(history);
    r.setCurrent(null);
  }

  private static Optional<String> readyJobManager(PlanInput in) {
    return in.cluster().pods().stream()
        .filter(p -> p.isJobManager() && p.ready() && !p.isFailing())
        .map(PodView::name)
        .sorted()
        .findFirst();
  }

  private static String plan(RecoveryAction action) {
    return action == RecoveryAction.REDEPLOY
        ? "redeploying from the latest checkpoint"
        : "verifying that Flink recovers by itself";
  }

  private static Optional<Step> step(String message, EventSpec... events) {
    return Optional.of(new Step(Phase.RECOVERING, message, List.of(events)));
  }

  private static Double seconds(String from, Instant to) {
    Instant start = parse(from);
    if (start == Instant.MIN) {
      return null;
    }
    return Math.max(0, Duration.between(start, to).toMillis()) / 1000.0;
  }

  private static Instant parse(String time) {
    try {
      return time == null ? Instant.MIN : Instant.parse(time);
    } catch (RuntimeException e) {
      return Instant.MIN;
    }
  }
}
