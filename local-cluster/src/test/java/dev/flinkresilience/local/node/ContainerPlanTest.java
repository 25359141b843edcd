package dev.flinkresilience.local.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerPlanTest {
  private static final ContainerPlan.Context CONTEXT =
      new ContainerPlan.Context(
          "127.0.2.7",
          "node-2",
          "127.0.2.1",
          Path.of("/state/pods/p"),
          Path.of("/build/jars"),
          Path.of("/state/kubeconfig"),
          host -> host.equals("orders.streaming") ? Optional.of("127.0.1.2") : Optional.empty());

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "kubernetes-jobmanager.sh kubernetes-application | JOB_MANAGER | org.apache.flink.kubernetes.entrypoint.KubernetesApplicationClusterEntrypoint",
        "kubernetes-jobmanager.sh kubernetes-session | JOB_MANAGER | org.apache.flink.kubernetes.entrypoint.KubernetesSessionClusterEntrypoint",
        "kubernetes-taskmanager.sh -D a=b | TASK_MANAGER | org.apache.flink.kubernetes.taskmanager.KubernetesTaskExecutorRunner"
      })
  void theScriptNamesTheEntrypoint(String script, ContainerPlan.Role role, String main) {
    ContainerPlan plan = ContainerPlan.of(pod(script), Map.of(), CONTEXT);
    assertThat(plan.role()).isEqualTo(role);
    assertThat(plan.mainClass()).isEqualTo(main);
  }

  @Test
  void thePodsEtcHostsPutsLoopbackNamesOnThePodsIp() {
    String machine =
        "127.0.0.1 localhost\n127.0.1.1\tbuilder\n::1 localhost ip6-localhost\n"
            + "# a comment\n10.0.0.5 registry\n";
    assertThat(ContainerPlan.etcHosts(machine, "127.0.2.7"))
        .isEqualTo(
            "127.0.2.7\tlocalhost\n127.0.2.7\tlocalhost\n127.0.2.7\tbuilder\n"
                + "127.0.2.7\tlocalhost ip6-localhost\n# a comment\n10.0.0.5 registry\n");
    assertThat(ContainerPlan.etcHosts("", "127.0.2.7"))
        .as("localhost even where the machine's file does not name it")
        .startsWith("127.0.2.7\tlocalhost\n");
  }

  @Test
  void aContainerThatIsNotFlinkIsRefused() {
    assertThatThrownBy(() -> ContainerPlan.of(pod("nginx -g daemon"), Map.of(), CONTEXT))
        .isInstanceOf(ContainerPlan.UnsupportedContainerException.class)
        .hasMessageContaining("neither kubernetes-jobmanager.sh nor kubernetes-taskmanager.sh");
  }

  @Test
  void dynamicPropertiesComeInBothSpellingsAndLoseTheirQuotes() {
    assertThat(
            ContainerPlan.dynamicProperties(
                ContainerPlan.words(
                    "kubernetes-taskmanager.sh -D taskmanager.memory.network.min='33554432b'"
                        + " -Djobmanager.rpc.port='6123' -Dx=a=b")))
        .containsExactly(
            Map.entry("taskmanager.memory.network.min", "33554432b"),
            Map.entry("jobmanager.rpc.port", "6123"),
            Map.entry("x", "a=b"));
  }

  @Test
  void theJobManagerBindsAndAdvertisesItsPodIpAndGetsOnlyDashDOptions() {
    ContainerPlan plan =
        ContainerPlan.of(
            pod("kubernetes-jobmanager.sh kubernetes-application"),
            Map.of("pipeline.jars", "[\"local:///opt/flink/usrlib/sample-job.jar\"]"),
            CONTEXT);
    // The JobManager entrypoints parse -D options only: anything else would end the parsing.
    assertThat(plan.args()).allMatch(a -> a.startsWith("-D"));
    assertThat(plan.args())
        .contains(
            "-Djobmanager.rpc.address=127.0.2.7",
            "-Djobmanager.bind-host=127.0.2.7",
            "-Drest.address=127.0.2.7",
            "-Drest.bind-address=127.0.2.7",
            "-Dpipeline.jars=local:///build/jars/sample-job.jar",
            "-Dkubernetes.config.file=/state/kubeconfig");
    assertThat(plan.env())
        .containsEntry("FLINK_CONF_DIR", "/state/pods/p/fs/opt/flink/conf")
        .containsEntry("_POD_IP_ADDRESS", "127.0.2.7");
  }

  @Test
  void aDistributionWithPluginsGivesEveryContainerItsPluginsDirectory() {
    ContainerPlan.Context withPlugins =
        new ContainerPlan.Context(
            CONTEXT.podIp(),
            CONTEXT.nodeName(),
            CONTEXT.hostIp(),
            CONTEXT.podDir(),
            CONTEXT.usrlib(),
            CONTEXT.kubeconfig(),
            CONTEXT.resolveJobManager(),
            Optional.of(Path.of("/build/flink-plugins")));
    for (String script :
        List.of("kubernetes-jobmanager.sh kubernetes-application", "kubernetes-taskmanager.sh")) {
      assertThat(ContainerPlan.of(pod(script), Map.of(), withPlugins).env())
          .as(script)
          .containsEntry("FLINK_PLUGINS_DIR", "/build/flink-plugins");
    }
    assertThat(
            ContainerPlan.of(pod("kubernetes-taskmanager.sh"), Map.of(), CONTEXT)
                .env()
                .containsKey("FLINK_PLUGINS_DIR"))
        .as("no plugins directory, none set")
        .isFalse();
  }

  @Test
  void aTaskManagerFindsTheJobManagerServiceThroughTheResolver() {
    ContainerPlan plan =
        ContainerPlan.of(
            pod("kubernetes-taskmanager.sh -Dtaskmanager.resource-id=tm-1"),
            Map.of("jobmanager.rpc.address", "orders.streaming"),
            CONTEXT);
    assertThat(plan.args().subList(0, 2))
        .containsExactly("--configDir", "/state/pods/p/fs/opt/flink/conf");
    assertThat(plan.args())
        .contains(
            "-Dtaskmanager.resource-id=tm-1",
            "-Dtaskmanager.host=127.0.2.7",
            "-Dtaskmanager.bind-host=127.0.2.7",
            "-Djobmanager.rpc.address=127.0.1.2");
  }

  @Test
  void anAddressAlreadyAnIpIsLeftAlone() {
    ContainerPlan plan =
        ContainerPlan.of(
            pod("kubernetes-taskmanager.sh"),
            Map.of("jobmanager.rpc.address", "127.0.3.4"),
            CONTEXT);
    assertThat(plan.args()).noneMatch(a -> a.startsWith("-Djobmanager.rpc.address="));
  }

  @Test
  void aShellWrapperAroundTheEntrypointRunsWithItsPathWhereThePodsVolumeIs() {
    Pod pod = pod("kubernetes-jobmanager.sh kubernetes-application");
    pod.getSpec()
        .getContainers()
        .get(0)
        .setCommand(List.of("bash", "-c", "guard", "/run-once/started", "/docker-entrypoint.sh"));

    ContainerPlan plan = ContainerPlan.of(pod, Map.of(), CONTEXT);

    assertThat(plan.role()).isEqualTo(ContainerPlan.Role.JOB_MANAGER);
    assertThat(plan.wrapper())
        .containsExactly("bash", "-c", "guard", "/state/pods/p/fs/run-once/started");
    assertThat(plan.args()).allMatch(a -> a.startsWith("-D"));
  }

  @Test
  void flinksOwnEntrypointHasNoWrapper() {
    assertThat(ContainerPlan.of(pod("kubernetes-taskmanager.sh"), Map.of(), CONTEXT).wrapper())
        .isEmpty();
  }

  private static Pod pod(String script) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withNamespace("streaming")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("flink-main-container")
        .withCommand(List.of("/docker-entrypoint.sh"))
        .withArgs(List.of("bash", "-c", script))
        .addNewEnv()
        .withName("_POD_IP_ADDRESS")
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath("status.podIP")
        .endFieldRef()
        .endValueFrom()
        .endEnv()
        .endContainer()
        .endSpec()
        .build();
  }
}
