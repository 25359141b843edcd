package dev.flinkresilience.operator.decide;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The job's cluster as the informer caches show it.
 *
 * @param jobManager the JobManager Deployment, when it exists
 * @param podsRemaining pods of the job (JobManager and TaskManagers) that still exist
 * @param pods those pods, as detection sees them
 * @param nodes the nodes hosting them, by name (absent when the node informer knows nothing)
 */
public record ObservedCluster(
    Optional<JobManagerDeployment> jobManager,
    int podsRemaining,
    List<PodView> pods,
    Map<String, NodeView> nodes) {

  public ObservedCluster {
    pods = List.copyOf(pods);
    nodes = Map.copyOf(nodes);
  }

  /** A cluster seen without pod or node details (the lifecycle alone needs none). */
  public ObservedCluster(Optional<JobManagerDeployment> jobManager, int podsRemaining) {
    this(jobManager, podsRemaining, List.of(), Map.of());
  }

  public static ObservedCluster none() {
    return new ObservedCluster(Optional.empty(), 0);
  }

  /**
   * The JobManager Deployment with the stamp of the deployment that made it ({@code
   * recoveryAttempt} is null unless a recovery made it).
   */
  public record JobManagerDeployment(
      String specHash,
      Long serial,
      String jobId,
      int readyReplicas,
      boolean terminating,
      String recoveryAttempt) {

    public JobManagerDeployment(
        String specHash, Long serial, String jobId, int readyReplicas, boolean terminating) {
      this(specHash, serial, jobId, readyReplicas, terminating, null);
    }
  }
}
