package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.DeploymentRecord;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Operation;
import dev.flinkresilience.operator.api.v1alpha1.OperationType;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import dev.flinkresilience.operator.decide.Decision.AwaitTeardown;
import dev.flinkresilience.operator.decide.Decision.BeginOperation;
import dev.flinkresilience.operator.decide.Decision.Deploy;
import dev.flinkresilience.operator.decide.Decision.DeployReason;
import dev.flinkresilience.operator.decide.Decision.FinishSuspend;
import dev.flinkresilience.operator.decide.Decision.RefuseRestore;
import dev.flinkresilience.operator.decide.Decision.RejectSpec;
import dev.flinkresilience.operator.decide.Decision.Steady;
import dev.flinkresilience.operator.decide.ObservedCluster.JobManagerDeployment;
import java.util.Optional;

/** Deploy, upgrade, suspend and resume: the lifecycle drawn in package-info. */
public final class LifecyclePlanner {
  private LifecyclePlanner() {}

  public static Decision decide(PlanInput in) {
    if (in.desired() == null) {
      // Never touch a running cluster for a spec we cannot deploy: it keeps its last valid spec.
      return new RejectSpec(in.violations());
    }
    DesiredJob desired = in.desired();
    FlinkResilientJobStatus status = in.status();
    ObservedCluster cluster = in.cluster();
    Operation operation = status.getOperation();

    if (operation != null) {
      return continueOperation(operation, in);
    }
    if (!desired.running()) {
      return cluster.jobManager().isPresent() || cluster.podsRemaining() > 0
          ? new BeginOperation(OperationType.SUSPEND, "spec.job.state is suspended")
          : new Steady();
    }
    Optional<Decision> recovery = recovery(in);
    if (recovery.isPresent()) {
      return recovery.get();
    }
    if (cluster.jobManager().isEmpty()) {
      if (cluster.podsRemaining() > 0) {
        // Leftovers of an earlier cluster: a new JobManager must not meet old TaskManagers.
        return new AwaitTeardown(cluster.podsRemaining());
      }
      return deploy(firstOrAgain(status), desired, in);
    }
    JobManagerDeployment jm = cluster.jobManager().get();
    if (!desired.specHash().equals(jm.specHash())) {
      return new BeginOperation(OperationType.UPGRADE, upgradeReason(desired, status));
    }
    // Nothing else to do: the job runs its current spec. Savepoints on demand, on a schedule, and
    // their retention (SavepointSchedule).
    return SavepointSchedule.decide(in).orElse(new Steady());
  }

  /** A new restartNonce is named as such: its stop's savepoint is listed with that reason. */
  private static String upgradeReason(DesiredJob desired, FlinkResilientJobStatus status) {
    DeploymentRecord deployed = status.getDeployment();
    Long before = deployed == null ? null : deployed.getRestartNonce();
    long now = desired.spec().getRestartNonce();
    if (before != null && before != now) {
      return RESTART_NONCE_CHANGED + " to " + now + " (generation " + desired.generation() + ")";
    }
    return "spec changed (generation " + desired.generation() + ")";
  }

  /** How the reason of an upgrade for a new restartNonce begins. */
  public static final String RESTART_NONCE_CHANGED = "restartNonce changed";

  private static Decision continueOperation(Operation operation, PlanInput in) {
    DesiredJob desired = in.desired();
    ObservedCluster cluster = in.cluster();
    if (cluster.jobManager().isPresent()) {
      return cluster.jobManager().get().terminating()
          ? new AwaitTeardown(cluster.podsRemaining())
          : StopWithSavepoint.beforeTeardown(operation, in);
    }
    if (cluster.podsRemaining() > 0) {
      return new AwaitTeardown(cluster.podsRemaining());
    }
    if (!desired.running()) {
      return finishSuspend(in);
    }
    DeployReason reason =
        operation.getType() == OperationType.SUSPEND ? DeployReason.RESUME : DeployReason.UPGRADE;
    return deploy(reason, desired, in);
  }

  /**
   * The storage is read once the suspended cluster is gone, and its newest checkpoint recorded:
   * status may lag it (the poll missed the last checkpoints), and a checkpoint deleted by hand
   * while the job is suspended must be refused at resume, not silently replaced by an older one
   * (found by LifecycleScenariosTest without HA).
   */
  private static Decision finishSuspend(PlanInput in) {
    StorageQuery query =
        RestorePoints.storageQuery(
            new RestorePoints.Request(
                DeployReason.RESUME,
                in.desired().spec(),
                in.status(),
                in.ha(),
                in.storage(),
                in.now()));
    if (query.jobDirectory() == null) {
      return new FinishSuspend();
    }
    if (!in.storage().answers(query)) {
      return new Decision.ReadCheckpointStorage(DeployReason.RESUME, query);
    }
    return new FinishSuspend(
        in.storage().checkpoints().stream()
            .max(java.util.Comparator.comparingLong(FlinkCheckpoint::id))
            .orElse(null));
  }

  /**
   * Recovery applies to the deployment of the current spec. A spec changed during an incident wins:
   * the upgrade tears the cluster down and deploys from the latest checkpoint anyway.
   */
  private static Optional<Decision> recovery(PlanInput in) {
    FlinkResilientJobStatus status = in.status();
    DeploymentRecord deployed = status.getDeployment();
    boolean sameSpec = deployed != null && in.desired().specHash().equals(deployed.getSpecHash());
    boolean incident = status.getRecovery().getCurrent() != null;
    if (incident && !sameSpec) {
      return Optional.of(
          new BeginOperation(
              OperationType.UPGRADE,
              "spec changed during recovery (generation " + in.desired().generation() + ")"));
    }
    if (sameSpec && RecoveryPlanner.exhausted(in)) {
      return Optional.of(new Steady()); // phase Failed until the spec or restartNonce changes
    }
    if (incident
        || sameSpec && (in.cluster().jobManager().isPresent() || Signals.clusterVanished(in))) {
      return RecoveryPlanner.decide(in);
    }
    return Optional.empty();
  }

  private static DeployReason firstOrAgain(FlinkResilientJobStatus status) {
    if (status.getDeployment() == null) {
      return DeployReason.INITIAL;
    }
    return status.getPhase() == Phase.SUSPENDED ? DeployReason.RESUME : DeployReason.RECREATE;
  }

  static Decision deploy(DeployReason reason, DesiredJob desired, PlanInput in) {
    FlinkResilientJobStatus status = in.status();
    DeploymentRecord previous = status.getDeployment();
    long previousSerial =
        previous == null || previous.getSerial() == null ? 0 : previous.getSerial();
    RestoreChoice choice =
        RestorePoints.choose(
            new RestorePoints.Request(
                reason, desired.spec(), status, in.ha(), in.storage(), in.now()));
    if (choice instanceof RestoreChoice.Refused refused) {
      return new RefuseRestore(reason, refused.why());
    }
    if (choice instanceof RestoreChoice.ReadStorageFirst read) {
      return new Decision.ReadCheckpointStorage(reason, read.query());
    }
    RestoreChoice.From from = (RestoreChoice.From) choice;
    RestorePoint restore = from.point();
    // The same deployment made again keeps its serial and job id; a new spec gets new ones. The
    // serial is ours, not metadata.generation, which not every API server maintains alike.
    boolean again = reason == DeployReason.RECREATE || reason == DeployReason.RECOVERY;
    if (again && previous != null && previous.getJobId() != null) {
      return new Deploy(reason, previousSerial, previous.getJobId(), restore, from.caveat());
    }
    long serial = previousSerial + 1;
    return new Deploy(reason, serial, JobIds.of(desired.uid(), serial), restore, from.caveat());
  }
}
