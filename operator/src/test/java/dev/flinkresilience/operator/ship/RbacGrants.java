package dev.flinkresilience.operator.ship;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the chart grants to the operator's service account, resolved the way the API server does: a
 * ClusterRoleBinding grants its ClusterRole cluster-wide, a RoleBinding grants its Role in the
 * binding's namespace.
 */
public final class RbacGrants {
  private final Set<Grant> grants;

  private RbacGrants(Set<Grant> grants) {
    this.grants = grants;
  }

  public static RbacGrants of(RenderedChart chart, String serviceAccount, String saNamespace) {
    Map<String, JsonNode> clusterRoles = byKey(chart.ofKind("ClusterRole"), o -> name(o));
    Map<String, JsonNode> roles = byKey(chart.ofKind("Role"), o -> namespace(o) + "/" + name(o));
    Set<Grant> out = new TreeSet<>(java.util.Comparator.comparing(Grant::toString));
    for (JsonNode b : chart.ofKind("ClusterRoleBinding")) {
      if (bindsTo(b, serviceAccount, saNamespace)) {
        addRules(out, clusterRoles.get(b.path("roleRef").path("name").asText()), Grant.CLUSTER);
      }
    }
    for (JsonNode b : chart.ofKind("RoleBinding")) {
      if (bindsTo(b, serviceAccount, saNamespace)) {
        String ref = b.path("roleRef").path("name").asText();
        JsonNode role =
            b.path("roleRef").path("kind").asText().equals("ClusterRole")
                ? clusterRoles.get(ref)
                : roles.get(namespace(b) + "/" + ref);
        addRules(out, role, namespace(b));
      }
    }
    return new RbacGrants(out);
  }

  public Set<Grant> all() {
    return grants;
  }

  public boolean allows(Grant wanted) {
    return grants.contains(wanted)
        || grants.contains(
            new Grant(Grant.CLUSTER, wanted.group(), wanted.resource(), wanted.verb()));
  }

  private static void addRules(Set<Grant> out, JsonNode role, String namespace) {
    if (role == null) {
      throw new AssertionError("a binding refers to a role the chart does not render");
    }
    for (JsonNode rule : role.path("rules")) {
      for (String group : strings(rule.path("apiGroups"))) {
        for (String resource : strings(rule.path("resources"))) {
          for (String verb : strings(rule.path("verbs"))) {
            if (group.equals("*") || resource.equals("*") || verb.equals("*")) {
              throw new AssertionError("wildcard in " + name(role) + ": " + rule);
            }
            out.add(new Grant(namespace, group, resource, verb));
          }
        }
      }
      if (rule.has("resourceNames") || rule.has("nonResourceURLs")) {
        throw new AssertionError("unreviewed rule shape in " + name(role) + ": " + rule);
      }
    }
  }

  private static boolean bindsTo(JsonNode binding, String sa, String saNamespace) {
    for (JsonNode s : binding.path("subjects")) {
      if (s.path("kind").asText().equals("ServiceAccount")
          && s.path("name").asText().equals(sa)
          && s.path("namespace").asText().equals(saNamespace)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static Map<String, JsonNode> byKey(List<JsonNode> objects, Function<JsonNode, String> k) {
    return objects.stream().collect(Collectors.toMap(k, o -> o, (a, b) -> a, HashMap::new));
  }

  private static String name(JsonNode o) {
    return o.path("metadata").path("name").asText();
  }

  private static String namespace(JsonNode o) {
    return o.path("metadata").path("namespace").asText();
  }
}
