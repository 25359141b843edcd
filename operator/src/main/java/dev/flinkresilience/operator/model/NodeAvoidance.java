package dev.flinkresilience.operator.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
