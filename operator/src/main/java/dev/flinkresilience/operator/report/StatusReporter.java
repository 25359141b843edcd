package dev.flinkresilience.operator.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.DeploymentRecord;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Operation;
import dev.flinkresilience.operator.api.v1alpha1.OperationType;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.decide.Decision;
import dev.flinkresilience.operator.decide.Decision.AwaitTeardown;
import dev.flinkresilience.operator.decide.Decision.BeginOperation;
import dev.flinkresilience.operator.decide.Decision.DeleteCluster;
import dev.flinkresilience.operator.decide.Decision.Deploy;
import dev.flinkresilience.operator.decide.Decision.DeployReason;
import dev.flinkresilience.operator.decide.Decision.FinishSuspend;
import dev.flinkresilience.operator.decide.Decision.NameTaken;
import dev.flinkresilience.operator.decide.Decision.RefuseRestore;
import dev.flinkresilience.operator.decide.Decision.RejectSpec;
import dev.flinkresilience.operator.decide.Decision.Steady;
import dev.flinkresilience.operator.decide.ObservedCluster.JobManagerDeployment;
import dev.flinkresilience.operator.decide.PlanInput;
import dev.flinkresilience.operator.decide.RecoveryPlanner;
import dev.flinkresilience.operator.decide.RestorePoint;
import dev.flinkresilience.operator.decide.SavepointRetention;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The status after a pass, and its events: pure, from the previous status, what was observed and
 * what was decided. Conditions follow the phase; see {@link Conditions}.
 */
public final class StatusReporter {
  private static final ObjectMapper COPIER = new ObjectMapper();

  private StatusReporter() {}

  public static Report report(
      String name, long generation, PlanInput in, Decision decision, Instant now) {
    FlinkResilientJobStatus previous = in.status();
    FlinkResilientJobStatus next = COPIER.convertValue(previous, FlinkResilientJobStatus.class);
    next.setObservedGeneration(generation);
    next.setClusterId(name);
    List<EventSpec> events = new ArrayList<>();
    Phase phase = runtimePhase(in, previous);
    String message;
    var recoveryStep =
        RecoveryReport.apply(next, in, decision, now)
            .or(() -> SavepointReport.apply(next, decision, name, now));
    if (recoveryStep.isPresent()) {
      phase = recoveryStep.get().phase();
      message = recoveryStep.get().message();
      events.addAll(recoveryStep.get().events());
    } else if (decision instanceof RejectSpec reject) {
      message = "Invalid spec: " + String.join("; ", reject.violations());
      if (!message.equals(previous.getMessage())) {
        events.add(EventSpec.warning("InvalidSpec", message + keepsRunning(in)));
      }
    } else if (decision instanceof BeginOperation begin) {
      Operation op = new Operation();
      op.setType(begin.type());
      op.setReason(begin.reason());
      op.setTargetGeneration(generation);
      op.setStartedAt(now.toString());
      next.setOperation(op);
      phase = begin.type() == OperationType.SUSPEND ? Phase.SUSPENDED : Phase.DEPLOYING;
      message = begin.type() + " started: " + begin.reason();
      events.add(EventSpec.normal(begin.type() + "Started", message));
    } else if (decision instanceof DeleteCluster delete) {
      phase = delete.type() == OperationType.SUSPEND ? Phase.SUSPENDED : Phase.DEPLOYING;
      message = "Deleting cluster " + name + " (" + delete.type() + ")";
      events.add(EventSpec.normal("DeletingCluster", message));
    } else if (decision instanceof AwaitTeardown wait) {
      boolean suspending =
          in.desired() != null && !in.desired().running() || isSuspend(previous.getOperation());
      phase = suspending ? Phase.SUSPENDED : Phase.DEPLOYING;
      message =
          "Waiting for "
              + wait.podsRemaining()
              + " pod(s) of the old cluster to go"
              + (wait.stuck() == null ? "" : "; " + wait.stuck());
    } else if (decision instanceof FinishSuspend finish) {
      next.setOperation(null);
      ObservationLedger.raiseFromStorage(next, finish.newestInStorage());
      phase = Phase.SUSPENDED;
      message = suspendedMessage(next);
      events.add(EventSpec.normal("Suspended", "Job suspended; cluster " + name + " deleted"));
    } else if (decision instanceof Deploy deploy) {
      recordDeployment(next, in, deploy, now);
      phase = Phase.DEPLOYING;
      message = deployMessage(name, deploy);
      events.add(EventSpec.normal("Deploying", message));
    } else if (decision instanceof Decision.ReadCheckpointStorage read) {
      // A resume stays Suspended until it deploys: the planner tells a resume from a recreation
      // by that phase. Recovery keeps its phase; an upgrade or a recreation is deploying.
      phase =
          read.reason() == DeployReason.RESUME
              ? Phase.SUSPENDED
              : in.status().getRecovery().getCurrent() != null ? Phase.RECOVERING : Phase.DEPLOYING;
      String where = read.query().jobDirectory() == null ? "" : " " + read.query().jobDirectory();
      message =
          in.desired() != null && !in.desired().running()
              ? "Reading the checkpoint storage"
                  + where
                  + " to record the newest checkpoint before the job is suspended"
              : "Reading the checkpoint storage"
                  + where
                  + " before deploying ("
                  + read.reason().name().toLowerCase()
                  + "): the newest checkpoint that exists is the restore point";
    } else if (decision instanceof RefuseRestore refuse) {
      message = "Not deploying (" + refuse.reason().name().toLowerCase() + "): " + refuse.why();
      if (!message.equals(previous.getMessage())) {
        events.add(EventSpec.warning("RestoreRefused", message));
      }
    } else if (decision instanceof NameTaken taken) {
      message = "Not deploying (" + taken.reason().name().toLowerCase() + "): " + taken(taken);
      if (!message.equals(previous.getMessage())) {
        events.add(EventSpec.warning("NameTaken", message));
      }
    } else if (decision instanceof Decision.ObjectRefused refused) {
      message =
          "Not deploying ("
              + refused.reason().name().toLowerCase()
              + "): the API server refused "
              + refused.object()
              + " (HTTP "
              + refused.code()
              + "): "
              + refused.answer()
              + "; retrying";
      if (!message.equals(previous.getMessage())) {
        events.add(EventSpec.warning("ObjectRefused", message));
      }
    } else if (decision instanceof Steady || decision instanceof Decision.Housekeeping) {
      SavepointHistoryReport.Note note =
          decision instanceof Decision.Housekeeping housekeeping
              ? SavepointHistoryReport.apply(next, housekeeping, now)
              : new SavepointHistoryReport.Note("", List.of());
      events.addAll(note.events());
      in.cluster().jobManager().ifPresent(jm -> syncDeployment(next, jm));
      if (in.desired() != null && !in.desired().running()) {
        phase = Phase.SUSPENDED;
      }
      boolean exhausted = RecoveryPlanner.exhausted(in);
      if (exhausted) {
        phase = Phase.FAILED;
      }
      message =
          (exhausted
                  ? "Recovery budget exhausted; change the spec or restartNonce to deploy again"
                  : steadyMessage(phase, previous.getJobState(), next))
              + ObservationLedger.lastingProblem(previous).map(p -> "; Flink REST: " + p).orElse("")
              + HeldBack.of(in, now).map(h -> "; " + h.message()).orElse("")
              + (note.text().isEmpty() ? "" : "; " + note.text());
      if (phase == Phase.RUNNING && previous.getPhase() != Phase.RUNNING) {
        events.add(EventSpec.normal("Running", "JobManager of " + name + " is available"));
      }
    } else {
      throw new IllegalArgumentException("unknown decision " + decision);
    }
    RecoveryReport.maintain(next, in, now);
    if (in.desired() != null) {
      // Without a valid spec its retention is unknown: nothing listed is dropped meanwhile.
      next.setSavepoints(
          SavepointRetention.trim(
              next.getSavepoints(), in.desired().spec().getJob().getSavepointHistory()));
    }
    HeldBack.of(in, now)
        .filter(h -> !StatusConditions.wasDegradedBy(previous, h.reason()))
        .ifPresent(
            h ->
                events.add(
                    EventSpec.warning(
                        h.reason(),
                        "Holding back: no pod of this job is released and nothing redeployed"
                            + " while "
                            + h.message())));
    Optional<String> stalled = CheckpointStall.check(in, next, now);
    if (stalled.isPresent() && !StatusConditions.wasDegradedBy(previous, "CheckpointsStalled")) {
      events.add(EventSpec.warning("CheckpointsStalled", stalled.get()));
    }
    next.setPhase(phase);
    next.setMessage(message);
    next.setConditions(StatusConditions.of(in, decision, phase, message, generation, next, now));
    return new Report(next, events);
  }

  /** The phase the cluster itself shows: Running once the JobManager is available. */
  private static Phase runtimePhase(PlanInput in, FlinkResilientJobStatus previous) {
    var jm = in.cluster().jobManager();
    if (jm.isPresent()) {
      return jm.get().readyReplicas() > 0 ? Phase.RUNNING : Phase.DEPLOYING;
    }
    return previous.getPhase() == Phase.SUSPENDED ? Phase.SUSPENDED : Phase.PENDING;
  }

  static void recordDeployment(
      FlinkResilientJobStatus next, PlanInput in, Deploy deploy, Instant now) {
    DeploymentRecord record = new DeploymentRecord();
    record.setGeneration(in.desired().generation());
    record.setSpecHash(in.desired().specHash());
    record.setSerial(deploy.serial());
    record.setJobId(deploy.jobId());
    record.setRestorePath(deploy.restoreFrom().path());
    record.setDeployedAt(now.toString());
    record.setRestartNonce(in.desired().spec().getRestartNonce());
    record.setInitialSavepointPath(in.desired().spec().getJob().getInitialSavepointPath());
    next.setDeployment(record);
    if (next.getLastSavepointNonce() == null) {
      // The nonce a job is created with takes no savepoint; only a change of it does.
      next.setLastSavepointNonce(in.desired().spec().getJob().getSavepointNonce());
    }
    // What Flink said of the previous deployment does not describe the new one.
    next.setJobState(null);
    next.setFlinkRestarts(null);
    next.setObservation(null);
    if (deploy.restoreFrom().startsRecordAfresh()) {
      next.setLatestCheckpoint(null);
      next.setLatestSavepoint(null);
    }
    if (deploy.restoreFrom().isFinalSavepoint()) {
      // Every recorded checkpoint is older than the job's final savepoint: left as the floor, one
      // would win over it should the new job fail before its first checkpoint.
      next.setLatestCheckpoint(null);
    }
    // Used now (it becomes restoredFrom), or passed over by a user's choice: either way spent.
    next.setFinalSavepoint(null);
    next.setJobId(deploy.jobId());
    next.setDeployedSpec(Redaction.redacted(in.desired().spec()));
    next.setOperation(null);
    if (deploy.restoreFrom().isNone()) {
      next.setRestoredFrom(null);
    } else {
      CheckpointRef ref = new CheckpointRef();
      ref.setId(deploy.restoreFrom().checkpointId());
      ref.setPath(deploy.restoreFrom().path());
      ref.setSource(deploy.restoreFrom().source());
      next.setRestoredFrom(ref);
    }
  }

  /**
   * After a crash between creating a cluster and recording it, the cluster's stamp is the truth.
   */
  private static void syncDeployment(FlinkResilientJobStatus next, JobManagerDeployment jm) {
    DeploymentRecord record = next.getDeployment();
    if (record != null && Objects.equals(record.getSpecHash(), jm.specHash())) {
      return;
    }
    DeploymentRecord fromCluster = new DeploymentRecord();
    fromCluster.setSerial(jm.serial());
    fromCluster.setSpecHash(jm.specHash());
    fromCluster.setJobId(jm.jobId());
    next.setDeployment(fromCluster);
    next.setJobId(jm.jobId());
  }

  private static boolean isSuspend(Operation op) {
    return op != null && op.getType() == OperationType.SUSPEND;
  }

  private static String keepsRunning(PlanInput in) {
    return in.cluster().jobManager().isPresent()
        ? "; the running cluster keeps its last valid spec"
        : "";
  }

  static String deployMessage(String name, Deploy deploy) {
    RestorePoint point = deploy.restoreFrom();
    String from =
        point.isNone()
            ? "empty state"
            : point.path()
                + (point.checkpointId() == null ? "" : " (id " + point.checkpointId() + ")")
                + ", from "
                + point.source();
    return "Deploying cluster "
        + name
        + " ("
        + deploy.reason().name().toLowerCase()
        + ", job "
        + deploy.jobId()
        + ", restoring from "
        + from
        + ")"
        + (deploy.caveat() == null ? "" : "; " + deploy.caveat());
  }

  private static String taken(NameTaken taken) {
    boolean one = taken.objects().size() == 1;
    return String.join(", ", taken.objects())
        + (one ? " exists and is" : " exist and are")
        + " not owned by this FlinkResilientJob: delete or rename "
        + (one ? "it" : "them")
        + ", or rename the job";
  }

  private static String steadyMessage(
      Phase phase, String jobState, FlinkResilientJobStatus status) {
    return switch (phase) {
      case RUNNING -> "JobManager available" + (jobState == null ? "" : ", job " + jobState);
      case DEPLOYING -> "Waiting for the JobManager to become available";
      case SUSPENDED -> suspendedMessage(status);
      default -> "No cluster";
    };
  }

  /**
   * Where a resume will start. Not "checkpoints kept": after a stop with a savepoint Flink deletes
   * the job's checkpoints, and the savepoint is what is left.
   */
  static String suspendedMessage(FlinkResilientJobStatus status) {
    CheckpointRef savepoint = status.getFinalSavepoint();
    if (savepoint != null && savepoint.getPath() != null && !savepoint.getPath().isBlank()) {
      return "Suspended; resumes from the savepoint it was stopped with, " + savepoint.getPath();
    }
    return "Suspended; resumes from the newest checkpoint in storage";
  }
}
