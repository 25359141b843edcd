package dev.flinkresilience.operator.decide;

import java.util.Optional;

/**
 * The job's cluster as the informer caches show it.
 *
 * @param jobManager the JobManager Deployment, when it exists
 * @param podsRemaining pods of the job (JobManager and TaskManagers) that still exist
 */
public record ObservedCluster(Optional<JobManagerDeployment> jobManager, int podsRemaining) {

  public static ObservedCluster none() {
    return new ObservedCluster(Optional.empty(), 0);
  }

  /** The JobManager Deployment with the stamp of the deployment that made it. */
  public record JobManagerDeployment(
      String specHash, Long serial, String jobId, int readyReplicas, boolean terminating) {}
}
