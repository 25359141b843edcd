package dev.flinkresilience.operator.model;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;

/**
 * Standby JobManagers on other nodes than each other. A standby exists to take over when the
 * leader's node dies; on the same node it dies with it. Flink's factory spreads nothing, so with
 * {@code jobManager.replicas} above 1 the JobManager Deployment's pods prefer nodes that hold none
 * of them. Preferred, not required: a cluster with fewer nodes than JobManagers still runs them
 * all. A pod template with an anti-affinity of its own is left as the user wrote it.
 */
public final class StandbySpread {
  private StandbySpread() {}

  /** {@code deployment} with its pods spread over nodes, or as is (one replica, user's own). */
  public static Deployment apart(Deployment deployment) {
    Integer replicas = deployment.getSpec().getReplicas();
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    boolean own = pod.getAffinity() != null && pod.getAffinity().getPodAntiAffinity() != null;
    if (replicas == null || replicas < 2 || own || deployment.getSpec().getSelector() == null) {
      return deployment;
    }
    LabelSelector jobManagers =
        new LabelSelector(null, deployment.getSpec().getSelector().getMatchLabels());
    PodAffinityTerm otherNode = new PodAffinityTerm();
    otherNode.setLabelSelector(jobManagers);
    otherNode.setTopologyKey(NodeAvoidance.HOSTNAME);
    PodAntiAffinity apart = new PodAntiAffinity();
    apart.setPreferredDuringSchedulingIgnoredDuringExecution(
        List.of(new WeightedPodAffinityTerm(otherNode, 100)));
    return new DeploymentBuilder(deployment)
        .editSpec()
        .editTemplate()
        .editSpec()
        .editOrNewAffinity()
        .withPodAntiAffinity(apart)
        .endAffinity()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
