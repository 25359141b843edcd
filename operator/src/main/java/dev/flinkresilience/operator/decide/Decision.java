package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.OperationType;
import dev.flinkresilience.operator.api.v1alpha1.SavepointReason;
import java.util.List;

/** What the reconciler does next. One decision per pass; the next pass observes its effect. */
public sealed interface Decision {

  /** Nothing to change. */
  record Steady() implements Decision {}

  /** The spec is invalid: report it and leave the running cluster exactly as it is. */
  record RejectSpec(List<String> violations) implements Decision {}

  /** Record the intent of a destructive operation in status; nothing is deleted in this pass. */
  record BeginOperation(OperationType type, String reason) implements Decision {}

  /**
   * The intent is recorded: delete the cluster's objects.
   *
   * @param fallback why no savepoint is taken although {@code upgradeMode} is savepoint (reported
   *     as a Warning and recorded in the operation), null when none or already recorded
   */
  record DeleteCluster(OperationType type, String fallback) implements Decision {
    public DeleteCluster(OperationType type) {
      this(type, null);
    }
  }

  /**
   * Stop the job with a savepoint: record {@code triggerId} in the operation. Nothing is sent in
   * this pass, so the id is in status before Flink ever sees it (DESIGN.md §5.5).
   */
  record RecordSavepointTrigger(OperationType type, String triggerId) implements Decision {}

  /**
   * The stop's trigger id is recorded: send it (again, after a restart: Flink takes one savepoint
   * per trigger id) and follow it until it completes, fails or times out.
   */
  record AwaitSavepoint(OperationType type, String jobId, String triggerId, String targetDirectory)
      implements Decision {}

  /** The stop's savepoint completed: record it; the cluster is deleted in the next pass. */
  record SavepointTaken(OperationType type, String path) implements Decision {}

  /**
   * The cluster is being deleted; its pods must be gone before anything new starts.
   *
   * @param stuck pods that nothing will remove (terminating on a node not seen alive, or long past
   *     their deletion) and why they are not released, null when none
   */
  record AwaitTeardown(int podsRemaining, String stuck) implements Decision {
    public AwaitTeardown(int podsRemaining) {
      this(podsRemaining, null);
    }
  }

  /**
   * The suspend is done: the cluster is gone and the job is to stay suspended. {@code
   * newestInStorage} is the newest completed checkpoint found in the storage after the teardown
   * (null when none or unreadable): it is recorded, so a resume never restores an older one
   * silently if it is deleted meanwhile.
   */
  record FinishSuspend(FlinkCheckpoint newestInStorage) implements Decision {
    public FinishSuspend() {
      this(null);
    }
  }

  /**
   * Deploy a new cluster. {@code caveat}: what could not be checked about the restore point (the
   * checkpoint storage unreadable), null when nothing.
   */
  record Deploy(
      DeployReason reason, long serial, String jobId, RestorePoint restoreFrom, String caveat)
      implements Decision {
    public Deploy(DeployReason reason, long serial, String jobId, RestorePoint restoreFrom) {
      this(reason, serial, jobId, restoreFrom, null);
    }
  }

  /**
   * A cluster is to be deployed, but its restore point is chosen only once the checkpoint storage
   * was read ({@code query}), now that the old cluster is gone. Nothing is deployed in this pass.
   */
  record ReadCheckpointStorage(DeployReason reason, StorageQuery query) implements Decision {}

  /**
   * A cluster must be deployed, but no restore point is safe (none addressable at or above the
   * recorded id, too old, or its metadata gone): nothing is deployed until a human decides.
   */
  record RefuseRestore(DeployReason reason, String why) implements Decision {}

  /**
   * Not planned but observed while acting: a {@link Deploy} found some of the cluster's names held
   * by objects this job does not own ({@code objects}, each as {@code Kind namespace/name
   * (owner)}), left them as they were and applied no JobManager. It is tried again later; deploying
   * proceeds once the names are free.
   */
  record NameTaken(DeployReason reason, List<String> objects) implements Decision {}

  /**
   * Not planned but observed while acting: the API server refused one of the cluster's objects
   * during a {@link Deploy} ({@code object} as {@code Kind namespace/name}, the HTTP {@code code}
   * and the server's {@code answer}: a quota, a full Service range, an admission webhook). Reported
   * on the job and tried again with back-off; the Deploy is idempotent.
   */
  record ObjectRefused(DeployReason reason, String object, int code, String answer)
      implements Decision {}

  /**
   * Savepoints taken while the job keeps running ({@code job.savepointNonce}, {@code
   * job.savepointInterval}) and their retention ({@code job.savepointHistory}). Planned only when
   * there is nothing else to do (the current spec runs, no operation, no incident), and reported as
   * {@link Steady} is, with the savepoint's own status and events.
   */
  sealed interface Housekeeping extends Decision {}

  /**
   * Take a savepoint of the running job: record {@code triggerId} in {@code status.savepoints} as
   * in progress (and, for a Manual one, {@code nonce} as handled). Nothing is sent in this pass, so
   * an operator that restarts follows this savepoint instead of taking a second one.
   */
  record TriggerSavepoint(SavepointReason reason, String jobId, String triggerId, Long nonce)
      implements Housekeeping {}

  /**
   * A savepoint recorded as in progress: send it (again after a restart: Flink takes one savepoint
   * per trigger id) and follow it until it completes, fails or times out.
   */
  record FollowSavepoint(
      SavepointReason reason, String jobId, String triggerId, String targetDirectory)
      implements Housekeeping {}

  /**
   * A savepoint of the running job ended: record where it was written ({@code path}), or why it
   * failed ({@code failure}, null when it completed).
   */
  record SavepointEnded(String triggerId, String path, String failure) implements Housekeeping {}

  /**
   * Retention: dispose the savepoints at {@code send} through Flink, and record the disposals that
   * ended ({@code ended}): a disposed savepoint leaves {@code status.savepoints}, a failed disposal
   * is reported and tried again later.
   */
  record DisposeSavepoints(List<String> send, List<Disposal> ended) implements Housekeeping {
    /** The disposal of the savepoint at {@code path}; {@code failure} null when it is gone. */
    public record Disposal(String path, String failure) {}
  }

  /** Recovery: record a detected failure as the incident in progress; nothing destructive yet. */
  record OpenIncident(Signal signal, RecoveryAction action) implements Decision {
    /**
     * Whether this opening may be written with the next pass's step instead of on its own (the
     * reconciler runs that pass at once): a lost node's incident that Flink is to recover (Verify).
     * Its next step is a taint of the node, the Deployment kept off it, or the release of its pods,
     * each of which a crash makes the next operator repeat, not take twice: the node is still
     * judged lost and the job's pods there still there, or they are gone and the replacement cannot
     * land on the node. What a crash between that step and the write loses is the incident's
     * record, not a decision: the job is Flink's to recover as it would be without the operator,
     * and its other signals (stuck, unreachable, failed) stand ({@code LostNodeCrashTest}). An
     * incident to be redeployed is written first: its teardown and its budget depend on it.
     */
    public boolean writtenWithNextStep() {
      return signal != null
          && signal.reason() == Signal.Reason.NODE_LOST
          && action == RecoveryAction.VERIFY;
    }
  }

  /**
   * Recovery: force-delete (grace 0) the job's pods on a lost node so they can be replaced, or pods
   * stuck terminating that nothing else will remove.
   *
   * @param why why these pods, null for pods on a lost node
   * @param handOverFrom the released JobManager pod whose Flink leadership (Kubernetes HA) is to be
   *     handed over, null for none
   * @param jobManagerLater the first of the two steps for a lost node's JobManager: its Deployment
   *     is kept off the node now, its pod there released by a later pass ({@code pods} holds only
   *     the others)
   */
  record ReleasePods(
      String node,
      List<String> pods,
      boolean jobManager,
      String why,
      String handOverFrom,
      boolean jobManagerLater,
      boolean nodeTainted)
      implements Decision {
    public ReleasePods(
        String node,
        List<String> pods,
        boolean jobManager,
        String why,
        String handOverFrom,
        boolean jobManagerLater) {
      this(node, pods, jobManager, why, handOverFrom, jobManagerLater, false);
    }

    public ReleasePods(
        String node, List<String> pods, boolean jobManager, String why, String handOverFrom) {
      this(node, pods, jobManager, why, handOverFrom, false);
    }

    /**
     * The node carries the operator's taint ({@link NodeView#LOST_TAINT}): Kubernetes places no
     * replacement there, so the JobManager Deployment is left as it is (keeping it off would roll
     * it).
     */
    public boolean keepsJobManagerOff() {
      return jobManager && !nodeTainted;
    }

    public ReleasePods(String node, List<String> pods, boolean jobManager, String why) {
      this(node, pods, jobManager, why, null);
    }

    public ReleasePods(String node, List<String> pods, boolean jobManager) {
      this(node, pods, jobManager, null, null);
    }

    /** The first step: the JobManager Deployment kept off the node, the other pods released. */
    public static ReleasePods keepingOffFirst(String node, List<String> others, String why) {
      return new ReleasePods(node, others, true, why, null, true);
    }
  }

  /**
   * Recovery: taint the lost node ({@link NodeView#LOST_TAINT}, NoSchedule) before its pods are
   * released, so that their replacements land elsewhere and the JobManager Deployment need not be
   * rolled to keep off it (each job's pass that finds the taint in place releases at once).
   */
  record TaintLostNode(String node) implements Decision {}

  /**
   * Recovery: the incident's cause vanished before anything was destroyed (the node's Lease renews
   * again): it closes without action, recorded as a false alarm.
   */
  record DismissIncident(String why) implements Decision {}

  /** Recovery: Flink is recovering by itself, or the redeployed cluster is starting; wait. */
  record AwaitRecovery(String why, boolean markRedeployed) implements Decision {}

  /** Recovery: waiting did not bring the job back; record a redeploy attempt (budget counted). */
  record Escalate(String why) implements Decision {}

  /** Recovery: delete the failed cluster; the redeploy intent is already in status. */
  record TearDownForRecovery() implements Decision {}

  /** Recovery: the job is RUNNING again; the incident goes to history. */
  record CloseIncident(String how) implements Decision {}

  /**
   * Recovery: a redeploy is needed but the budget is spent: phase Failed, no automatic redeploys
   * until the spec or restartNonce changes.
   */
  record GiveUp(Signal signal, String why) implements Decision {}

  /** What the operator does about an incident. */
  enum RecoveryAction {
    /** Flink recovers by itself (HA, TaskManager replacement); the operator checks it does. */
    VERIFY("Verify"),
    /** Flink cannot: the operator redeploys from the latest checkpoint. */
    REDEPLOY("Redeploy");

    private final String value;

    RecoveryAction(String value) {
      this.value = value;
    }

    public String value() {
      return value;
    }

    public static RecoveryAction of(String value) {
      return REDEPLOY.value.equals(value) ? REDEPLOY : VERIFY;
    }
  }

  /** Why a cluster is deployed. */
  enum DeployReason {
    /** First deployment of this resource. */
    INITIAL,
    /** The spec changed; the old cluster was torn down. */
    UPGRADE,
    /** job.state went back to running. */
    RESUME,
    /** The JobManager Deployment vanished without an operation of ours. */
    RECREATE,
    /** An incident's redeploy: same serial and job id, from the latest checkpoint. */
    RECOVERY
  }
}
