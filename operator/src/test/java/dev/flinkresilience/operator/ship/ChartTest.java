package dev.flinkresilience.operator.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import dev.flinkresilience.operator.ops.MetricNames;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart rendered by a real Helm, for the default values and the settings people change:
 * which objects exist, how the operator is run, and what the values schema refuses.
 */
class ChartTest {
  private static final String FULLNAME = RenderedChart.RELEASE + "-flink-resilience-operator";

  @Test
  void chartPassesHelmLintStrict() {
    var result = new Helm(RenderedChart.chartDir()).lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void chartAndAppVersionAreTheMavenProjectVersion() throws IOException {
    String chartYaml = Files.readString(RenderedChart.chartDir().resolve("Chart.yaml"));
    String version = System.getProperty("project.version");
    assertThat(version).as("surefire passes project.version").isNotBlank();
    assertThat(chartYaml)
        .as("Chart.yaml follows pom.xml; update both when releasing")
        .contains("\nversion: " + version + "\n")
        .contains("\nappVersion: " + version + "\n");
  }

  @Test
  void chartCrdIsTheCommittedCrd() throws IOException {
    String file = "flinkresilientjobs.flinkresilience.dev-v1.yml";
    Path committed = Path.of(System.getProperty("crds.dir", "../crds"), file);
    Path inChart = RenderedChart.chartDir().resolve("crds").resolve(file);
    assertThat(inChart).exists();
    assertThat(Files.readString(inChart))
        .as("the chart's crds/ is stale: run `mvn -Pupdate-crds process-classes` and commit")
        .isEqualTo(Files.readString(committed));
    try (var files = Files.list(inChart.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()).toList())
          .as("no CRD in the chart that crds/ does not have")
          .containsExactly(file);
    }
  }

  @Test
  void defaultsRunOneOperatorForAllNamespacesLockedDown() {
    var chart = RenderedChart.render("");
    assertThat(chart.summary())
        .containsExactlyInAnyOrder(
            "ClusterRole /" + FULLNAME + "-jobs",
            "ClusterRole /" + FULLNAME + "-nodes",
            "ClusterRoleBinding /" + FULLNAME + "-jobs",
            "ClusterRoleBinding /" + FULLNAME + "-nodes",
            "ConfigMap flink-operator/" + FULLNAME + "-config",
            "Deployment flink-operator/" + FULLNAME,
            "Role kube-node-lease/" + FULLNAME + "-node-leases",
            "RoleBinding kube-node-lease/" + FULLNAME + "-node-leases",
            "Service flink-operator/" + FULLNAME + "-metrics",
            "ServiceAccount flink-operator/" + FULLNAME);
    assertThat(chart.settings())
        .doesNotContainKey("WATCH_NAMESPACES")
        .containsEntry("LEADER_ELECTION", "false")
        .containsEntry("NODE_DETECTION", "true")
        .containsEntry("MASS_LOSS_FRACTION", "0.5")
        .containsEntry("CHECKPOINT_STATUS_RATE", "10")
        .containsEntry("STEADY_POLL_RATE", "200")
        .containsEntry("HEALTH_PORT", "8080")
        .containsEntry("POD_SECURITY", "baseline")
        .containsEntry("LOG_FORMAT", "text")
        .doesNotContainKey("ALLOWED_SERVICE_ACCOUNTS")
        .doesNotContainKey("JOB_SELECTOR");

    Deployment d = deployment(chart);
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    assertThat(d.getSpec().getStrategy().getType())
        .as("without leader election two operators must never overlap")
        .isEqualTo("Recreate");
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo(FULLNAME);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    Container c = pod.getContainers().get(0);
    assertThat(c.getImage()).endsWith(":" + System.getProperty("project.version"));
    assertThat(c.getArgs()).containsExactly("run");
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits()).containsKey("memory");
    assertThat(c.getVolumeMounts())
        .as("the one writable directory")
        .singleElement()
        .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(pod.getVolumes().get(0).getEmptyDir()).isNotNull();

    assertThat(c.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getContainerPort()).isEqualTo(8080);
            });
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getEnvFrom().get(0).getConfigMapRef().getName()).isEqualTo(FULLNAME + "-config");
    assertThat(c.getEnv())
        .as("a job must not run as the operator's own service account")
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("OPERATOR_SERVICE_ACCOUNT");
              assertThat(e.getValue()).isEqualTo(FULLNAME);
            });

    JsonNode svc = chart.get("Service", FULLNAME + "-metrics");
    assertThat(svc.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
    assertThat(chart.as(svc.at("/spec/selector"), Map.class))
        .isEqualTo(d.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void configChecksumChangesWithTheSettingsOnly() {
    String base = checksum(RenderedChart.render(""));
    assertThat(base).matches("[0-9a-f]{64}");
    assertThat(checksum(RenderedChart.render("watchNamespaces: [a]"))).isNotEqualTo(base);
    assertThat(checksum(RenderedChart.render("health: {port: 9090}"))).isNotEqualTo(base);
    assertThat(checksum(RenderedChart.render("resources: {requests: {cpu: 1}}")))
        .as("not a setting: the pod template changes anyway")
        .isEqualTo(base);
  }

  @Test
  void tenantPolicyReachesTheOperator() {
    var chart =
        RenderedChart.render(
            "podSecurity: restricted\n"
                + "allowedServiceAccounts: [flink, 'team-*/runner']\n"
                + "serviceAccount: {name: frj-operator}");
    assertThat(chart.settings())
        .containsEntry("POD_SECURITY", "restricted")
        .containsEntry("ALLOWED_SERVICE_ACCOUNTS", "flink,team-*/runner");
    var env = deployment(chart).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    assertThat(env)
        .filteredOn(e -> e.getName().equals("OPERATOR_SERVICE_ACCOUNT"))
        .singleElement()
        .satisfies(e -> assertThat(e.getValue()).isEqualTo("frj-operator"));
    assertThat(deployment(chart).getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("frj-operator");
    assertThat(checksum(chart))
        .as("a new policy rolls the operator")
        .isNotEqualTo(checksum(RenderedChart.render("")));
  }

  @Test
  void storageAccessIsThePluginsOfTheImageAndTheOperatorsOwnSecret() {
    var defaults = RenderedChart.render("");
    assertThat(defaults.settings())
        .containsEntry("FLINK_PLUGINS_DIR", "/opt/flink/plugins")
        .doesNotContainKey("STORAGE_CONFIG");
    assertThat(deployment(defaults).getSpec().getTemplate().getSpec().getVolumes())
        .noneMatch(v -> v.getName().equals("storage-config"));

    var chart = RenderedChart.render("storage: {configSecret: operator-s3}");
    assertThat(chart.settings())
        .containsEntry("STORAGE_CONFIG", "/etc/flink-resilience/storage/config.yaml");
    var pod = deployment(chart).getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("storage-config"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("operator-s3"));
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .filteredOn(m -> m.getName().equals("storage-config"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/etc/flink-resilience/storage");
              assertThat(m.getReadOnly()).isTrue();
            });
  }

  @Test
  void aShardIsAJobSelectorAndALeaseOfItsOwn() {
    var chart =
        RenderedChart.render(
            "jobSelector: shard=a\nleaderElection: {enabled: true, leaseName: fro-a}");
    assertThat(chart.settings())
        .containsEntry("JOB_SELECTOR", "shard=a")
        .containsEntry("LEADER_ELECTION_LEASE_NAME", "fro-a");
  }

  @Test
  void aListOfNamespacesGetsRolesThereAndNoClusterRoleForJobs() {
    var chart = RenderedChart.render("watchNamespaces: [team-a, team-b]");
    assertThat(chart.settings()).containsEntry("WATCH_NAMESPACES", "team-a,team-b");
    assertThat(chart.find("ClusterRole", FULLNAME + "-jobs")).isEmpty();
    assertThat(chart.find("ClusterRoleBinding", FULLNAME + "-jobs")).isEmpty();
    for (String ns : List.of("team-a", "team-b")) {
      assertThat(chart.summary())
          .contains("Role " + ns + "/" + FULLNAME, "RoleBinding " + ns + "/" + FULLNAME);
    }
    assertThat(chart.find("ClusterRole", FULLNAME + "-nodes"))
        .as("nodes are cluster-scoped whatever the namespaces")
        .isPresent();
  }

  @Test
  void leaderElectionUsesALeaseInTheReleaseNamespace() {
    var chart = RenderedChart.render("leaderElection: {enabled: true}");
    assertThat(chart.settings())
        .containsEntry("LEADER_ELECTION", "true")
        .containsEntry("LEADER_ELECTION_LEASE_NAME", "flink-resilience-operator");
    assertThat(deployment(chart).getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    JsonNode role = chart.get("Role", FULLNAME + "-leader-election");
    assertThat(role.at("/metadata/namespace").asText()).isEqualTo(RenderedChart.NAMESPACE);
    assertThat(role.at("/rules/0/resources/0").asText()).isEqualTo("leases");
    var env = deployment(chart).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    assertThat(env)
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("POD_NAME");
              assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
            });
  }

  @Test
  void twoReplicasElectALeaderThroughTheLease() {
    var chart = RenderedChart.render("replicas: 2");
    assertThat(deployment(chart).getSpec().getReplicas()).isEqualTo(2);
    assertThat(chart.settings()).containsEntry("LEADER_ELECTION", "true");
    assertThat(deployment(chart).getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    JsonNode rule = chart.get("Role", FULLNAME + "-leader-election").at("/rules/0");
    assertThat(rule.at("/resources/0").asText()).isEqualTo("leases");
    // JOSDK checks get/create/update; fabric8's LeaseLock renews with patch
    // (LeaderElectionApiTest records it).
    assertThat(chart.as(rule.path("verbs"), List.class))
        .containsExactly("get", "create", "update", "patch");
  }

  @Test
  void healthPortMovesTheContainerPortAndTheProbesFollowByName() {
    var c =
        deployment(RenderedChart.render("health: {port: 9090}"))
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(c.getPorts().get(0).getContainerPort()).isEqualTo(9090);
    assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
  }

  @Test
  void serviceMonitorScrapesTheMetricsServiceWhenAskedFor() {
    // honorLabels: the job metrics' namespace label is the job's, not the operator's.
    assertThat(
            RenderedChart.render("metrics: {serviceMonitor: {enabled: true}}")
                .get("ServiceMonitor", FULLNAME)
                .at("/spec/endpoints/0/honorLabels")
                .asBoolean())
        .isTrue();
    var chart =
        RenderedChart.render(
            "metrics: {serviceMonitor: {enabled: true, labels: {release: prometheus}}}");
    JsonNode sm = chart.get("ServiceMonitor", FULLNAME);
    assertThat(sm.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
    assertThat(sm.at("/spec/endpoints/0/port").asText()).isEqualTo("http-metrics");
    assertThat(sm.at("/spec/endpoints/0/path").asText()).isEqualTo("/metrics");
    JsonNode svc = chart.get("Service", FULLNAME + "-metrics");
    sm.at("/spec/selector/matchLabels")
        .fields()
        .forEachRemaining(
            e ->
                assertThat(svc.at("/metadata/labels").path(e.getKey()).asText())
                    .as("service label " + e.getKey())
                    .isEqualTo(e.getValue().asText()));
    assertThat(svc.at("/spec/ports/0/name").asText()).isEqualTo("http-metrics");
  }

  @Test
  void alertsAreOptInAndUseOnlyMetricsTheOperatorExports() {
    assertThat(RenderedChart.render("").ofKind("PrometheusRule")).isEmpty();
    var chart =
        RenderedChart.render(
            "prometheusRule: {enabled: true, labels: {release: prometheus},"
                + " alerts: {checkpointAgeIntervals: 4}}");
    JsonNode rule = chart.get("PrometheusRule", FULLNAME);
    assertThat(rule.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
    List<String> alerts = new ArrayList<>();
    Set<String> used = new TreeSet<>();
    for (JsonNode group : rule.at("/spec/groups")) {
      for (JsonNode r : group.path("rules")) {
        alerts.add(r.path("alert").asText());
        String expr = r.path("expr").asText();
        Set<String> names = AlertExpressions.metricNames(expr);
        assertThat(names).as(r.path("alert").asText() + ": " + expr).isNotEmpty();
        assertThat(MetricNames.ALL)
            .as("metrics of " + r.path("alert").asText() + " the operator exports")
            .containsAll(names);
        used.addAll(names);
        assertThat(r.path("labels").path("severity").asText()).isIn("info", "warning", "critical");
      }
    }
    assertThat(alerts)
        .containsExactlyInAnyOrder(
            "FlinkJobCheckpointTooOld",
            "FlinkJobRestartAttemptsNearlyExhausted",
            "FlinkJobRestartingRepeatedly",
            "FlinkJobNotRunning",
            "FlinkJobFailed",
            "FlinkJobRecovering",
            "FlinkJobRecoveryFailing",
            "FlinkJobRecoveringRepeatedly",
            "FlinkJobRecoverySlow");
    assertThat(used)
        .contains(
            MetricNames.CHECKPOINT_AGE_SECONDS,
            MetricNames.FLINK_RESTARTS_TOTAL,
            MetricNames.RECOVERIES,
            MetricNames.DETECTIONS,
            MetricNames.OPEN_INCIDENT_ID,
            MetricNames.RECOVERY_SECONDS + "_bucket");
    assertThat(rule.toString()).contains("> 4 * max by (namespace, name)");
  }

  @Test
  void alertExpressionsAreReadForMetricNamesOnly() {
    assertThat(
            AlertExpressions.metricNames(
                "sum by (namespace, name) (increase(a_total{phase=\"x\"}[15m])) > 3"
                    + " unless on (namespace) max(b) == 1 and c_seconds offset 5m"))
        .containsExactlyInAnyOrder("a_total", "b", "c_seconds");
  }

  @Test
  void schemaRefusesMistakes() {
    assertThatThrownBy(() -> RenderedChart.render("replica: 2"))
        .as("a misspelt key")
        .hasMessageContaining("replica");
    assertThatThrownBy(() -> RenderedChart.render("replicas: two"))
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> RenderedChart.render("watchNamespaces: [Team_A]"))
        .hasMessageContaining("watchNamespaces");
    assertThatThrownBy(() -> RenderedChart.render("health: {port: 0}"))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> RenderedChart.render("podSecurity: strict"))
        .hasMessageContaining("podSecurity");
    assertThatThrownBy(() -> RenderedChart.render("logFormat: logfmt"))
        .hasMessageContaining("logFormat");
    assertThatThrownBy(() -> RenderedChart.render("allowedServiceAccounts: flink"))
        .hasMessageContaining("allowedServiceAccounts");
  }

  @Test
  void everyBindingNamesTheOperatorsServiceAccount() {
    for (String values : List.of("", "watchNamespaces: [a, b]\nleaderElection: {enabled: true}")) {
      var chart = RenderedChart.render(values);
      for (String kind : List.of("RoleBinding", "ClusterRoleBinding")) {
        for (JsonNode b : chart.ofKind(kind)) {
          assertThat(b.path("subjects"))
              .as(kind + " " + b.at("/metadata/name").asText())
              .singleElement()
              .satisfies(
                  s -> {
                    assertThat(s.path("name").asText()).isEqualTo(FULLNAME);
                    assertThat(s.path("namespace").asText()).isEqualTo(RenderedChart.NAMESPACE);
                  });
        }
      }
    }
  }

  private static Deployment deployment(RenderedChart chart) {
    return chart.as(chart.get("Deployment", FULLNAME), Deployment.class);
  }

  private static String checksum(RenderedChart chart) {
    return deployment(chart)
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get("checksum/config");
  }
}
