package dev.flinkresilience.local.controlplane;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a pod may be bound to a node, and if not why, in the scheduler's words: the node is Ready
 * and not cordoned, the pod tolerates its NoSchedule and NoExecute taints, and the node's labels
 * (and name) satisfy the pod's {@code nodeSelector} and required node affinity. Resources, ports
 * and pod (anti-)affinity are not considered.
 */
final class NodeFit {
  static final String NOT_READY = "node(s) were not ready";
  static final String CORDONED = "node(s) were unschedulable";
  static final String AFFINITY = "node(s) didn't match Pod's node affinity/selector";

  /** What a cordoned node's pods must tolerate (the taint the node controller would add). */
  private static final Taint CORDON_TAINT =
      new TaintBuilder()
          .withKey("node.kubernetes.io/unschedulable")
          .withEffect("NoSchedule")
          .build();

  private NodeFit() {}

  /** Empty when {@code pod} fits {@code node}; else the reason it does not. */
  static Optional<String> misfit(Pod pod, Node node) {
    if (!ready(node)) {
      return Optional.of(NOT_READY);
    }
    List<Toleration> tolerations = list(pod.getSpec().getTolerations());
    if (Boolean.TRUE.equals(node.getSpec() == null ? null : node.getSpec().getUnschedulable())
        && !tolerated(CORDON_TAINT, tolerations)) {
      return Optional.of(CORDONED);
    }
    for (Taint taint : list(node.getSpec() == null ? null : node.getSpec().getTaints())) {
      boolean repels =
          "NoSchedule".equals(taint.getEffect()) || "NoExecute".equals(taint.getEffect());
      if (repels && !tolerated(taint, tolerations)) {
        return Optional.of(
            "node(s) had untolerated taint {"
                + taint.getKey()
                + (taint.getValue() == null ? "" : ": " + taint.getValue())
                + "}");
      }
    }
    if (!selected(pod, node)) {
      return Optional.of(AFFINITY);
    }
    return Optional.empty();
  }

  /** Its (last, see {@link ApiObjects#condition}) Ready condition is True. */
  static boolean ready(Node node) {
    return node.getStatus() != null
        && ApiObjects.last(list(node.getStatus().getConditions()), c -> "Ready".equals(c.getType()))
            .map(c -> "True".equals(c.getStatus()))
            .orElse(false);
  }

  private static boolean tolerated(Taint taint, List<Toleration> tolerations) {
    return tolerations.stream().anyMatch(t -> tolerates(t, taint));
  }

  /** As Kubernetes' {@code Toleration.ToleratesTaint}. */
  private static boolean tolerates(Toleration t, Taint taint) {
    if (!empty(t.getEffect()) && !t.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (!empty(t.getKey()) && !t.getKey().equals(taint.getKey())) {
      return false;
    }
    if ("Exists".equals(t.getOperator())) {
      return true;
    }
    boolean equalOperator = empty(t.getOperator()) || "Equal".equals(t.getOperator());
    return equalOperator && nonNull(t.getValue()).equals(nonNull(taint.getValue()));
  }

  private static boolean selected(Pod pod, Node node) {
    Map<String, String> labels =
        node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    Map<String, String> selector = pod.getSpec().getNodeSelector();
    if (selector != null && !labels.entrySet().containsAll(selector.entrySet())) {
      return false;
    }
    NodeSelector required =
        pod.getSpec().getAffinity() == null || pod.getSpec().getAffinity().getNodeAffinity() == null
            ? null
            : pod.getSpec()
                .getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution();
    if (required == null) {
      return true;
    }
    Map<String, String> fields = Map.of("metadata.name", node.getMetadata().getName());
    // Terms are ORed; an empty list of terms, or an empty term, matches no node.
    return list(required.getNodeSelectorTerms()).stream()
        .anyMatch(term -> matches(term, labels, fields));
  }

  private static boolean matches(
      NodeSelectorTerm term, Map<String, String> labels, Map<String, String> fields) {
    List<NodeSelectorRequirement> expressions = list(term.getMatchExpressions());
    List<NodeSelectorRequirement> fieldExpressions = list(term.getMatchFields());
    if (expressions.isEmpty() && fieldExpressions.isEmpty()) {
      return false;
    }
    return expressions.stream().allMatch(r -> matches(r, labels))
        && fieldExpressions.stream().allMatch(r -> matches(r, fields));
  }

  private static boolean matches(NodeSelectorRequirement r, Map<String, String> labels) {
    String value = labels.get(r.getKey());
    List<String> values = list(r.getValues());
    return switch (nonNull(r.getOperator())) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      case "Gt" -> order(value, values).map(o -> o > 0).orElse(false);
      case "Lt" -> order(value, values).map(o -> o < 0).orElse(false);
      default -> false;
    };
  }

  /** The label value compared with the one value of a Gt/Lt requirement, if both are integers. */
  private static Optional<Integer> order(String value, List<String> values) {
    if (value == null || values.size() != 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.compare(Long.parseLong(value), Long.parseLong(values.get(0))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static boolean empty(String s) {
    return s == null || s.isEmpty();
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
