package dev.flinkresilience.operator.decide;

import dev.flinkresilience.operator.api.v1alpha1.OperationType;
import java.util.List;

/** What the reconciler does next. One decision per pass; the next pass observes its effect. */
public sealed interface Decision {

  /** Nothing to change. */
  record Steady() implements Decision {}

  /** The spec is invalid: report it and leave the running cluster exactly as it is. */
  record RejectSpec(List<String> violations) implements Decision {}

  /** Record the intent of a destructive operation in status; nothing is deleted in this pass. */
  record BeginOperation(OperationType type, String reason) implements Decision {}

  /** The intent is recorded: delete the cluster's objects. */
  record DeleteCluster(OperationType type) implements Decision {}

  /** The cluster is being deleted; its pods must be gone before anything new starts. */
  record AwaitTeardown(int podsRemaining) implements Decision {}

  /** The cluster is gone and the job is to stay suspended. */
  record FinishSuspend() implements Decision {}

  /** Deploy a new cluster. */
  record Deploy(DeployReason reason, long serial, String jobId, RestorePoint restoreFrom)
      implements Decision {}

  /**
   * A cluster must be deployed, but no restore point is safe (none addressable at or above the
   * recorded id, or too old): nothing is deployed until a human decides.
   */
  record RefuseRestore(DeployReason reason, String why) implements Decision {}

  /** Why a cluster is deployed. */
  enum DeployReason {
    /** First deployment of this resource. */
    INITIAL,
    /** The spec changed; the old cluster was torn down. */
    UPGRADE,
    /** job.state went back to running. */
    RESUME,
    /** The JobManager Deployment vanished without an operation of ours. */
    RECREATE
  }
}
