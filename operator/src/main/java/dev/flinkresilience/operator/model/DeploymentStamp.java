package dev.flinkresilience.operator.model;

/**
 * Identifies one deployment of a job: the spec generation and hash it was made from, the operator's
 * deployment serial and the fixed Flink job id derived from it. Stamped on the JobManager
 * Deployment and recorded in status. A redeploy keeps the serial and job id, so it is told apart by
 * its recovery attempt: after a crash, the operator sees whether its redeploy already happened.
 */
public record DeploymentStamp(
    long generation, String specHash, long serial, String jobId, String recoveryAttempt) {

  /**
   * The name of this deployment's job and application result stores, where Flink records the jobs
   * and applications that reached a terminal state. A JobManager recovering within the deployment
   * must find them (so it does not run a finished job again); a deployment the operator makes must
   * not. Flink 2.3 fails to start its dispatcher when the store holds a result not yet cleaned up
   * of another application (what a stop-with-savepoint leaves when the cluster is torn down before
   * Flink's cleanup ends; LifecycleScenariosTest found it), and a job whose own result is there is
   * not run again (what a redeploy after FAILED would meet). So: the job id, plus the recovery
   * attempt for a redeploy, which keeps the job id.
   */
  public String resultStore() {
    return recoveryAttempt == null
        ? jobId
        : jobId + "-recovery-" + recoveryAttempt.replaceAll("[^0-9a-zA-Z]", "-");
  }

  /** A deployment not made by a recovery. */
  public DeploymentStamp(long generation, String specHash, long serial, String jobId) {
    this(generation, specHash, serial, jobId, null);
  }
}
