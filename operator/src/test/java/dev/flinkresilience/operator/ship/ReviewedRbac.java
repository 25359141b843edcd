package dev.flinkresilience.operator.ship;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.model.FlinkRbac;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rights the chart gives the operator (default values), each with the reason it exists. A
 * change to the chart's RBAC must change this table, so it shows up in review. The reasons are
 * checked: {@link Why#USED} rights must be used by the API-tier scenarios, {@link
 * Why#GRANTED_TO_FLINK} rights must appear in the Role the operator creates for a job's JobManager,
 * and the others are named for what they are for.
 */
public final class ReviewedRbac {
  public static final Comparator<Grant> ORDER = Comparator.comparing(Grant::toString);

  /** Why the operator holds a right. */
  public enum Why {
    /** The operator makes this call today; an API-tier scenario exercises it. */
    USED,
    /** Held only because the operator grants it to a job's JobManager (model/FlinkRbac). */
    GRANTED_TO_FLINK,
    /** Used on a path the API scenarios do not reach (a conflict, an informer not yet started). */
    USED_UNTESTED,
    /** For the detection and recovery engine (issue 4), being built: lost nodes, events. */
    PLANNED
  }

  private static final String ALL = Grant.CLUSTER;
  private static final Map<Grant, Why> TABLE = new LinkedHashMap<>();

  static {
    String frj = "flinkresilience.dev";
    String rbac = "rbac.authorization.k8s.io";
    String coordination = "coordination.k8s.io";
    // The custom resource: informer, finalizer (JSON patch), status (replaced whole).
    put(ALL, frj, "flinkresilientjobs", Why.USED, "list", "watch", "patch");
    // Re-read on a status conflict (PrimaryUpdateAndCacheUtils).
    put(ALL, frj, "flinkresilientjobs", Why.USED_UNTESTED, "get");
    put(ALL, frj, "flinkresilientjobs/status", Why.USED, "update");
    // ownerReferences with blockOwnerDeletion need it where OwnerReferencesPermissionEnforcement
    // is on (the mock API server does not check it).
    put(ALL, frj, "flinkresilientjobs/finalizers", Why.USED_UNTESTED, "update");
    // The JobManager Deployment; get + update when it already exists and the job owns it; get
    // before deleting it, to check the job owns it.
    put(ALL, "apps", "deployments", Why.USED, "list", "watch", "create", "delete");
    put(ALL, "apps", "deployments", Why.USED, "get", "update");
    // Pods: informer, teardown by label, force deletion (grace 0) of pods on a lost node; Flink's
    // JobManager needs delete too (model/FlinkRbac), and get and create for its TaskManagers.
    put(ALL, "", "pods", Why.USED, "list", "watch", "deletecollection", "delete");
    put(ALL, "", "pods", Why.GRANTED_TO_FLINK, "get", "create");
    // ConfigMaps: Flink's configuration (ours), Flink's HA store (Flink's; read by the engine).
    // Create, then on a conflict get and update only if the job owns it; teardown lists the
    // job's by label and deletes those it owns one by one (no deletecollection: it would take
    // someone else's ConfigMap that carries the job's label).
    put(ALL, "", "configmaps", Why.USED, "create", "get", "update", "list", "delete");
    put(ALL, "", "configmaps", Why.GRANTED_TO_FLINK, "watch", "patch");
    // Services: the same ownership rules as ConfigMaps; get is also granted to Flink.
    put(ALL, "", "services", Why.USED, "create", "get", "list", "delete");
    put(ALL, "", "services", Why.USED_UNTESTED, "update");
    // The job's own ServiceAccount, Role and RoleBinding (created, or read and updated if the job
    // owns them, on every deploy).
    put(ALL, "", "serviceaccounts", Why.USED, "create", "get", "update");
    put(ALL, rbac, "roles", Why.USED, "create", "get", "update");
    put(ALL, rbac, "rolebindings", Why.USED, "create", "get", "update");
    // Flink's Kubernetes HA leader election, granted to the JobManager.
    put(ALL, coordination, "leases", Why.GRANTED_TO_FLINK, "get", "list", "watch", "create");
    put(ALL, coordination, "leases", Why.GRANTED_TO_FLINK, "update");
    // Events: created today; patch to aggregate repeats, planned with the recovery engine.
    put(ALL, "", "events", Why.USED, "create");
    put(ALL, "", "events", Why.PLANNED, "patch");
    // Lost-node detection (DESIGN 5.1): the NodeWatch informers on Nodes and their heartbeat
    // Leases; read from the caches only, so no get.
    put(ALL, "", "nodes", Why.USED, "list", "watch");
    // The taint on a lost node before a JobManager is released from it, and its lifting: the
    // Node read, then a merge patch conditional on its resourceVersion (act/LostNodeTaints).
    put(ALL, "", "nodes", Why.USED, "get", "patch");
    put("kube-node-lease", coordination, "leases", Why.USED, "list", "watch");
  }

  private ReviewedRbac() {}

  private static void put(String ns, String group, String resource, Why why, String... verbs) {
    for (String verb : verbs) {
      if (TABLE.put(new Grant(ns, group, resource, verb), why) != null) {
        throw new IllegalStateException("listed twice: " + new Grant(ns, group, resource, verb));
      }
    }
  }

  public static Map<Grant, Why> table() {
    return TABLE;
  }

  /**
   * The chart grants exactly the table; every right used is in it; every {@code USED} right was
   * used; every {@code GRANTED_TO_FLINK} right is in FlinkRbac's Role, and FlinkRbac grants nothing
   * the operator does not hold.
   */
  public static void assertMatches(RbacGrants rendered, Set<Grant> used) {
    Set<Grant> reviewed = new TreeSet<>(ORDER);
    reviewed.addAll(TABLE.keySet());
    Set<Grant> granted = new TreeSet<>(ORDER);
    granted.addAll(rendered.all());
    assertThat(granted)
        .as("the chart's RBAC (default values) differs from the reviewed table")
        .containsExactlyElementsOf(reviewed);

    List<String> unusedButListedAsUsed = new ArrayList<>();
    TABLE.forEach(
        (g, why) -> {
          if (why == Why.USED && used.stream().noneMatch(u -> covers(g, u))) {
            unusedButListedAsUsed.add(g.toString());
          }
        });
    assertThat(unusedButListedAsUsed)
        .as("listed as USED but no scenario made the call: still needed?")
        .isEmpty();

    Set<Grant> flink = flinkJobRole();
    for (Grant g : flink) {
      assertThat(rendered.allows(g))
          .as("the operator cannot grant what it does not hold: " + g)
          .isTrue();
    }
    TABLE.forEach(
        (g, why) -> {
          if (why == Why.GRANTED_TO_FLINK) {
            assertThat(flink.stream().anyMatch(f -> covers(g, f)))
                .as(g + " is listed as granted to Flink, but FlinkRbac does not grant it")
                .isTrue();
          }
        });
  }

  /** The rights of the Role the operator gives a job's JobManager, in a sample namespace. */
  static Set<Grant> flinkJobRole() {
    Set<Grant> out = new TreeSet<>(ORDER);
    FlinkRbac.objects("streaming", "orders").stream()
        .filter(Role.class::isInstance)
        .map(Role.class::cast)
        .flatMap(r -> r.getRules().stream())
        .forEach(
            rule ->
                rule.getApiGroups()
                    .forEach(
                        group ->
                            rule.getResources()
                                .forEach(
                                    res ->
                                        rule.getVerbs()
                                            .forEach(
                                                v ->
                                                    out.add(
                                                        new Grant("streaming", group, res, v))))));
    return out;
  }

  private static boolean covers(Grant held, Grant wanted) {
    return (held.namespace().equals(Grant.CLUSTER) || held.namespace().equals(wanted.namespace()))
        && held.group().equals(wanted.group())
        && held.resource().equals(wanted.resource())
        && held.verb().equals(wanted.verb());
  }
}
