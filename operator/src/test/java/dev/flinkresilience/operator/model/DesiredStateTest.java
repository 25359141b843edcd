package dev.flinkresilience.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.ZooKeeperSpec;
import dev.flinkresilience.operator.decide.RestorePoint;
import dev.flinkresilience.operator.testing.Jobs;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The objects of a deployment, as Flink's factory builds them and the operator stamps them. */
class DesiredStateTest {
  private static final String JOB_ID = "0123456789abcdef0123456789abcdef";
  private static final DeploymentStamp STAMP = new DeploymentStamp(3, "hash", 2, JOB_ID);

  @Test
  void podTemplatesReachTheJobManagerPodAndTheTaskManagerTemplateConfigMap() {
    var job = Jobs.job("ns", "orders");
    job.getSpec()
        .getJobManager()
        .setPodTemplate(
            Map.of(
                "spec",
                Map.of(
                    "nodeSelector", Map.of("pool", "streaming"),
                    "containers",
                        List.of(
                            Map.of(
                                "name",
                                "flink-main-container",
                                "env",
                                List.of(Map.of("name", "TZ", "value", "UTC")))))));
    job.getSpec()
        .getTaskManager()
        .setPodTemplate(Map.of("spec", Map.of("priorityClassName", "streaming-high")));

    List<HasMetadata> objects = DesiredState.objects(job, job.getSpec(), STAMP, RestorePoint.NONE);

    var pod = deployment(objects).getSpec().getTemplate().getSpec();
    assertThat(pod.getNodeSelector()).containsEntry("pool", "streaming");
    assertThat(pod.getContainers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getName()).isEqualTo("flink-main-container");
              assertThat(c.getImage()).isEqualTo("flink:2.3.0-java17");
              assertThat(c.getEnv()).anyMatch(e -> "TZ".equals(e.getName()));
            });
    assertThat(configMap(objects, "pod-template-orders").getData().values())
        .singleElement()
        .asString()
        .contains("priorityClassName: \"streaming-high\"");
  }

  @Test
  void standbyJobManagersPreferNodesWithoutAnotherJobManager() {
    var job = Jobs.job("ns", "orders");
    job.getSpec().getHighAvailability().setType(HighAvailabilityType.KUBERNETES);
    job.getSpec().getHighAvailability().setStorageDir("s3://b/ha");
    job.getSpec().getJobManager().setReplicas(2);

    Deployment jm = deployment(DesiredState.objects(job, job.getSpec(), STAMP, RestorePoint.NONE));

    var apart = jm.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity();
    assertThat(apart.getRequiredDuringSchedulingIgnoredDuringExecution())
        .as("preferred only: fewer nodes than JobManagers still run them all")
        .isNullOrEmpty();
    assertThat(apart.getPreferredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.getPodAffinityTerm().getTopologyKey())
                  .isEqualTo("kubernetes.io/hostname");
              assertThat(w.getPodAffinityTerm().getLabelSelector().getMatchLabels())
                  .as("the JobManager pods of this job, as the Deployment selects them")
                  .isEqualTo(jm.getSpec().getSelector().getMatchLabels());
            });
  }

  @Test
  void oneJobManagerOrTheUsersOwnAntiAffinityIsLeftAlone() {
    var single = Jobs.job("ns", "orders");
    Deployment one =
        deployment(DesiredState.objects(single, single.getSpec(), STAMP, RestorePoint.NONE));
    var affinity = one.getSpec().getTemplate().getSpec().getAffinity();
    assertThat(affinity == null ? null : affinity.getPodAntiAffinity()).isNull();

    var job = Jobs.job("ns", "orders");
    job.getSpec().getHighAvailability().setType(HighAvailabilityType.KUBERNETES);
    job.getSpec().getHighAvailability().setStorageDir("s3://b/ha");
    job.getSpec().getJobManager().setReplicas(3);
    Map<String, Object> own =
        Map.of(
            "requiredDuringSchedulingIgnoredDuringExecution",
            List.of(
                Map.of(
                    "topologyKey",
                    "topology.kubernetes.io/zone",
                    "labelSelector",
                    Map.of("matchLabels", Map.of("tier", "jm")))));
    job.getSpec()
        .getJobManager()
        .setPodTemplate(Map.of("spec", Map.of("affinity", Map.of("podAntiAffinity", own))));
    Deployment three =
        deployment(DesiredState.objects(job, job.getSpec(), STAMP, RestorePoint.NONE));
    var users = three.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity();
    assertThat(users.getPreferredDuringSchedulingIgnoredDuringExecution()).isNullOrEmpty();
    assertThat(users.getRequiredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(t -> assertThat(t.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone"));
  }

  @Test
  void theConfigurationConfigMapShipsConsoleLoggingAndTheRenderedConfiguration() {
    var job = Jobs.job("ns", "orders");
    List<HasMetadata> objects = DesiredState.objects(job, job.getSpec(), STAMP, RestorePoint.NONE);

    var data = configMap(objects, "flink-config-orders").getData();
    assertThat(data.get("log4j-console.properties")).contains("ConsoleAppender");
    assertThat(data.get("config.yaml")).contains(JOB_ID).contains("kubernetes-application");
    assertThat(deployment(objects).getMetadata().getAnnotations())
        .containsEntry(Labels.SERIAL, "2")
        .containsEntry(Labels.JOB_ID, JOB_ID)
        .containsEntry(Labels.SPEC_HASH, "hash");
  }

  @Test
  void flinksOwnRejectionOfTheConfigurationIsAnInvalidSpec() {
    var job = Jobs.job("ns", "orders");
    job.getSpec()
        .getJobManager()
        .getResources()
        .setMemory(new io.fabric8.kubernetes.api.model.Quantity("64Mi"));

    var checked = DesiredState.check(job);

    assertThat(checked.valid()).isFalse();
    assertThat(checked.violations()).singleElement().asString().startsWith("spec: Flink rejected");
  }

  @Test
  void withoutHighAvailabilityTheJobManagerContainerRunsFlinkOncePerPod() {
    var job = Jobs.job("ns", "orders");
    job.getSpec().getHighAvailability().setType(HighAvailabilityType.NONE);

    var pod =
        deployment(DesiredState.objects(job, job.getSpec(), STAMP, RestorePoint.NONE))
            .getSpec()
            .getTemplate()
            .getSpec();

    var main = pod.getContainers().get(0);
    assertThat(main.getCommand())
        .containsExactly("bash", "-c", RunOnce.SCRIPT, RunOnce.MARK, "/docker-entrypoint.sh");
    assertThat(main.getArgs()).as("Flink's own arguments, unchanged").contains("bash", "-c");
    assertThat(main.getVolumeMounts())
        .anyMatch(
            m -> m.getName().equals(RunOnce.VOLUME) && m.getMountPath().equals(RunOnce.MOUNT_PATH));
    assertThat(pod.getVolumes())
        .anyMatch(v -> v.getName().equals(RunOnce.VOLUME) && v.getEmptyDir() != null);
  }

  @Test
  void withHighAvailabilityTheJobManagerContainerIsFlinksOwn() {
    for (HighAvailabilityType ha :
        List.of(HighAvailabilityType.KUBERNETES, HighAvailabilityType.ZOOKEEPER)) {
      var job = Jobs.job("ns", "orders");
      job.getSpec().getHighAvailability().setType(ha);
      job.getSpec().getHighAvailability().setStorageDir("s3://bucket/ha");
      if (ha == HighAvailabilityType.ZOOKEEPER) {
        var zk = new ZooKeeperSpec();
        zk.setQuorum("zk:2181");
        job.getSpec().getHighAvailability().setZookeeper(zk);
      }

      var pod =
          deployment(DesiredState.objects(job, job.getSpec(), STAMP, RestorePoint.NONE))
              .getSpec()
              .getTemplate()
              .getSpec();

      assertThat(pod.getContainers().get(0).getCommand())
          .as(ha.name())
          .containsExactly("/docker-entrypoint.sh");
      assertThat(pod.getVolumes()).noneMatch(v -> v.getName().equals(RunOnce.VOLUME));
    }
  }

  private static Deployment deployment(List<HasMetadata> objects) {
    return objects.stream()
        .filter(Deployment.class::isInstance)
        .map(Deployment.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private static ConfigMap configMap(List<HasMetadata> objects, String name) {
    return objects.stream()
        .filter(o -> o instanceof ConfigMap && name.equals(o.getMetadata().getName()))
        .map(ConfigMap.class::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ConfigMap " + name));
  }
}
