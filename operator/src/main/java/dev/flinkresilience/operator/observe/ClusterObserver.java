package dev.flinkresilience.operator.observe;

import dev.flinkresilience.operator.decide.ObservedCluster;
import dev.flinkresilience.operator.decide.ObservedCluster.JobManagerDeployment;
import dev.flinkresilience.operator.model.ClusterModel;
import dev.flinkresilience.operator.model.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a job's cluster from the informer caches (the Deployment and Pod informers are
 * label-selected to the operator's objects): never a list call against the API server.
 */
public final class ClusterObserver {
  private ClusterObserver() {}

  public static ObservedCluster observe(
      String clusterId, Collection<Deployment> deployments, Collection<Pod> pods) {
    String jmName = ClusterModel.jobManagerDeploymentName(clusterId);
    Optional<JobManagerDeployment> jm =
        deployments.stream()
            .filter(d -> jmName.equals(d.getMetadata().getName()))
            .findFirst()
            .map(ClusterObserver::toJobManager);
    return new ObservedCluster(jm, pods.size());
  }

  private static JobManagerDeployment toJobManager(Deployment d) {
    Map<String, String> a = d.getMetadata().getAnnotations();
    a = a == null ? Map.of() : a;
    Integer ready = d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
    return new JobManagerDeployment(
        a.get(Labels.SPEC_HASH),
        parseLong(a.get(Labels.SERIAL)),
        a.get(Labels.JOB_ID),
        ready == null ? 0 : ready,
        d.getMetadata().getDeletionTimestamp() != null,
        a.get(Labels.RECOVERY_ATTEMPT));
  }

  private static Long parseLong(String s) {
    try {
      return s == null ? null : Long.valueOf(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
