package dev.flinkresilience.operator.model;

/**
 * Identifies one deployment of a job: the spec generation and hash it was made from, the operator's
 * deployment serial and the fixed Flink job id derived from it. Stamped on the JobManager
 * Deployment and recorded in status. A redeploy keeps the serial and job id, so it is told apart by
 * its recovery attempt: after a crash, the operator sees whether its redeploy already happened.
 */
public record DeploymentStamp(
    long generation, String specHash, long serial, String jobId, String recoveryAttempt) {

  /** A deployment not made by a recovery. */
  public DeploymentStamp(long generation, String specHash, long serial, String jobId) {
    this(generation, specHash, serial, jobId, null);
  }
}
