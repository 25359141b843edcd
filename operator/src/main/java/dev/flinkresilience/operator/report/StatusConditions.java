package dev.flinkresilience.operator.report;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.OperationType;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.decide.Decision;
import dev.flinkresilience.operator.decide.Decision.AwaitTeardown;
import dev.flinkresilience.operator.decide.Decision.BeginOperation;
import dev.flinkresilience.operator.decide.Decision.DeleteCluster;
import dev.flinkresilience.operator.decide.Decision.FinishSuspend;
import dev.flinkresilience.operator.decide.Decision.NameTaken;
import dev.flinkresilience.operator.decide.Decision.RefuseRestore;
import dev.flinkresilience.operator.decide.Decision.RejectSpec;
import dev.flinkresilience.operator.decide.Decision.Steady;
import dev.flinkresilience.operator.decide.NodeSight;
import dev.flinkresilience.operator.decide.PlanInput;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Ready, Progressing and Degraded after a pass, from the phase, the decision and what status shows:
 * Ready only when the job runs and nothing is wrong; Progressing while something moves; Degraded
 * with the most pressing cause (budget spent, a node loss the operator holds back because it cannot
 * see, an incident, no safe restore point or a name taken, Flink's REST API silent, checkpoints
 * stalled).
 */
final class StatusConditions {
  /** A name of the cluster is held by an object the job does not own (act/ObjectNotOwned). */
  private static final String NAME_TAKEN = "NameTaken";

  /** The API server refused one of the cluster's objects (act/ObjectRefused). */
  private static final String OBJECT_REFUSED = "ObjectRefused";

  private StatusConditions() {}

  static List<Condition> of(
      PlanInput in,
      Decision decision,
      Phase phase,
      String message,
      long generation,
      FlinkResilientJobStatus previous,
      Instant now) {
    List<Condition> old = previous.getConditions();
    boolean invalid = decision instanceof RejectSpec;
    Optional<String> restProblem = ObservationLedger.lastingProblem(previous);
    boolean refused = decision instanceof RefuseRestore;
    String notDeployed =
        decision instanceof NameTaken
            ? NAME_TAKEN
            : decision instanceof Decision.ObjectRefused ? OBJECT_REFUSED : null;
    boolean moving =
        !(decision instanceof Steady
                || decision instanceof Decision.Housekeeping
                || decision instanceof RejectSpec
                || decision instanceof RefuseRestore
                || notDeployed != null
                || decision instanceof FinishSuspend
                || decision instanceof Decision.CloseIncident
                || decision instanceof Decision.DismissIncident
                || decision instanceof Decision.GiveUp)
            || phase == Phase.DEPLOYING;
    String jobState = previous.getJobState();
    boolean jobRunning = jobState == null || "RUNNING".equals(jobState);
    String readyReason =
        invalid
            ? "InvalidSpec"
            : notDeployed != null
                ? notDeployed
                : phase == Phase.RUNNING && !jobRunning ? "Job" + camel(jobState) : phase.value();
    boolean ready =
        !invalid
            && notDeployed == null
            && phase == Phase.RUNNING
            && jobRunning
            && restProblem.isEmpty();
    String progressingReason =
        invalid
            ? "InvalidSpec"
            : moving
                ? progressingReason(decision, phase)
                : notDeployed != null ? notDeployed : "Stable";
    return List.of(
        Conditions.of(Conditions.READY, ready, readyReason, message, generation, old, now),
        Conditions.of(
            Conditions.PROGRESSING,
            moving && !invalid,
            progressingReason,
            message,
            generation,
            old,
            now),
        degraded(
            HeldBack.of(in, now),
            refused ? "RestoreRefused" : notDeployed,
            restProblem,
            CheckpointStall.check(in, previous, now),
            phase,
            previous,
            message,
            generation,
            old,
            now));
  }

  /**
   * {@code refusal}: why nothing is deployed (no safe restore point, a name taken, an object the
   * API server refused), or null.
   */
  private static Condition degraded(
      Optional<NodeSight.Hold> held,
      String refusal,
      Optional<String> restProblem,
      Optional<String> stalled,
      Phase phase,
      FlinkResilientJobStatus status,
      String message,
      long generation,
      List<Condition> old,
      Instant now) {
    if (phase == Phase.FAILED) {
      return Conditions.of(
          Conditions.DEGRADED, true, "RecoveryBudgetExhausted", message, generation, old, now);
    }
    if (held.isPresent()) {
      // Before the incident: what the operator cannot see is what holds the recovery back.
      return Conditions.of(
          Conditions.DEGRADED,
          true,
          held.get().reason(),
          held.get().message(),
          generation,
          old,
          now);
    }
    var incident = status.getRecovery().getCurrent();
    if (incident != null) {
      return Conditions.of(
          Conditions.DEGRADED,
          true,
          incident.getReason(),
          incident.getDetail(),
          generation,
          old,
          now);
    }
    if (refusal != null) {
      return Conditions.of(Conditions.DEGRADED, true, refusal, message, generation, old, now);
    }
    if (restProblem.isPresent()) {
      return Conditions.of(
          Conditions.DEGRADED,
          true,
          "FlinkRestUnavailable",
          restProblem.get(),
          generation,
          old,
          now);
    }
    if (stalled.isPresent()) {
      return Conditions.of(
          Conditions.DEGRADED, true, "CheckpointsStalled", stalled.get(), generation, old, now);
    }
    return Conditions.of(
        Conditions.DEGRADED, false, "AsExpected", "No failure", generation, old, now);
  }

  static boolean wasDegradedBy(FlinkResilientJobStatus previous, String reason) {
    return previous.getConditions().stream()
        .anyMatch(
            c ->
                Conditions.DEGRADED.equals(c.getType())
                    && "True".equals(c.getStatus())
                    && reason.equals(c.getReason()));
  }

  /** RESTARTING → Restarting, for condition reasons. */
  private static String camel(String state) {
    return state.isEmpty() ? state : state.charAt(0) + state.substring(1).toLowerCase();
  }

  private static String progressingReason(Decision decision, Phase phase) {
    if (decision instanceof BeginOperation b) {
      return b.type() == OperationType.SUSPEND ? "Suspending" : "Upgrading";
    }
    if (decision instanceof DeleteCluster d) {
      return d.type() == OperationType.SUSPEND ? "Suspending" : "Upgrading";
    }
    if (decision instanceof Decision.RecordSavepointTrigger
        || decision instanceof Decision.AwaitSavepoint
        || decision instanceof Decision.SavepointTaken) {
      return phase == Phase.SUSPENDED ? "Suspending" : "Upgrading";
    }
    if (decision instanceof AwaitTeardown) {
      return phase == Phase.SUSPENDED ? "Suspending" : "TearingDown";
    }
    if (decision instanceof Decision.ReadCheckpointStorage) {
      return "Deploying";
    }
    if (phase == Phase.RECOVERING) {
      return "Recovering";
    }
    return phase == Phase.DEPLOYING ? "Deploying" : "Stable";
  }
}
