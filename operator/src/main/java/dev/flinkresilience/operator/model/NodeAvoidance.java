package dev.flinkresilience.operator.model;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps a deployment's pods off bad nodes: a required node anti-affinity on {@code
 * kubernetes.io/hostname} added to a pod template. Required node-affinity terms are alternatives
 * (ORed), so the expression goes into every term the user wrote, or into a new one.
 */
public final class NodeAvoidance {
  static final String HOSTNAME = "kubernetes.io/hostname";

  private NodeAvoidance() {}

  /** A copy of {@code template} (null for none) that avoids {@code nodes}; as is when empty. */
  public static Map<String, Object> avoid(Map<String, Object> template, List<String> nodes) {
    if (nodes.isEmpty()) {
      return template;
    }
    Map<String, Object> pod = copy(template);
    Map<String, Object> spec = child(pod, "spec");
    Map<String, Object> affinity = child(spec, "affinity");
    Map<String, Object> nodeAffinity = child(affinity, "nodeAffinity");
    Map<String, Object> required =
        child(nodeAffinity, "requiredDuringSchedulingIgnoredDuringExecution");
    List<Object> terms = list(required, "nodeSelectorTerms");
    if (terms.isEmpty()) {
      terms.add(new HashMap<String, Object>());
    }
    Map<String, Object> notThere =
        Map.of("key", HOSTNAME, "operator", "NotIn", "values", List.copyOf(nodes));
    for (int i = 0; i < terms.size(); i++) {
      @SuppressWarnings("unchecked")
      Map<String, Object> term = copy((Map<String, Object>) terms.get(i));
      list(term, "matchExpressions").add(notThere);
      terms.set(i, term);
    }
    return pod;
  }

  /**
   * Whether {@code deployment}'s pods may be scheduled on {@code node}; if so, a copy of it whose
   * pod template keeps them off it (as {@link #avoid}); empty when it already does. Changing the
   * template makes the Deployment replace its pod with one that avoids the node.
   *
   * <p>The copy also replaces its pods with the {@code Recreate} strategy: under the default
   * rolling update the old ReplicaSet keeps its one pod until the new one is Ready, so the lost
   * pod, force-deleted, was replaced by the old ReplicaSet too, anywhere; that JobManager ran the
   * job until the rollout finished and removed it, a second restart (the node-loss benchmark: 98 of
   * 340 jobs had a JobManagerLost incident right after their NodeLost one). With Recreate the old
   * ReplicaSet goes to zero first, and the one new pod comes from the template that avoids the
   * node.
   *
   * <p>Empty too for a Deployment of more than one replica (standby JobManagers): a template change
   * rolls every pod, the standby on a live node included, and that standby is the one about to take
   * over. The node-loss benchmark measured it: the rollout replaced both JobManagers and the job
   * was RUNNING again after 36.8 s instead of 20.4 s with no standby. A replacement that lands on
   * the lost node meanwhile only waits there (and is released as the node's pods are); the standby
   * leads.
   */
  public static Optional<Deployment> keepOff(Deployment deployment, String node) {
    Integer replicas = deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();
    if (replicas != null && replicas > 1) {
      return Optional.empty();
    }
    Deployment copy = new DeploymentBuilder(deployment).build();
    PodSpec spec = copy.getSpec().getTemplate().getSpec();
    Affinity affinity = spec.getAffinity() == null ? new Affinity() : spec.getAffinity();
    NodeAffinity nodeAffinity =
        affinity.getNodeAffinity() == null ? new NodeAffinity() : affinity.getNodeAffinity();
    NodeSelector required =
        nodeAffinity.getRequiredDuringSchedulingIgnoredDuringExecution() == null
            ? new NodeSelector(new ArrayList<>())
            : nodeAffinity.getRequiredDuringSchedulingIgnoredDuringExecution();
    List<NodeSelectorTerm> terms = new ArrayList<>(required.getNodeSelectorTerms());
    if (terms.isEmpty()) {
      terms.add(new NodeSelectorTerm(new ArrayList<>(), new ArrayList<>()));
    }
    boolean changed = false;
    for (NodeSelectorTerm term : terms) {
      List<NodeSelectorRequirement> expressions =
          term.getMatchExpressions() == null
              ? new ArrayList<>()
              : new ArrayList<>(term.getMatchExpressions());
      boolean excluded =
          expressions.stream()
              .anyMatch(
                  e ->
                      HOSTNAME.equals(e.getKey())
                          && "NotIn".equals(e.getOperator())
                          && e.getValues() != null
                          && e.getValues().contains(node));
      if (!excluded) {
        expressions.add(new NodeSelectorRequirement(HOSTNAME, "NotIn", List.of(node)));
        term.setMatchExpressions(expressions);
        changed = true;
      }
    }
    if (!changed) {
      return Optional.empty();
    }
    required.setNodeSelectorTerms(terms);
    nodeAffinity.setRequiredDuringSchedulingIgnoredDuringExecution(required);
    affinity.setNodeAffinity(nodeAffinity);
    spec.setAffinity(affinity);
    copy.getSpec().setStrategy(new DeploymentStrategy(null, "Recreate"));
    return Optional.of(copy);
  }

  /** The nodes every required term of the Deployment's pod template keeps its pods off. */
  public static java.util.Set<String> avoidedNodes(Deployment deployment) {
    var spec =
        deployment.getSpec() == null || deployment.getSpec().getTemplate() == null
            ? null
            : deployment.getSpec().getTemplate().getSpec();
    var required =
        spec == null || spec.getAffinity() == null || spec.getAffinity().getNodeAffinity() == null
            ? null
            : spec.getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution();
    if (required == null || required.getNodeSelectorTerms() == null) {
      return java.util.Set.of();
    }
    java.util.Set<String> avoided = null;
    for (NodeSelectorTerm term : required.getNodeSelectorTerms()) {
      java.util.Set<String> here = new java.util.HashSet<>();
      if (term.getMatchExpressions() != null) {
        for (NodeSelectorRequirement e : term.getMatchExpressions()) {
          if (HOSTNAME.equals(e.getKey())
              && "NotIn".equals(e.getOperator())
              && e.getValues() != null) {
            here.addAll(e.getValues());
          }
        }
      }
      if (avoided == null) {
        avoided = here;
      } else {
        avoided.retainAll(here);
      }
    }
    return avoided == null ? java.util.Set.of() : java.util.Set.copyOf(avoided);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> parent, String key) {
    Object existing = parent.get(key);
    Map<String, Object> child =
        existing instanceof Map ? copy((Map<String, Object>) existing) : new HashMap<>();
    parent.put(key, child);
    return child;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Map<String, Object> parent, String key) {
    Object existing = parent.get(key);
    List<Object> list =
        existing instanceof List ? new ArrayList<>((List<Object>) existing) : new ArrayList<>();
    parent.put(key, list);
    return list;
  }

  private static Map<String, Object> copy(Map<String, Object> m) {
    return m == null ? new HashMap<>() : new HashMap<>(m);
  }
}
