package dev.flinkresilience.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flinkresilience.local.controlplane.ControlPlane;
import dev.flinkresilience.local.controlplane.RealControlPlane;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.validate.PodSecurityLevel;
import dev.flinkresilience.operator.validate.TenantPolicy;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 on the real control plane: a tenant whose RBAC allows only {@code flinkresilientjobs} in
 * its namespace (user {@code tenant-a}, a static token of the local API server) tries every route
 * through the operator that used to give it more, and gets nothing: no operator file in any object,
 * no privileged or host-sharing pod, no foreign object touched, no borrowed service account. The
 * cluster has no nodes: nothing here needs a pod to run, and a pod the operator should not have
 * made would still show as Pending.
 */
class TenantIsolationTest {
  private static final Path REPO = Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath();
  private static final String NS = "tenant-a";
  private static final String MARKER = "OPERATOR-FILE-CONTENT-5e1d";
  private static final Duration VERDICT = Duration.ofSeconds(60);

  /** The operator's own account, as the chart tells it; matches the allow-list on purpose. */
  private static final TenantPolicy POLICY =
      TenantPolicy.DEFAULT
          .withPodSecurity(PodSecurityLevel.BASELINE)
          .withAllowedServiceAccounts(List.of("flink-*"))
          .withOperatorAccount(new TenantPolicy.ServiceAccountRef(NS, "flink-operator"));

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aTenantGetsNothingThroughTheOperatorThatItsOwnRightsDeny(@TempDir Path dir)
      throws Exception {
    boolean real = RealControlPlane.available();
    if (!real && Boolean.getBoolean("fro.require-real-control-plane")) {
      throw new IllegalStateException("the real control plane is required but not built");
    }
    Assumptions.assumeTrue(
        real, "needs the real control plane (RBAC, token users): run local/controlplane/build.sh");
    Path operatorFile = Files.writeString(dir.resolve("operator-secret"), MARKER);
    LocalCluster.Settings settings =
        LocalCluster.Settings.defaults().withControlPlane(ControlPlane.Kind.REAL).withNodes(0);
    try (LocalCluster cluster = LocalCluster.start(settings);
        LocalOperator operator =
            LocalOperator.start(
                cluster, REPO, OperatorSettings.allNamespaces().withTenantPolicy(POLICY))) {
      KubernetesClient admin = cluster.client();
      cluster.ensureNamespace(NS);
      grantOnlyFlinkResilientJobs(admin);
      Service foreign = admin.resource(foreignService()).create();

      try (KubernetesClient tenant = tenantClient(cluster)) {
        theTenantsOwnRightsAreNarrow(tenant);

        List<String> refusals = new ArrayList<>();
        refusals.add(
            refused(
                tenant,
                "krb5",
                s -> config(s, "security.kerberos.krb5-conf.path", operatorFile.toString()),
                "spec.flinkConfiguration[security.kerberos.krb5-conf.path]"));
        refusals.add(
            refused(
                tenant,
                "hadoop",
                s -> config(s, "kubernetes.decorator.hadoop-conf-mount.enabled", "true"),
                "spec.flinkConfiguration[kubernetes.decorator.hadoop-conf-mount.enabled]"));
        refusals.add(
            refused(
                tenant,
                "hostnet",
                s -> config(s, "kubernetes.hostnetwork.enabled", "true"),
                "spec.flinkConfiguration[kubernetes.hostnetwork.enabled]"));
        refusals.add(
            refused(
                tenant,
                "privileged",
                s ->
                    s.put(
                        "jobManager",
                        Map.of(
                            "podTemplate",
                            Map.of(
                                "spec",
                                Map.of(
                                    "containers",
                                    List.of(
                                        Map.of(
                                            "name",
                                            "flink-main-container",
                                            "securityContext",
                                            Map.of("privileged", true))))))),
                "spec.jobManager.podTemplate.spec.containers[0].securityContext.privileged"));
        refusals.add(
            refused(
                tenant,
                "hostpath",
                s ->
                    s.put(
                        "taskManager",
                        Map.of(
                            "podTemplate",
                            Map.of(
                                "spec",
                                Map.of(
                                    "volumes",
                                    List.of(
                                        Map.of(
                                            "name", "root", "hostPath", Map.of("path", "/"))))))),
                "spec.taskManager.podTemplate.spec.volumes[0].hostPath"));
        refusals.add(
            refused(
                tenant,
                "hostpid",
                s ->
                    s.put(
                        "jobManager",
                        Map.of("podTemplate", Map.of("spec", Map.of("hostPID", true)))),
                "spec.jobManager.podTemplate.spec.hostPID"));
        refusals.add(
            refused(
                tenant,
                "borrow-sa",
                s -> s.put("serviceAccount", "namespace-admin"),
                "spec.serviceAccount"));
        refusals.add(
            refused(
                tenant,
                "operator-sa",
                s -> s.put("serviceAccount", "flink-operator"),
                "spec.serviceAccount"));

        // Allowed: a keytab path is read by Flink inside the pods only. Pointed at the
        // operator's own file, it must not carry the file anywhere.
        create(
            tenant,
            "keytab",
            s -> config(s, "security.kerberos.login.keytab", operatorFile.toString()));
        new Waits(admin, NS, "keytab")
            .job(
                "deployed",
                VERDICT,
                j -> j.getStatus() != null && j.getStatus().getJobId() != null);

        // A name taken by someone else: the job must not take the Service over.
        create(tenant, "victim", s -> {});
        FlinkResilientJob victim =
            new Waits(admin, NS, "victim")
                .job(
                    "refusing the taken name",
                    VERDICT,
                    j -> ready(j) != null && ready(j).getMessage().contains("victim-rest"));
        System.out.println(
            "victim: " + ready(victim).getReason() + ": " + ready(victim).getMessage());
        Service after = admin.services().inNamespace(NS).withName("victim-rest").get();
        assertThat(after.getMetadata().getResourceVersion())
            .isEqualTo(foreign.getMetadata().getResourceVersion());
        assertThat(after.getMetadata().getOwnerReferences()).isNullOrEmpty();
        assertThat(admin.apps().deployments().inNamespace(NS).withName("victim").get()).isNull();

        refusals.forEach(r -> System.out.println("refused: " + r));
        nothingOfTheOperatorsInTheNamespace(admin);
      }
    }
  }

  private static void theTenantsOwnRightsAreNarrow(KubernetesClient tenant) {
    assertThatThrownBy(
            () ->
                tenant
                    .pods()
                    .inNamespace(NS)
                    .resource(
                        new PodBuilder()
                            .withNewMetadata()
                            .withName("direct")
                            .endMetadata()
                            .withNewSpec()
                            .addNewContainer()
                            .withName("c")
                            .withImage("x")
                            .endContainer()
                            .endSpec()
                            .build())
                    .create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    assertThatThrownBy(() -> tenant.secrets().inNamespace(NS).list())
        .isInstanceOf(KubernetesClientException.class);
    assertThatThrownBy(() -> tenant.services().inNamespace(NS).withName("victim-rest").get())
        .isInstanceOf(KubernetesClientException.class);
  }

  /** Creates a job as the tenant and waits for the operator to refuse it, naming {@code field}. */
  private static String refused(
      KubernetesClient tenant, String name, Consumer<Map<String, Object>> change, String field)
      throws InterruptedException {
    create(tenant, name, change);
    // The tenant reads its job's status itself: that much its rights allow.
    FlinkResilientJob job =
        new Waits(tenant, NS, name)
            .job(
                "refused naming " + field,
                VERDICT,
                j -> ready(j) != null && "InvalidSpec".equals(ready(j).getReason()));
    assertThat(ready(job).getMessage()).contains(field).doesNotContain(MARKER);
    return name + ": " + ready(job).getMessage();
  }

  @SuppressWarnings("unchecked")
  private static void create(
      KubernetesClient tenant, String name, Consumer<Map<String, Object>> change) {
    Map<String, Object> document;
    try {
      document =
          Serialization.unmarshal(
              Files.readString(REPO.resolve("examples/orders.yaml")), Map.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Map<String, Object> metadata = (Map<String, Object>) document.get("metadata");
    metadata.put("name", name);
    metadata.put("namespace", NS);
    Map<String, Object> spec = new LinkedHashMap<>((Map<String, Object>) document.get("spec"));
    change.accept(spec);
    document.put("spec", spec);
    tenant
        .resources(FlinkResilientJob.class)
        .inNamespace(NS)
        .resource(Serialization.unmarshal(Serialization.asJson(document), FlinkResilientJob.class))
        .create();
  }

  @SuppressWarnings("unchecked")
  private static void config(Map<String, Object> spec, String key, String value) {
    Map<String, Object> config =
        new LinkedHashMap<>(
            (Map<String, Object>) spec.getOrDefault("flinkConfiguration", Map.of()));
    config.put(key, value);
    spec.put("flinkConfiguration", config);
  }

  private static Condition ready(FlinkResilientJob job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  /** No object in the tenant's namespace carries the operator's file; no pod shares the host. */
  private static void nothingOfTheOperatorsInTheNamespace(KubernetesClient admin) {
    List<HasMetadata> objects = new ArrayList<>();
    objects.addAll(admin.configMaps().inNamespace(NS).list().getItems());
    objects.addAll(admin.secrets().inNamespace(NS).list().getItems());
    objects.addAll(admin.services().inNamespace(NS).list().getItems());
    objects.addAll(admin.apps().deployments().inNamespace(NS).list().getItems());
    objects.addAll(admin.pods().inNamespace(NS).list().getItems());
    objects.addAll(admin.serviceAccounts().inNamespace(NS).list().getItems());
    assertThat(objects).isNotEmpty();
    for (HasMetadata object : objects) {
      assertThat(Serialization.asYaml(object))
          .as(object.getKind() + " " + object.getMetadata().getName())
          .doesNotContain(MARKER)
          .doesNotContain("kerberos-keytab")
          .doesNotContain("hadoop-config");
    }
    // Only Kubernetes' own token Secrets: the operator makes none.
    assertThat(admin.secrets().inNamespace(NS).list().getItems())
        .allSatisfy(s -> assertThat(s.getType()).isEqualTo("kubernetes.io/service-account-token"));
    for (var pod : admin.pods().inNamespace(NS).list().getItems()) {
      var spec = pod.getSpec();
      assertThat(spec.getHostNetwork()).as(pod.getMetadata().getName()).isNotEqualTo(Boolean.TRUE);
      assertThat(spec.getHostPID()).isNotEqualTo(Boolean.TRUE);
      assertThat(spec.getHostIPC()).isNotEqualTo(Boolean.TRUE);
      assertThat(spec.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
      assertThat(spec.getContainers())
          .allSatisfy(
              c ->
                  assertThat(
                          c.getSecurityContext() == null
                              ? null
                              : c.getSecurityContext().getPrivileged())
                      .isNotEqualTo(Boolean.TRUE));
    }
  }

  private static void grantOnlyFlinkResilientJobs(KubernetesClient admin) {
    admin
        .rbac()
        .roles()
        .inNamespace(NS)
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("flink-job-author")
                .endMetadata()
                .withRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("flinkresilience.dev")
                        .withResources("flinkresilientjobs")
                        .withVerbs("get", "list", "watch", "create", "update", "patch", "delete")
                        .build(),
                    new PolicyRuleBuilder()
                        .withApiGroups("flinkresilience.dev")
                        .withResources("flinkresilientjobs/status")
                        .withVerbs("get")
                        .build())
                .build())
        .create();
    admin
        .rbac()
        .roleBindings()
        .inNamespace(NS)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("flink-job-author")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "flink-job-author")
                .addNewSubject()
                .withKind("User")
                .withName("tenant-a")
                .withApiGroup("rbac.authorization.k8s.io")
                .endSubject()
                .build())
        .create();
  }

  /** A Service of another application, named as the Service of a job called "victim" would be. */
  private static Service foreignService() {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName("victim-rest")
        .withNamespace(NS)
        .withLabels(Map.of("app", "someone-else"))
        .endMetadata()
        .withNewSpec()
        .withSelector(Map.of("app", "someone-else"))
        .addNewPort()
        .withName("http")
        .withPort(80)
        .endPort()
        .endSpec()
        .build();
  }

  private static KubernetesClient tenantClient(LocalCluster cluster) throws Exception {
    Config admin = Config.fromKubeconfig(Files.readString(cluster.kubeconfig()));
    Config tenant =
        new ConfigBuilder(admin)
            .withClientCertData(null)
            .withClientKeyData(null)
            .withClientCertFile(null)
            .withClientKeyFile(null)
            .withOauthToken(((RealControlPlane) cluster.controlPlane()).tenantToken())
            .build();
    return new KubernetesClientBuilder().withConfig(tenant).build();
  }
}
