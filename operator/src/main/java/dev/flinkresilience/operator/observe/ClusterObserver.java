package dev.flinkresilience.operator.observe;

import dev.flinkresilience.operator.decide.NodeSight;
import dev.flinkresilience.operator.decide.NodeView;
import dev.flinkresilience.operator.decide.ObservedCluster;
import dev.flinkresilience.operator.decide.ObservedCluster.JobManagerDeployment;
import dev.flinkresilience.operator.decide.PodView;
import dev.flinkresilience.operator.model.ClusterModel;
import dev.flinkresilience.operator.model.Labels;
import dev.flinkresilience.operator.model.NodeAvoidance;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads a job's cluster from the informer caches (the Deployment and Pod informers are
 * label-selected to the operator's objects): never a list call against the API server.
 */
public final class ClusterObserver {
  private ClusterObserver() {}

  /** The cluster without node details (no node informer consulted). */
  public static ObservedCluster observe(
      String clusterId, Collection<Deployment> deployments, Collection<Pod> pods) {
    return observe(clusterId, deployments, pods, Map.of());
  }

  /**
   * @param nodes what the node informers know of the nodes hosting {@code pods} (see {@link
   *     #nodesHosting}); nodes they know nothing of are simply absent
   */
  public static ObservedCluster observe(
      String clusterId,
      Collection<Deployment> deployments,
      Collection<Pod> pods,
      Map<String, NodeView> nodes) {
    return observe(clusterId, deployments, pods, nodes, NodeSight.CLEAR);
  }

  /** With the node watch's judgement of how far {@code nodes} can be trusted. */
  public static ObservedCluster observe(
      String clusterId,
      Collection<Deployment> deployments,
      Collection<Pod> pods,
      Map<String, NodeView> nodes,
      NodeSight sight) {
    String jmName = ClusterModel.jobManagerDeploymentName(clusterId);
    Optional<JobManagerDeployment> jm =
        deployments.stream()
            .filter(d -> jmName.equals(d.getMetadata().getName()))
            .findFirst()
            .map(ClusterObserver::toJobManager);
    // Sorted by name so two passes over the same cache build equal inputs.
    List<PodView> views =
        pods.stream()
            .map(PodViews::of)
            .sorted(Comparator.comparing(PodView::name))
            .collect(Collectors.toList());
    return new ObservedCluster(jm, pods.size(), views, nodes, sight);
  }

  /** The nodes the pods are bound to: what the node watch should track for this job. */
  public static Set<String> nodesHosting(Collection<Pod> pods) {
    return pods.stream()
        .map(p -> p.getSpec() == null ? null : p.getSpec().getNodeName())
        .filter(Objects::nonNull)
        .collect(Collectors.toCollection(TreeSet::new));
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
        a.get(Labels.RECOVERY_ATTEMPT),
        NodeAvoidance.avoidedNodes(d),
        d.getStatus() == null
            || d.getStatus().getObservedGeneration() == null
            || d.getMetadata().getGeneration() == null
            || d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration());
  }

  private static Long parseLong(String s) {
    try {
      return s == null ? null : Long.valueOf(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
