package dev.flinkresilience.operator.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.List;

/**
 * The service account a job's JobManager runs as when {@code spec.serviceAccount} is empty, with
 * just the rights a native JobManager uses: it creates, watches and deletes its TaskManager pods,
 * reads its own Deployment (the owner of those pods) and services, and with Kubernetes HA keeps
 * leader election and checkpoint pointers in ConfigMaps (and Leases, where Flink uses them).
 */
public final class FlinkRbac {
  private FlinkRbac() {}

  public static String serviceAccountName(String jobName) {
    return jobName + "-flink";
  }

  public static List<HasMetadata> objects(String namespace, String jobName) {
    String name = serviceAccountName(jobName);
    var labels = Labels.of(jobName);
    var sa =
        new ServiceAccountBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(labels)
            .endMetadata()
            .build();
    var role =
        new RoleBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(labels)
            .endMetadata()
            .withRules(
                rule("", "pods", "get", "list", "watch", "create", "delete"),
                rule(
                    "",
                    "configmaps",
                    "get",
                    "list",
                    "watch",
                    "create",
                    "update",
                    "patch",
                    "delete"),
                rule("", "services", "get"),
                rule("apps", "deployments", "get"),
                rule("coordination.k8s.io", "leases", "get", "list", "watch", "create", "update"))
            .build();
    var binding =
        new RoleBindingBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(labels)
            .endMetadata()
            .withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
            .addNewSubject()
            .withKind("ServiceAccount")
            .withName(name)
            .withNamespace(namespace)
            .endSubject()
            .build();
    return List.of(sa, role, binding);
  }

  private static PolicyRule rule(String group, String resource, String... verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(group)
        .withResources(resource)
        .withVerbs(verbs)
        .build();
  }
}
